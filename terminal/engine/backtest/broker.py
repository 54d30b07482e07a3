"""The simulated broker of a backtest and its fill model.

Orders reach it through the same pre-trade pipeline and order book as live. It fills them
against the bars of the backtest's own timeframe (the "base" bars), never against the bar
during which they were placed:

- **market**: at the open of the next bar;
- **limit**: once a later bar trades at or through its price (a buy when the bar's low is at
  or below it, a sell when the high is at or above it), at the better of its price and that
  bar's open (a gap fills at the open);
- **stop**: once a later bar trades at or through its trigger (a buy stop when the high reaches
  it, a sell stop when the low does), at the worse of the trigger and that bar's open, as a
  market order would (a trigger between two ticks at the first tick past it); a
  **stop-limit** becomes a limit order on the bar after its trigger;
- the whole quantity at once (no volume model); IOC and FOK orders get the next bar only,
  DAY and GTC orders work until they fill or are cancelled;
- market and stop fills move against the order by ``slippage_ticks`` ticks; commission per
  fill from the cost rule of the symbol, its exchange or the default (``settings.py``);
- A-shares (``price_limits``): a buy does not fill at or above the day's limit-up price, a
  sell not at or below limit-down; the order keeps working (``limits.py``);
- cash and margin at the fill: a buy of a cash instrument needs the cash for its notional
  and commission, the opening part of a margin instrument's order needs its margin in buying
  power; otherwise the order is rejected (cancelled, if it was already accepted) with the
  amounts in its reason.

An order is acknowledged on the bar that first tries it: it stays ``submitted`` until then
and goes straight to ``filled`` if that bar fills it. A working order can be modified in place
(it keeps its place among the symbol's orders). Contingent orders (``orders/contingent.py``)
run as live: a bracket's exits, placed when its entry fills, are tried from the next bar on;
after each bar a trailing stop follows that bar's high (a sell stop) or low (a buy stop), its
new trigger good from the next bar.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Protocol

from msgspec.structs import replace

from terminal.domain.enums import OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.instrument import Instrument
from terminal.domain.orders import Account, Order
from terminal.engine.backtest.data import SeriesData
from terminal.engine.backtest.limits import daily_limits, limit_band
from terminal.engine.backtest.settings import BacktestSection, CostRule
from terminal.engine.broker import Broker, ModifyRefused

SUBMITTED, ACCEPTED = OrderStatus.SUBMITTED, OrderStatus.ACCEPTED
IMMEDIATE = (TimeInForce.IOC, TimeInForce.FOK)


class FillContext(Protocol):
    """What the simulated broker reads and reports (the backtest host provides it)."""

    def update_order(self, order_id: str, status: OrderStatus, reason: str = "") -> None: ...

    def order_modified(
        self, order_id: str, price: float, quantity: float, trigger_price: float
    ) -> None: ...

    def add_fill(
        self, order_id: str, fill_id: str, quantity: float, price: float, commission: float
    ) -> None: ...

    def account(self) -> Account: ...

    def quantity(self, symbol: str) -> float: ...


class _SymbolRules:
    """What the fill model needs of one symbol, looked up once."""

    __slots__ = ("cost", "down", "instrument", "slippage", "up")

    def __init__(
        self, instrument: Instrument, cost: CostRule, series: SeriesData, price_limits: bool
    ) -> None:
        self.instrument, self.cost = instrument, cost
        self.slippage = cost.slippage_ticks * instrument.tick_size
        band = limit_band(instrument) if price_limits else None
        self.up: list[float] | None = None
        self.down: list[float] | None = None
        if band is not None:
            up, down = daily_limits(
                series.columns.start, series.columns.close, band, instrument.tick_size or 0.01
            )
            self.up, self.down = up.tolist(), down.tolist()


class SimulatedBroker(Broker):
    """Fills the backtest's orders against its base bars by the fill model above."""

    plugin_name = "backtest"
    simulated = True
    modifies = True

    def __init__(self, name: str, context: Any, options: BacktestSection) -> None:
        super().__init__(name, context, options)
        self.fills: FillContext = context
        self.working: dict[str, dict[str, Order]] = {}
        """Working orders by symbol, then id, oldest first."""
        self._triggered: set[str] = set()
        self._rules: dict[str, _SymbolRules] = {}
        self._fill_count = 0
        self.after_bar: Callable[[str, float, float], None] | None = None
        """Called with (symbol, high, low) once a bar has tried the working orders (trailing
        stops follow it)."""

    def prepare(self, instrument: Instrument, series: SeriesData) -> None:
        """Learn ``instrument``'s costs and (for A-shares) its daily limits over ``series``."""
        settings: BacktestSection = self.options
        cost = settings.rule_for(instrument.symbol, instrument.exchange)
        self._rules[instrument.symbol] = _SymbolRules(
            instrument, cost, series, settings.price_limits
        )

    async def start(self) -> None:
        """Nothing to connect: the backtest host opens the account."""

    async def stop(self) -> None:
        """Nothing to disconnect."""

    def submit(self, order: Order) -> None:
        self.working.setdefault(order.symbol, {})[order.order_id] = order

    def cancel(self, order: Order) -> None:
        if self.working.get(order.symbol, {}).pop(order.order_id, None) is not None:
            self._triggered.discard(order.order_id)
            self.fills.update_order(order.order_id, OrderStatus.CANCELLED, "cancelled")

    def modify(self, order: Order, price: float, quantity: float, trigger_price: float) -> None:
        book = self.working.get(order.symbol, {})
        held = book.get(order.order_id)
        if held is None:
            raise ModifyRefused(f"order {order.order_id} is not working in the backtest")
        book[order.order_id] = replace(
            held, price=price, quantity=quantity, trigger_price=trigger_price
        )
        self.fills.order_modified(order.order_id, price, quantity, trigger_price)

    def estimate_commission(self, symbol: str, quantity: float, price: float) -> float:
        rules = self._rules.get(symbol)
        if rules is None:
            return 0.0
        instrument = rules.instrument
        notional = quantity * price * instrument.multiplier
        return rules.cost.commission(quantity, notional, instrument.lot_size, sell=False)

    # ---- the fill model ----------------------------------------------------------------
    def on_bar(self, symbol: str, series: SeriesData, i: int) -> None:
        """Bar ``i`` of ``symbol``'s base series opens: try every working order on it."""
        book = self.working.get(symbol)
        if not book:
            return
        rules = self._rules[symbol]
        for order_id in list(book):
            order = book.get(order_id)  # afresh: a fill's handlers may cancel or modify others
            if order is None:
                continue
            price = self._price(order, series, i, rules)
            if price is None:
                if order.time_in_force in IMMEDIATE:
                    self._finish(order, OrderStatus.CANCELLED, f"{order.time_in_force.value}: "
                                 "not filled on the next bar")  # fmt: skip
                elif order.status is SUBMITTED:
                    self.fills.update_order(order.order_id, ACCEPTED)
                    book[order.order_id] = replace(order, status=ACCEPTED)  # keeps its place
                continue
            problem = self._funding_problem(order, price, rules)
            if problem:
                status = OrderStatus.REJECTED if order.status is SUBMITTED else (
                    OrderStatus.CANCELLED
                )
                self._finish(order, status, problem)
                continue
            del book[order.order_id]
            self._triggered.discard(order.order_id)
            self._fill_count += 1
            instrument = rules.instrument
            notional = order.quantity * price * instrument.multiplier
            commission = rules.cost.commission(
                order.quantity, notional, instrument.lot_size, order.side is Side.SELL
            )
            self.fills.add_fill(
                order.order_id, f"F{self._fill_count}", order.quantity, price, commission
            )
        if self.after_bar is not None:
            self.after_bar(symbol, series.highs[i], series.lows[i])

    def _finish(self, order: Order, status: OrderStatus, reason: str) -> None:
        self.working[order.symbol].pop(order.order_id, None)
        self._triggered.discard(order.order_id)
        self.fills.update_order(order.order_id, status, reason)

    def _price(
        self, order: Order, series: SeriesData, i: int, rules: _SymbolRules
    ) -> float | None:
        """The fill price of ``order`` on bar ``i``, or None if it does not fill there."""
        buy = order.side is Side.BUY
        open_ = series.opens[i]
        kind = order.order_type
        if kind is OrderType.MARKET:
            price = open_ + rules.slippage if buy else open_ - rules.slippage
            if rules.slippage:
                price = round(price, rules.instrument.price_decimals)
        elif kind is OrderType.LIMIT or order.order_id in self._triggered:
            limit = order.price
            if buy:
                price = min(limit, open_) if series.lows[i] <= limit else math.nan
            else:
                price = max(limit, open_) if series.highs[i] >= limit else math.nan
        else:  # a stop, or a stop-limit not triggered yet
            trigger = order.trigger_price
            reached = series.highs[i] >= trigger if buy else series.lows[i] <= trigger
            if not reached:
                return None
            if kind is OrderType.STOP_LIMIT:
                self._triggered.add(order.order_id)
                return None
            tick = rules.instrument.tick_size or 0.0
            if tick:  # a trigger between ticks trades at the first tick past it
                steps = trigger / tick
                whole = math.ceil(steps - 1e-9) if buy else math.floor(steps + 1e-9)
                trigger = round(whole * tick, rules.instrument.price_decimals)
            price = max(trigger, open_) + rules.slippage if buy else (
                min(trigger, open_) - rules.slippage
            )
            if rules.slippage:
                price = round(price, rules.instrument.price_decimals)
        if math.isnan(price):
            return None
        if rules.up is not None and rules.down is not None:
            if buy and price >= rules.up[i] - 1e-9:
                return None
            if not buy and price <= rules.down[i] + 1e-9:
                return None
        return price

    def _funding_problem(self, order: Order, price: float, rules: _SymbolRules) -> str:
        """"" when the account can pay for the fill, else why not (with the amounts)."""
        instrument = rules.instrument
        notional = order.quantity * price * instrument.multiplier
        fee = rules.cost.commission(
            order.quantity, notional, instrument.lot_size, order.side is Side.SELL
        )
        if instrument.margin_rate > 0:
            held = self.fills.quantity(order.symbol)
            signed = order.side.sign * order.quantity
            closing = min(abs(signed), abs(held)) if held * signed < 0 else 0.0
            opening = order.quantity - closing
            need = opening * price * instrument.multiplier * instrument.margin_rate + fee
            have = self.fills.account().buying_power
            what = "buying power for margin"
        elif order.side is Side.BUY:
            need, have, what = notional + fee, self.fills.account().cash, "cash"
        else:
            return ""
        if need <= have + 1e-6:
            return ""
        return (
            f"insufficient {what}: {order.side.value} {order.quantity:g} {order.symbol} at "
            f"{price:g} needs {need:,.2f}, the account has {have:,.2f}"
        )
