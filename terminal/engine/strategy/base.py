"""Base class of strategy plugins.

A strategy is a class with ``plugin_name``, a frozen ``Params`` struct and the handlers it
needs (``on_start``, ``on_tick``, ``on_bar``, ``on_order``, ``on_fill``, ``on_stop``). It acts
only through the methods here; the runner keeps its positions, working orders and bar history
up to date from the events it delivers, one at a time, so that a replay of the same events
makes the same decisions (see ``terminal/engine/strategy/runner.py``). It keeps them in a
``StrategyRuntime`` (``runtime.py``) that the strategy reads and never writes.

An instance trades one or more symbols (``symbols``; the first is ``symbol``, its primary).
Handlers receive the ticks and bars of all of them (each carries ``.symbol``); every order
helper and reader takes an optional ``symbol`` that defaults to the primary one, so a
single-symbol strategy never names it. A class says how many symbols it takes with
``min_symbols`` and ``max_symbols`` (one by default).

Indicators are declared once, usually in ``on_start`` (``self.fast = self.indicator(SMA(10))``),
and read on every bar (``self.fast.value``): the runtime advances them with each bar, live bar
by bar and in a backtest from one vectorised pass over the run, to the same values.

Everything a strategy reads (``position``, ``working_orders``, ``bars``, ``now_ns``) changes
only between two handler calls, never while one runs: a fill caused by ``buy`` arrives as the
next ``on_fill``, after the current handler returns.

Contingent orders are the engine's, live and in backtests alike: ``buy_bracket`` and
``sell_bracket`` (an entry with a take-profit and a stop-loss that go live when it fills, one
cancelling the other), ``exit_oco`` (a take-profit and a stop-loss on what is held), ``trail``
(a trailing stop); ``modify`` moves a working order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

import msgspec

from terminal.domain.contingent import ModifyOrder
from terminal.domain.enums import Offset, OrderType, Side
from terminal.domain.instrument import Instrument, price_text
from terminal.domain.market import Bar, Tick
from terminal.domain.orders import Fill, Order, OrderRequest
from terminal.engine.indicators import Indicator
from terminal.engine.plugin_base import NoOptions
from terminal.engine.strategy.bar_series import BarSeries
from terminal.engine.strategy.contingent import ContingentHelpers
from terminal.engine.strategy.indicator_line import IndicatorLine
from terminal.engine.strategy.runtime import StrategyRuntime


class StrategyContext(Protocol):
    """What the runner offers one instance. The runner's context also carries the instance's
    ``runtime`` (a :class:`StrategyRuntime`); a context without one, e.g. a stand-in in a
    user's unit test, leaves the strategy with a runtime of its own that nothing updates."""

    def submit(self, request: OrderRequest) -> str: ...

    def cancel(self, order_id: str) -> None: ...

    def log(self, message: str, level: str = "INFO") -> None: ...

    def instrument(self, symbol: str) -> Instrument: ...

    def place(self, command: Any) -> list[str]:
        """Place a contingent order (``SubmitBracket``, ``SubmitOco``, ``SubmitTrailingStop``);
        its order ids, or [] when refused (said in the log)."""
        ...

    def modify(self, command: ModifyOrder) -> None: ...


