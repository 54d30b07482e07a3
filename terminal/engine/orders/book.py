"""The order book: every order's current state, changed only through legal transitions."""

from __future__ import annotations

import logging

from msgspec.structs import replace as _replace

from terminal.domain.enums import OrderStatus
from terminal.domain.events import FillEvent, OrderEvent
from terminal.domain.orders import Fill, Order, OrderRequest, can_amend, is_legal_transition
from terminal.engine.bus import EventBus
from terminal.engine.clock import Clock
from terminal.engine.orders.ids import new_order_id
from terminal.engine.persistence.store import TradingStore

log = logging.getLogger("terminal.orders")


class OrderIndex:
    """Orders by id, read the same way by whoever keeps them (the book, a mirror of one)."""

    def __init__(self) -> None:
        self._orders: dict[str, Order] = {}
        # The working ones apart: every order's pre-trade checks read them, and a long
        # session holds many finished orders.
        self._working: dict[str, Order] = {}

    def get(self, order_id: str) -> Order | None:
        return self._orders.get(order_id)

    def all(self) -> list[Order]:
        return list(self._orders.values())

    def working(self) -> list[Order]:
        return list(self._working.values())

    def _put(self, order: Order) -> None:
        """Store ``order``'s latest state (the only way either dict changes)."""
        self._orders[order.order_id] = order
        if order.status.is_working:
            self._working[order.order_id] = order
        else:
            self._working.pop(order.order_id, None)


class OrderBook(OrderIndex):
    """Holds orders by id, applies broker reports, and publishes every change on the bus.

    With a store, every change is committed to it before it is published.
    """

    def __init__(self, bus: EventBus, clock: Clock, store: TradingStore | None = None) -> None:
        super().__init__()
        self._bus = bus
        self._clock = clock
        self._store = store
        self._fill_ids: set[str] = set()

    def restore(self, orders: list[Order], fills: list[Fill]) -> None:
        """Take back what the store recorded in an earlier run (the engine announces it once,
        as ``TradingRestored``; no order or fill is published again one by one)."""
        for order in orders:
            self._put(order)
        self._fill_ids.update(f.fill_id for f in fills)

    def next_order_id(self) -> str:
        """An id no run on any machine has used (see ``ids.py``)."""
        return new_order_id("O")

    def create(self, order_id: str, request: OrderRequest) -> Order:
        if order_id in self._orders:
            raise ValueError(f"order id {order_id} is already in use")
        now = self._clock.now_ns()
        order = Order(
            order_id=order_id,
            broker=request.broker,
            symbol=request.symbol,
            side=request.side,
            quantity=request.quantity,
            order_type=request.order_type,
            price=request.price,
            time_in_force=request.time_in_force,
            origin=request.origin,
            trigger_price=request.trigger_price,
            offset=request.offset,
            account=request.account,
            client_id=request.client_id,
            note=request.note,
            post_only=request.post_only,
            reduce_only=request.reduce_only,
            status=OrderStatus.SUBMITTED,
            created_ns=now,
            updated_ns=now,
        )
        self._save(order, created=True)
        return order

    def reject_request(self, order_id: str, request: OrderRequest, reason: str) -> Order:
        """Record a request refused before it reached a broker."""
        self.create(order_id, request)
        self.update_status(order_id, OrderStatus.REJECTED, reason)
        return self._orders[order_id]

    def update_status(self, order_id: str, status: OrderStatus, reason: str = "") -> bool:
        order = self._orders.get(order_id)
        if order is None:
            log.error(
                "status %s for unknown order %s ignored", status.value, order_id,
                extra={"order_id": order_id},
            )
            return False
        if not is_legal_transition(order.status, status):
            log.error(
                "illegal transition %s → %s for order %s ignored",
                order.status.value,
                status.value,
                order_id,
                extra={"order_id": order_id, "symbol": order.symbol},
            )
            return False
        self._save(
            _replace(
                order, status=status, reason=reason or order.reason, updated_ns=self._clock.now_ns()
            )
        )
        return True

    def amend(
        self, order_id: str, price: float, quantity: float, trigger_price: float
    ) -> Order | None:
        """Its broker changed a working order's limit, quantity or trigger: recorded and
        published, the status staying what it is. Only an amendable order (``AMENDABLE``)
        whose new quantity is above what filled; otherwise logged and ignored (None)."""
        order = self._orders.get(order_id)
        if order is None or not can_amend(order.status):
            state = "unknown" if order is None else order.status.value
            log.error("modification of %s order %s ignored", state, order_id,
                      extra={"order_id": order_id})  # fmt: skip
            return None
        if quantity <= order.filled_quantity + 1e-9:
            log.error("modification of order %s to %g ignored: %g already filled", order_id,
                      quantity, order.filled_quantity, extra={"order_id": order_id})  # fmt: skip
            return None
        amended = _replace(
            order, price=price, quantity=quantity, trigger_price=trigger_price,
            updated_ns=self._clock.now_ns(),
        )  # fmt: skip
        self._put(amended)
        if self._store is not None:
            self._store.record_amendment(amended)
        self._bus.publish(OrderEvent(amended))
        return amended

    def annotate(self, order_id: str, note: str) -> None:
        """Say something about an order without changing its status (e.g. its broker went
        away): recorded and published like a transition, the status staying what it is."""
        order = self._orders.get(order_id)
        if order is not None:
            self._save(_replace(order, reason=note, updated_ns=self._clock.now_ns()))

    def apply_fill(self, fill: Fill) -> bool:
        """Apply a fill once; a repeated fill id is ignored. Fills after a cancel still count."""
        if fill.fill_id in self._fill_ids:
            log.warning(
                "duplicate fill %s for order %s ignored", fill.fill_id, fill.order_id,
                extra={"order_id": fill.order_id, "symbol": fill.symbol},
            )
            return False
        order = self._orders.get(fill.order_id)
        if order is None:
            log.error(
                "fill %s for unknown order %s ignored", fill.fill_id, fill.order_id,
                extra={"order_id": fill.order_id, "symbol": fill.symbol},
            )
            return False
        self._fill_ids.add(fill.fill_id)
        filled = order.filled_quantity + fill.quantity
        average = (
            order.average_price * order.filled_quantity + fill.price * fill.quantity
        ) / filled
        status = order.status
        if not status.is_final:
            done = filled >= order.quantity - 1e-9
            status = OrderStatus.FILLED if done else OrderStatus.PARTIALLY_FILLED
        updated = _replace(
            order, filled_quantity=filled, average_price=average, status=status, updated_ns=fill.ts
        )
        self._put(updated)
        if self._store is not None:
            self._store.record_fill(fill, updated)
        self._bus.publish(OrderEvent(updated))
        self._bus.publish(FillEvent(fill))
        return True

    def _save(self, order: Order, created: bool = False) -> None:
        self._put(order)
        if self._store is not None:
            self._store.record_order(order, created)
        self._bus.publish(OrderEvent(order))

