"""The paper broker: fills orders against the live quotes, with no money at risk.

Market orders fill at the opposite best price; limit orders fill at once when they cross
and otherwise rest until a quote crosses them. IOC and FOK orders that cannot fill at once
are cancelled. Optional latency delays acceptance and fills.
"""

from __future__ import annotations

import asyncio
import itertools
import math
from collections.abc import Callable

import msgspec

from terminal.domain.enums import ConnectionStatus, OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.market import Tick
from terminal.domain.orders import Order
from terminal.engine.broker import Broker, BrokerContext


class PaperBrokerOptions(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    initial_cash: float = 1_000_000.0
    currency: str = "USD"
    commission_rate: float = 0.0003
    min_commission: float = 0.0
    latency_ms: float = 0.0


class PaperBroker(Broker):
    """Simulated execution against the feed's quotes."""

    plugin_name = "paper"
    Options = PaperBrokerOptions

    def __init__(self, name: str, context: BrokerContext, options: PaperBrokerOptions) -> None:
        super().__init__(name, context, options)
        self._resting: dict[str, dict[str, Order]] = {}
        self._fill_ids = itertools.count(1)
        self._unsubscribe: Callable[[], None] | None = None

    async def start(self) -> None:
        self._unsubscribe = self.context.on_tick(self._on_tick)
        self.context.open_account(self.options.initial_cash, self.options.currency)
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
        book = self._resting.get(order.symbol, {})
        if book.pop(order.order_id, None) is not None:
            self.context.update_order(order.order_id, OrderStatus.CANCELLED, "cancelled by user")

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
        price = self._execution_price(order, tick)
        if price is not None:
            self._fill(order, price)
        elif order.time_in_force in (TimeInForce.IOC, TimeInForce.FOK):
            self.context.update_order(
                order.order_id,
                OrderStatus.CANCELLED,
                f"{order.time_in_force.value.upper()} limit {order.price:g} did not cross",
            )
        else:
            self._resting.setdefault(order.symbol, {})[order.order_id] = order

    def _on_tick(self, tick: Tick) -> None:
        book = self._resting.get(tick.symbol)
        if not book:
            return
        for order_id, order in list(book.items()):
            price = self._execution_price(order, tick)
            if price is not None:
                del book[order_id]
                self._fill(order, price)

    @staticmethod
    def _execution_price(order: Order, tick: Tick) -> float | None:
        opposite = tick.ask if order.side is Side.BUY else tick.bid
        if math.isnan(opposite):
            opposite = tick.last
        if order.order_type is OrderType.MARKET:
            return opposite
        if order.side is Side.BUY and opposite <= order.price:
            return opposite
        if order.side is Side.SELL and opposite >= order.price:
            return opposite
        return None

    def _fill(self, order: Order, price: float) -> None:
        instrument = self.context.instrument(order.symbol)
        multiplier = instrument.multiplier if instrument else 1.0
        commission = max(
            self.options.min_commission,
            order.remaining * price * multiplier * self.options.commission_rate,
        )
        self.context.add_fill(
            order.order_id,
            f"{self.name}-F{next(self._fill_ids)}",
            order.remaining,
            price,
            commission,
        )


PLUGIN = PaperBroker
