"""Base class of strategy plugins.

A strategy is a class with ``plugin_name``, a frozen ``Params`` struct and the handlers it
needs (``on_start``, ``on_tick``, ``on_bar``, ``on_order``, ``on_fill``, ``on_stop``). It acts
only through the methods here; the runner keeps its position, working orders and bar history
up to date from the events it delivers, one at a time, so that a replay of the same events
makes the same decisions (see ``terminal/engine/strategies.py``).

Everything a strategy reads (``position``, ``working_orders``, ``bars``, ``now_ns``) changes
only between two handler calls, never while one runs: a fill caused by ``buy`` arrives as the
next ``on_fill``, after the current handler returns.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

import msgspec

from terminal.domain.enums import Offset, OrderType, Side
from terminal.domain.market import Bar, Tick
from terminal.domain.orders import Fill, Order, OrderRequest
from terminal.engine.bar_series import BarSeries
from terminal.engine.feed import NoOptions


class StrategyContext(Protocol):
    """What the runner offers one instance."""

    def submit(self, request: OrderRequest) -> str: ...

    def cancel(self, order_id: str) -> None: ...

    def log(self, message: str, level: str = "INFO") -> None: ...


class Strategy:
    """Base of every strategy. Handlers default to doing nothing."""

    plugin_name: ClassVar[str]
    Params: ClassVar[type[msgspec.Struct]] = NoOptions
    timeframes: ClassVar[tuple[str, ...]] = ("1m",)
    """The bar timeframes ``on_bar`` receives; the engine builds them while the strategy runs."""
    warmup_bars: ClassVar[int] = 100
    """Bars of history (per timeframe) fed with ``history_phase`` true before going live;
    an instance may set its own number."""
    variables: ClassVar[tuple[str, ...]] = ()
    """Names of attributes shown in the strategy manager (e.g. ``("fast_ma", "slow_ma")``)."""
    slow_handler_s: ClassVar[float] = 0.05
    """A handler call longer than this is reported with its duration."""

    def __init__(
        self, instance: str, symbol: str, broker: str, context: StrategyContext, params: Any
    ) -> None:
        self.instance = instance
        self.symbol = symbol
        self.broker = broker
        self.context = context
        self.params = params
        self.history_phase = False
        """True while warm-up history is fed: orders are refused, with a log line."""
        self.position = 0.0
        """This instance's net position in its symbol, from its own fills."""
        self.now_ns = 0
        """Time of the event being handled (UTC ns): the same in a replay as it was live."""
        self._working: dict[str, Order] = {}
        self._series = {tf: BarSeries() for tf in self.timeframes}

    # ---- handlers ------------------------------------------------------------------------
    def on_start(self) -> None:
        """Called once when the instance starts, before warm-up history is fed."""

    def on_tick(self, tick: Tick) -> None:
        """Called for every tick of the instance's symbol."""

    def on_bar(self, bar: Bar) -> None:
        """Called for every closed bar of a declared timeframe (``bar.timeframe`` says which)."""

    def on_order(self, order: Order) -> None:
        """Called for every change of an order this instance placed."""

    def on_fill(self, fill: Fill) -> None:
        """Called for every fill of an order this instance placed (``position`` includes it)."""

    def on_stop(self) -> None:
        """Called once when the instance stops."""

    # ---- reading -------------------------------------------------------------------------
    @property
    def working_orders(self) -> list[Order]:
        """This instance's orders that can still fill, oldest first."""
        return list(self._working.values())

    def bars(self, timeframe: str | None = None) -> BarSeries:
        """Closed bars fed so far (numpy arrays: ``.close``, ``.high``…), oldest first."""
        return self._series[timeframe or self.timeframes[0]]

    def display_values(self) -> dict[str, str]:
        """The ``variables`` and their current values, as text for the manager."""
        shown: dict[str, str] = {}
        for name in self.variables:
            value = getattr(self, name, None)
            shown[name] = f"{value:.6g}" if isinstance(value, float) else str(value)
        return shown

    def log(self, message: str) -> None:
        self.context.log(message)

    # ---- orders --------------------------------------------------------------------------
    def buy(self, quantity: float, price: float | None = None, reason: str = "") -> str:
        """Buy at market, or at ``price`` as a limit; ``reason`` travels with the order.

        Returns the order id ("" when the order was refused before reaching the engine)."""
        return self._order(Side.BUY, quantity, price, reason)

    def sell(self, quantity: float, price: float | None = None, reason: str = "") -> str:
        return self._order(Side.SELL, quantity, price, reason)

    def open_long(self, quantity: float, price: float | None = None, reason: str = "") -> str:
        """Futures: buy to open."""
        return self._order(Side.BUY, quantity, price, reason, Offset.OPEN)

    def close_long(self, quantity: float, price: float | None = None, reason: str = "") -> str:
        """Futures: sell to close a long position."""
        return self._order(Side.SELL, quantity, price, reason, Offset.CLOSE)

    def open_short(self, quantity: float, price: float | None = None, reason: str = "") -> str:
        """Futures: sell to open."""
        return self._order(Side.SELL, quantity, price, reason, Offset.OPEN)

    def close_short(self, quantity: float, price: float | None = None, reason: str = "") -> str:
        """Futures: buy to close a short position."""
        return self._order(Side.BUY, quantity, price, reason, Offset.CLOSE)

    def stop_order(self, side: Side, quantity: float, trigger: float, reason: str = "") -> str:
        """A stop (market once ``trigger`` trades), e.g. a protective stop."""
        return self._order(side, quantity, None, reason, trigger=trigger)

    def cancel(self, order_id: str) -> None:
        self.context.cancel(order_id)

    def cancel_all(self) -> None:
        for order in self.working_orders:
            self.context.cancel(order.order_id)

    def set_target_position(
        self, target: float, price: float | None = None, reason: str = ""
    ) -> str:
        """Cancel working orders and trade the difference to ``target`` (signed). Returns the
        order id, or "" when already there."""
        self.cancel_all()
        difference = target - self.position
        if abs(difference) < 1e-12:
            return ""
        side = Side.BUY if difference > 0 else Side.SELL
        return self._order(side, abs(difference), price, reason or f"target position {target:g}")

    def _order(
        self,
        side: Side,
        quantity: float,
        price: float | None,
        reason: str = "",
        offset: Offset = Offset.NONE,
        trigger: float = 0.0,
    ) -> str:
        if trigger:
            order_type = OrderType.STOP
        else:
            order_type = OrderType.MARKET if price is None else OrderType.LIMIT
        request = OrderRequest(
            broker=self.broker,
            symbol=self.symbol,
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
        return self.context.submit(request)
