"""The paper broker: fills orders against the live quotes, with no money at risk.

Market orders take the displayed depth level by level (partial fills when the book is thin,
the rest fills on later quotes); limit orders take what crosses and rest for the rest; stop
and stop-limit orders wait for their trigger, then act as market and limit orders. IOC
cancels what does not fill at once; FOK fills all at once or nothing. A resting order can be
modified in place (price, trigger, quantity), and is tried against the latest quote at once.
Optional latency and adverse slippage. Commission per instrument, exchange or default. Account
state persists through the engine's store: restarted, the broker takes its working orders back.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections.abc import Callable

import msgspec

from terminal.domain.enums import ConnectionStatus, OrderStatus, Side, TimeInForce
from terminal.domain.instrument import price_text
from terminal.domain.market import Tick
from terminal.domain.orders import Order
from terminal.domain.venue import AccountReport, Balance, VenueOrder, own_view
from terminal.engine.broker import Broker, BrokerContext, ModifyRefused


class CommissionRule(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    rate: float = 0.0
    """Fraction of notional."""
    minimum: float = 0.0
    per_lot: float = 0.0
    """Fixed amount per unit of quantity divided by the lot size (e.g. per futures contract)."""

    def charge(self, quantity: float, notional: float, lot_size: float) -> float:
        return max(self.minimum, notional * self.rate + self.per_lot * quantity / lot_size)


class PaperBrokerOptions(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    initial_cash: float = 1_000_000.0
    currency: str = "USD"
    commission_rate: float = 0.0003
    min_commission: float = 0.0
    commissions: dict[str, CommissionRule] = msgspec.field(default_factory=dict)
    """Rules by symbol or exchange (symbol wins), e.g. {"SHFE": {per_lot = 3.0}}."""
    latency_ms: float = 0.0
    slippage_ticks: float = 0.0
    depth_fills: bool = True
    """Fill against the displayed depth (partial fills); off: fill everything at the best."""


class PaperBroker(Broker):
    """Simulated execution against the feed's quotes."""

    plugin_name = "paper"
    Options = PaperBrokerOptions
    simulated = True
    modifies = True

    def __init__(self, name: str, context: BrokerContext, options: PaperBrokerOptions) -> None:
        super().__init__(name, context, options)
        self._working: dict[str, dict[str, Order]] = {}  # symbol → order id → order
        self._triggered: set[str] = set()
        self._filled: dict[str, float] = {}  # what we filled so far, ahead of the order book
        self._fill_ids = itertools.count(1)
        self._run = f"{time.time_ns() // 1_000_000:x}"
        self._unsubscribe: Callable[[], None] | None = None

    async def start(self) -> None:
        self._unsubscribe = self.context.on_tick(self._on_tick)
        self.context.open_account(self.options.initial_cash, self.options.currency)
        for order in self.context.working_orders():
            self._working.setdefault(order.symbol, {})[order.order_id] = order
        self.context.set_status(ConnectionStatus.LIVE, "paper trading")

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.context.set_status(ConnectionStatus.DISCONNECTED, "stopped")

    def submit(self, order: Order) -> None:
        if self.options.latency_ms > 0:
            self.context.spawn(self._later(order), f"order {order.order_id}")
        else:
            self._accept(order)

    def cancel(self, order: Order) -> None:
        book = self._working.get(order.symbol, {})
        if book.pop(order.order_id, None) is not None:
            self._triggered.discard(order.order_id)
            self.context.update_order(order.order_id, OrderStatus.CANCELLED, "cancelled by user")

    def modify(self, order: Order, price: float, quantity: float, trigger_price: float) -> None:
        """Change a resting order in place; it keeps working, or fills now if the new price
        crosses the latest quote (or the new trigger has traded)."""
        book = self._working.get(order.symbol, {})
        if order.order_id not in book:
            raise ModifyRefused(
                f"order {order.order_id} is not resting at {self.name} (on its way, or done)"
            )
        filled = self._filled.get(order.order_id, order.filled_quantity)
        if quantity <= filled + 1e-12:
            raise ModifyRefused(
                f"quantity {quantity:g} is not above the {filled:g} already filled"
            )
        amended = msgspec.structs.replace(
            order, price=price, quantity=quantity, trigger_price=trigger_price
        )
        book[order.order_id] = amended
        self.context.order_modified(order.order_id, price, quantity, trigger_price)
        tick = self.context.latest_tick(order.symbol)
        if tick is None:
            return
        if amended.order_type.has_trigger and order.order_id not in self._triggered:
            if not _triggered(amended, tick):
                return
            self._triggered.add(order.order_id)
        self._execute(amended, tick, first=False)

    async def _later(self, order: Order) -> None:
        await asyncio.sleep(self.options.latency_ms / 1000.0)
        self._accept(order)

    def _accept(self, order: Order) -> None:
        tick = self.context.latest_tick(order.symbol)
        if tick is None:
            self.context.update_order(
                order.order_id, OrderStatus.REJECTED, f"no quote for {order.symbol} yet"
            )
            return
        self.context.update_order(order.order_id, OrderStatus.ACCEPTED)
        if order.order_type.has_trigger and not _triggered(order, tick):
            self._working.setdefault(order.symbol, {})[order.order_id] = order
            return
        self._execute(order, tick, first=True)

    def _on_tick(self, tick: Tick) -> None:
        book = self._working.get(tick.symbol)
        if not book:
            return
        for order_id in list(book):
            # A fill's handlers may have cancelled or modified the orders after it (one of an
            # OCO pair cancels the other): each is read afresh.
            order = book.get(order_id)
            if order is None:
                continue
            if order.order_type.has_trigger and order.order_id not in self._triggered:
                if not _triggered(order, tick):
                    continue
                self._triggered.add(order.order_id)
            self._execute(order, tick, first=False)

    def _execute(self, order: Order, tick: Tick, first: bool) -> None:
        """Fill what the quote allows; keep, cancel or refuse the rest by time in force."""
        remaining = self._remaining(order)
        fills = self._match(order, tick, remaining)
        filled = sum(quantity for quantity, _ in fills)
        tif = order.time_in_force
        if first and tif is TimeInForce.FOK and filled < remaining - 1e-12:
            self._drop(order)
            self.context.update_order(
                order.order_id,
                OrderStatus.CANCELLED,
                f"FOK: only {filled:g} of {remaining:g} available at once",
            )
            return
        for quantity, price in fills:
            self._fill(order, quantity, price)
        left = remaining - filled
        if left <= 1e-12:
            self._drop(order)
        elif first and tif is TimeInForce.IOC:
            self._drop(order)
            instrument = self.context.instrument(order.symbol)
            shown = instrument.price_text(order.price) if instrument else price_text(order.price)
            limit = f" limit {shown}" if order.order_type.has_limit_price else ""
            self.context.update_order(
                order.order_id,
                OrderStatus.CANCELLED,
                f"IOC{limit}: {left:g} of {order.quantity:g} not filled at once",
            )
        else:
            self._working.setdefault(order.symbol, {})[order.order_id] = order

    def _match(self, order: Order, tick: Tick, remaining: float) -> list[tuple[float, float]]:
        """(quantity, price) fills against the opposite side, best level first."""
        buy = order.side is Side.BUY
        prices = tick.ask_prices if buy else tick.bid_prices
        sizes = tick.ask_sizes if buy else tick.bid_sizes
        if not prices:
            if not tick.traded:  # no book and no last price (suspended): nothing to fill at
                return []
            prices, sizes = (tick.last,), (math.inf,)
        if not self.options.depth_fills:
            sizes = (math.inf, *sizes[1:])
        limit = order.price if order.order_type.has_limit_price else None
        instrument = self.context.instrument(order.symbol)
        slip = self.options.slippage_ticks * (instrument.tick_size if instrument else 0.0)
        fills: list[tuple[float, float]] = []
        for price, size in zip(prices, sizes, strict=False):
            if remaining <= 1e-12:
                break
            if limit is not None and (price > limit if buy else price < limit):
                break
            if limit is None and slip:
                price = price + slip if buy else price - slip
            quantity = min(remaining, size)
            fills.append((quantity, price))
            remaining -= quantity
        return fills

    def _remaining(self, order: Order) -> float:
        filled = self._filled.get(order.order_id, order.filled_quantity)
        return order.quantity - filled

    def _drop(self, order: Order) -> None:
        self._working.get(order.symbol, {}).pop(order.order_id, None)
        self._triggered.discard(order.order_id)
        self._filled.pop(order.order_id, None)

    def _fill(self, order: Order, quantity: float, price: float) -> None:
        instrument = self.context.instrument(order.symbol)
        multiplier = instrument.multiplier if instrument else 1.0
        lot_size = instrument.lot_size if instrument else 1.0
        rule = self._commission_rule(order.symbol, instrument.exchange if instrument else "")
        commission = rule.charge(quantity, quantity * price * multiplier, lot_size)
        already = self._filled.get(order.order_id, order.filled_quantity)
        self._filled[order.order_id] = already + quantity
        self.context.add_fill(
            order.order_id,
            f"{self.name}-{self._run}-{next(self._fill_ids)}",
            quantity,
            price,
            commission,
        )

    # ---- what the paper venue says (reconciliation): it is the terminal's own book ----------
    async def account_report(self) -> AccountReport:
        """The account's cash as its one balance, and the orders this broker holds working."""
        account = self.context.account()
        cash = [Balance(self.name, a.currency, a.cash, 0.0, a.cash) for a in [account] if a]
        held = [self.context.find_order(i) for book in self._working.values() for i in book]
        orders = [own_view(order) for order in held if order is not None]
        return AccountReport(self.name, cash, orders, ts=self.context.clock.now_ns())

    async def query_order(self, order: Order) -> VenueOrder | None:
        """An order it holds, or one still on its way (latency), as the book has it."""
        holds = order.order_id in self._working.get(order.symbol, {})
        return own_view(order) if holds or order.status is OrderStatus.SUBMITTED else None

    def estimate_commission(self, symbol: str, quantity: float, price: float) -> float:
        instrument = self.context.instrument(symbol)
        if instrument is None:
            return 0.0
        rule = self._commission_rule(symbol, instrument.exchange)
        return rule.charge(quantity, quantity * price * instrument.multiplier, instrument.lot_size)

    def _commission_rule(self, symbol: str, exchange: str) -> CommissionRule:
        rules = self.options.commissions
        return (
            rules.get(symbol)
            or rules.get(exchange)
            or CommissionRule(
                rate=self.options.commission_rate, minimum=self.options.min_commission
            )
        )


def _triggered(order: Order, tick: Tick) -> bool:
    if not tick.traded:  # a quote with no last price (before the open) is not a trade
        return False
    if order.side is Side.BUY:
        return tick.last >= order.trigger_price
    return tick.last <= order.trigger_price


PLUGIN = PaperBroker
