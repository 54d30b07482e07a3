"""The engine's side of the plugin contexts: how feeds and brokers reach the engine."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from terminal.domain.enums import ConnectionStatus, OrderStatus
from terminal.domain.events import FeedStatus, Tick
from terminal.domain.instrument import Instrument, TradingSessions
from terminal.domain.market import Bar
from terminal.domain.orders import Account, Fill, Order
from terminal.domain.venue import Balance

if TYPE_CHECKING:
    from terminal.engine.engine import Engine

log = logging.getLogger("terminal.engine")
E = TypeVar("E")


class EngineFeedContext:
    """What a feed plugin sees of the engine (see feed.FeedContext)."""

    def __init__(self, engine: Engine, name: str) -> None:
        self._engine = engine
        self._name = name
        self.clock = engine.clock
        self._submit: Callable[[Tick], None] = engine.conflator.submit
        self.last_tick_at = 0.0  # time.monotonic() of the feed's latest tick; 0: none yet
        self.malformed_ticks = 0

    def publish_tick(self, tick: Tick) -> None:
        if not finite_tick(tick):
            self._drop_malformed(tick)
            return
        self.last_tick_at = time.monotonic()
        self._submit(tick)

    def _drop_malformed(self, tick: Tick) -> None:
        """A NaN or infinite price or size would switch risk checks off: never published.
        Logged at the 1st, 10th, 100th… so a broken source cannot flood the log."""
        self.malformed_ticks += 1
        count = self.malformed_ticks
        if count == 10 ** (len(str(count)) - 1):
            fields = ", ".join(f"{name} = {value}" for name, value in non_finite_fields(tick))
            log.warning(
                "feed %s: dropped a malformed tick of %s (%s); %d dropped so far",
                self._name, tick.symbol, fields, count,
            )  # fmt: skip

    def update_instrument(self, instrument: Instrument) -> None:
        self._engine.backfill.feed_of.setdefault(instrument.symbol, self._name)
        if self._engine.instruments.get(instrument.symbol) != instrument:
            log.debug("feed %s: %s is now %r", self._name, instrument.symbol, instrument.name)
            self._engine.instruments[instrument.symbol] = instrument

    def add_history(self, symbol: str, bars: list[Bar]) -> None:
        self._engine.bars.seed(symbol, bars)

    def set_status(self, status: ConnectionStatus, reason: str = "") -> None:
        state = FeedStatus(self._name, status, reason)
        self._engine.feed_status[self._name] = state
        self._engine.bus.publish(state)

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        return self._engine.spawn(coro, f"feed {self._name}: {name}")

    def sessions(self, name: str) -> TradingSessions:
        return self._engine.market.trading_sessions(name)


def finite_tick(tick: Tick) -> bool:
    """Whether every price and size of ``tick`` is a finite number (one sum: NaN and
    infinities survive addition; cheap enough for every tick)."""
    head = tick.last + tick.volume + tick.turnover + tick.open_interest
    head += tick.open + tick.high + tick.low + tick.prev_close
    return math.isfinite(
        sum(tick.bid_prices, sum(tick.ask_prices, sum(tick.bid_sizes, sum(tick.ask_sizes, head))))
    )


def non_finite_fields(tick: Tick) -> list[tuple[str, object]]:
    """The fields of ``tick`` holding a NaN or an infinity, for the log."""
    found: list[tuple[str, object]] = []
    for name in tick.__struct_fields__:
        value = getattr(tick, name)
        values = value if isinstance(value, tuple) else (value,)
        if any(isinstance(v, float) and not math.isfinite(v) for v in values):
            found.append((name, value))
    return found


class EngineBrokerContext:
    """What a broker plugin sees of the engine (see broker.BrokerContext)."""

    def __init__(self, engine: Engine, name: str) -> None:
        self._engine = engine
        self._name = name
        self.clock = engine.clock
        self._been_live = False

    def latest_tick(self, symbol: str) -> Tick | None:
        return self._engine.latest.get(symbol)

    def instrument(self, symbol: str) -> Instrument | None:
        return self._engine.instruments.get(symbol)

    def on_tick(self, handler: Callable[[Tick], None]) -> Callable[[], None]:
        return self._engine.bus.subscribe(Tick, handler)

    def working_orders(self) -> list[Order]:
        return [o for o in self._engine.order_book.working() if o.broker == self._name]

    def update_order(self, order_id: str, status: OrderStatus, reason: str = "") -> None:
        self._engine.order_book.update_status(order_id, status, reason)

    def order_modified(
        self, order_id: str, price: float, quantity: float, trigger_price: float
    ) -> None:
        self._engine.order_book.amend(order_id, price, quantity, trigger_price)

    def find_order(self, client_order_id: str) -> Order | None:
        found = None
        for order in self._engine.order_book.all():
            if order.broker == self._name and client_order_id in (order.order_id, order.client_id):
                if order.status.is_working:
                    return order
                found = order
        return found

    def account(self) -> Account | None:
        return self._engine._account_or_none(self._name)

    def report_balances(self, balances: list[Balance]) -> None:
        self._engine.reconciler.show_balances(self._name, balances)

    def request_reconcile(self, reason: str) -> None:
        broker = self._engine.brokers.get(self._name)
        if broker is not None:
            self._engine.reconciler.request(self._name, broker, reason)

    def add_fill(
        self,
        order_id: str,
        fill_id: str,
        quantity: float,
        price: float,
        commission: float,
        *,
        ts: int = 0,
        fee: float = 0.0,
        fee_currency: str = "",
    ) -> None:
        order = self._engine.order_book.get(order_id)
        if order is None:
            log.error(
                "broker %s reported fill %s for unknown order %s", self._name, fill_id, order_id
            )
            return
        if not (quantity > 0 and math.isfinite(quantity + price + commission)):
            # A NaN would poison the position, the account and every check after it.
            log.error(
                "broker %s reported a malformed fill %s for order %s (quantity %g, price %g, "
                "commission %g): ignored", self._name, fill_id, order_id, quantity, price,
                commission, extra={"order_id": order_id, "symbol": order.symbol},
            )  # fmt: skip
            return
        fill = Fill(
            fill_id=fill_id,
            order_id=order_id,
            broker=self._name,
            symbol=order.symbol,
            side=order.side,
            quantity=quantity,
            price=price,
            ts=ts or self.clock.now_ns(),
            commission=commission,
            offset=order.offset,
            fee=fee,
            fee_currency=fee_currency,
        )
        self._engine.order_book.apply_fill(fill)

    def open_account(self, cash: float, currency: str) -> None:
        self._engine.portfolio.open_account(self._name, cash, currency)

    def set_status(self, status: ConnectionStatus, reason: str = "") -> None:
        state = FeedStatus(self._name, status, reason)
        before = self._engine.broker_status.get(self._name)
        self._engine.broker_status[self._name] = state
        self._engine.bus.publish(state)
        if status is ConnectionStatus.LIVE and (before is None or before.status is not status):
            # Connected or reconnected: what happened at the venue meanwhile is learned now.
            self.request_reconcile("reconnected" if self._been_live else "connected")
            self._been_live = True
        if self._engine.running and status in (
            ConnectionStatus.DISCONNECTED,
            ConnectionStatus.ERROR,
        ):
            for order in self.working_orders():
                self._engine.order_book.annotate(
                    order.order_id,
                    f"broker {self._name} {status.value}: {reason or 'no reason given'}; "
                    "state unknown until it reconnects",
                )

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        return self._engine.spawn(coro, f"broker {self._name}: {name}")

    def publish(self, event: object) -> None:
        self._engine.bus.publish(event)

    def subscribe(self, event_type: type[E], handler: Callable[[E], None]) -> Callable[[], None]:
        return self._engine.bus.subscribe(event_type, handler)