class Strategy(ContingentHelpers):
    """Base of every strategy. Handlers default to doing nothing."""

    plugin_name: ClassVar[str]
    Params: ClassVar[type[msgspec.Struct]] = NoOptions
    timeframes: ClassVar[tuple[str, ...]] = ("1m",)
    """The bar timeframes ``on_bar`` receives; the engine builds them while the strategy runs."""
    warmup_bars: ClassVar[int] = 100
    """Bars of history (per timeframe and symbol) fed with ``history_phase`` true before going
    live; an instance may set its own number."""
    variables: ClassVar[tuple[str, ...]] = ()
    """Names of attributes shown in the strategy manager (e.g. ``("fast_ma", "slow_ma")``); a
    float is shown as a price of the primary symbol, on its tick grid."""
    plain_variables: ClassVar[tuple[str, ...]] = ()
    """Those of ``variables`` that are no prices (a z-score, a quantity): shown to at most six
    decimals instead."""
    slow_handler_s: ClassVar[float] = 0.05
    """A handler call longer than this is reported with its duration."""
    min_symbols: ClassVar[int] = 1
    """Fewest symbols an instance of this class trades."""
    max_symbols: ClassVar[int | None] = 1
    """Most symbols an instance trades (None: any number). A class written for one symbol
    keeps the default, so it is never handed the bars of a second one by mistake."""

    def __init__(
        self,
        instance: str,
        symbol: str,
        broker: str,
        context: StrategyContext,
        params: Any,
        symbols: Sequence[str] = (),
    ) -> None:
        self.instance = instance
        self.symbols: tuple[str, ...] = tuple(symbols) or (symbol,)
        """Every symbol this instance trades, the primary one first."""
        self.symbol = self.symbols[0]
        """The primary symbol: what the helpers trade and read when not told otherwise."""
        self.broker = broker
        self.context = context
        self.params = params
        runtime = getattr(context, "runtime", None)
        # A private name of this class (``_Strategy__runtime``): a subclass's own attributes,
        # whatever their names, never replace it.
        self.__runtime = (
            runtime if isinstance(runtime, StrategyRuntime) else StrategyRuntime(self.symbols)
        )

    @classmethod
    def symbols_wanted(cls) -> str:
        """How many symbols an instance takes, in words: "exactly 1 symbol", "at least 2
        symbols", "2 to 3 symbols"."""
        low, high = cls.min_symbols, cls.max_symbols
        if high == low:
            return f"exactly {low} symbol{'s' if low != 1 else ''}"
        if high is None:
            return f"at least {low} symbol{'s' if low != 1 else ''}"
        return f"{low} to {high} symbols"

    @classmethod
    def symbols_problem(cls, symbols: Sequence[str]) -> str:
        """"" when this class can trade ``symbols`` (count and repeats), else why not."""
        seen: set[str] = set()
        for symbol in symbols:
            if symbol in seen:
                return f"symbol '{symbol}' is given twice"
            seen.add(symbol)
        count, low, high = len(symbols), cls.min_symbols, cls.max_symbols
        if low <= count and (high is None or count <= high):
            return ""
        wanted = cls.symbols_wanted()
        given = ", ".join(symbols) or "none"
        name = getattr(cls, "plugin_name", cls.__name__)
        return f"strategy '{name}' trades {wanted}, got {count} ({given})"

    # ---- handlers ------------------------------------------------------------------------
    def on_start(self) -> None:
        """Called once when the instance starts, before warm-up history is fed."""

    def on_tick(self, tick: Tick) -> None:
        """Called for every tick of the instance's symbols (``tick.symbol`` says which)."""

    def on_bar(self, bar: Bar) -> None:
        """Called for every closed bar of a declared timeframe of any of the instance's
        symbols (``bar.timeframe`` and ``bar.symbol`` say which)."""

    def on_order(self, order: Order) -> None:
        """Called for every change of an order this instance placed."""

    def on_fill(self, fill: Fill) -> None:
        """Called for every fill of an order this instance placed (positions include it)."""

    def on_stop(self) -> None:
        """Called once when the instance stops."""

    # ---- reading -------------------------------------------------------------------------
    @property
    def history_phase(self) -> bool:
        """True while warm-up history is fed: orders are refused, with a log line."""
        return self.__runtime.history_phase

    @property
    def now_ns(self) -> int:
        """Time of the event being handled (UTC ns): the same in a replay as it was live."""
        return self.__runtime.now_ns

    @property
    def position(self) -> float:
        """This instance's net position in its primary symbol, from its own fills."""
        return self.__runtime.positions[self.symbol]

    @position.setter
    def position(self, value: float) -> None:
        # Kept for strategies written when ``position`` was a plain attribute they could set.
        self.__runtime.positions[self.symbol] = value

    def position_of(self, symbol: str | None = None) -> float:
        """This instance's net position in ``symbol`` (default: the primary one)."""
        return self.__runtime.positions[self._checked(symbol)]

    @property
    def positions(self) -> dict[str, float]:
        """Net position per symbol, in the order of ``symbols``."""
        return dict(self.__runtime.positions)

    @property
    def working_orders(self) -> list[Order]:
        """This instance's orders that can still fill, in every symbol, oldest first."""
        return list(self.__runtime.working.values())

    def working_orders_of(self, symbol: str | None = None) -> list[Order]:
        """This instance's orders in ``symbol`` (default: the primary) that can still fill."""
        symbol = self._checked(symbol)
        return [order for order in self.__runtime.working.values() if order.symbol == symbol]

    def bars(self, timeframe: str | None = None, symbol: str | None = None) -> BarSeries:
        """Closed bars of ``symbol`` (default: the primary) fed so far, oldest first, as numpy
        arrays (``.close``, ``.high``, ``.start``…)."""
        return self.__runtime.series(self._checked(symbol), self._timeframe(timeframe))

    def indicator(
        self, indicator: Indicator, timeframe: str | None = None, symbol: str | None = None
    ) -> IndicatorLine:
        """Declare ``indicator`` (``SMA(10)``, ``EMA``, ``Bollinger``, ``MACD``, ``RSI`` from
        ``terminal.engine.indicators``) on the closes of ``symbol`` (default: the primary) and
        ``timeframe`` (default: the first). Declare it once, in ``on_start``; its ``value``
        then follows every bar fed, warm-up included (``ago(1)`` is the bar before)."""
        return self.__runtime.indicator(
            self._checked(symbol), self._timeframe(timeframe), indicator
        )

    def _timeframe(self, timeframe: str | None) -> str:
        timeframe = timeframe or self.timeframes[0]
        if timeframe not in self.timeframes:
            raise ValueError(
                f"timeframe '{timeframe}' is not one of {self.plugin_name}'s timeframes "
                f"({', '.join(self.timeframes)})"
            )
        return timeframe

    def last_price(self, symbol: str | None = None) -> float | None:
        """Last traded price of ``symbol`` (default: the primary) seen so far, None before
        its first tick."""
        return self.__runtime.last_prices.get(self._checked(symbol))

    def instrument(self, symbol: str | None = None) -> Instrument:
        """The instrument of ``symbol`` (default: the primary): tick and lot size, multiplier."""
        return self.context.instrument(self._checked(symbol))

    def price_text(self, value: float, symbol: str | None = None) -> str:
        """``value`` on the tick grid of ``symbol`` (default: the primary), for log lines and
        reasons: ``self.log(f"stopped out at {self.price_text(fill.price)}")``."""
        return f"{value:.{self.instrument(symbol).price_decimals}f}"

    def display_values(self) -> dict[str, str]:
        """The ``variables`` and their current values, as text for the manager."""
        try:
            decimals: int | None = self.instrument().price_decimals
        except KeyError:  # a stand-in context that lists no instruments
            decimals = None
        shown: dict[str, str] = {}
        for name in self.variables:
            value = getattr(self, name, None)
            if not isinstance(value, float) or not math.isfinite(value):
                shown[name] = str(value)
            elif decimals is None or name in self.plain_variables:
                shown[name] = price_text(round(value, 6))
            else:
                shown[name] = f"{value:.{decimals}f}"
        return shown

    def log(self, message: str) -> None:
        self.context.log(message)

    def _checked(self, symbol: str | None) -> str:
        if symbol is None:
            return self.symbol
        if symbol not in self.symbols:
            raise ValueError(
                f"'{symbol}' is not a symbol of instance {self.instance} "
                f"({', '.join(self.symbols)})"
            )
        return symbol

    # ---- orders --------------------------------------------------------------------------
    # ``symbol`` (keyword) picks which of the instance's symbols to trade; default the primary.
    def buy(
        self, quantity: float, price: float | None = None, reason: str = "", *,
        symbol: str | None = None,
    ) -> str:
        """Buy at market, or at ``price`` as a limit; ``reason`` travels with the order.

        Returns the order id ("" when the order was refused before reaching the engine)."""
        return self._order(Side.BUY, quantity, price, reason, symbol=symbol)

    def sell(
        self, quantity: float, price: float | None = None, reason: str = "", *,
        symbol: str | None = None,
    ) -> str:
        return self._order(Side.SELL, quantity, price, reason, symbol=symbol)

    def open_long(
        self, quantity: float, price: float | None = None, reason: str = "", *,
        symbol: str | None = None,
    ) -> str:
        """Futures: buy to open."""
        return self._order(Side.BUY, quantity, price, reason, Offset.OPEN, symbol=symbol)

    def close_long(
        self, quantity: float, price: float | None = None, reason: str = "", *,
        symbol: str | None = None,
    ) -> str:
        """Futures: sell to close a long position."""
        return self._order(Side.SELL, quantity, price, reason, Offset.CLOSE, symbol=symbol)

    def open_short(
        self, quantity: float, price: float | None = None, reason: str = "", *,
        symbol: str | None = None,
    ) -> str:
        """Futures: sell to open."""
        return self._order(Side.SELL, quantity, price, reason, Offset.OPEN, symbol=symbol)

    def close_short(
        self, quantity: float, price: float | None = None, reason: str = "", *,
        symbol: str | None = None,
    ) -> str:
        """Futures: buy to close a short position."""
        return self._order(Side.BUY, quantity, price, reason, Offset.CLOSE, symbol=symbol)

    def stop_order(
        self, side: Side, quantity: float, trigger: float, reason: str = "", *,
        symbol: str | None = None,
    ) -> str:
        """A stop (market once ``trigger`` trades), e.g. a protective stop."""
        return self._order(side, quantity, None, reason, trigger=trigger, symbol=symbol)

    def cancel(self, order_id: str) -> None:
        self.context.cancel(order_id)

    def modify(
        self, order_id: str, *, price: float = 0.0, trigger: float = 0.0, quantity: float = 0.0
    ) -> None:
        """Change a working order's limit ``price``, ``trigger`` or ``quantity`` (0: keep);
        also moves a bracket exit that waits for its entry. A refusal is said in the log."""
        self.context.modify(ModifyOrder(order_id, price, trigger, quantity))

    def cancel_all(self, symbol: str | None = None) -> None:
        """Cancel every working order of this instance, or only those in ``symbol``."""
        orders = self.working_orders if symbol is None else self.working_orders_of(symbol)
        for order in orders:
            self.context.cancel(order.order_id)

    def set_target_position(
        self, target: float, price: float | None = None, reason: str = "", *,
        symbol: str | None = None,
    ) -> str:
        """Cancel the working orders in ``symbol`` (default: the primary) and trade the
        difference to ``target`` (signed). Returns the order id, or "" when already there."""
        symbol = self._checked(symbol)
        self.cancel_all(symbol)
        difference = target - self.__runtime.positions[symbol]
        if abs(difference) < 1e-12:
            return ""
        side = Side.BUY if difference > 0 else Side.SELL
        return self._order(
            side, abs(difference), price, reason or f"target position {target:g}", symbol=symbol
        )

    def _order(
        self,
        side: Side,
        quantity: float,
        price: float | None,
        reason: str = "",
        offset: Offset = Offset.NONE,
        trigger: float = 0.0,
        symbol: str | None = None,
    ) -> str:
        request = self._request(side, quantity, price, reason, offset, trigger,
                                self._checked(symbol))  # fmt: skip
        return self.context.submit(request)

    def _request(
        self, side: Side, quantity: float, price: float | None, reason: str, offset: Offset,
        trigger: float, symbol: str,
    ) -> OrderRequest:  # fmt: skip
        if trigger:
            order_type = OrderType.STOP
        else:
            order_type = OrderType.MARKET if price is None else OrderType.LIMIT
        return OrderRequest(
            broker=self.broker,
            symbol=symbol,
            side=side,
            quantity=quantity,
            order_type=order_type,
            price=price or 0.0,
            trigger_price=trigger,
            offset=offset,
            origin=f"strategy:{self.instance}",
            note=reason,
            # Stamped with the event's time in warm-up, so the engine's live guard refuses it
            # even if it got past the runner.
            ts=self.now_ns if self.history_phase else 0,
        )
