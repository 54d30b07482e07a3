"""OrdersMirror: the latest state of every order, copied from order events."""

from __future__ import annotations

from terminal.domain.enums import OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.events import OrderEvent
from terminal.domain.orders import Order
from terminal.engine.bus import EventBus
from terminal.engine.orders.mirror import OrdersMirror


def order(order_id: str, status: OrderStatus) -> Order:
    return Order(
        order_id, "paper", "TEST.X", Side.BUY, 1.0, OrderType.LIMIT, 10.0, TimeInForce.DAY,
        "manual", status, 1, 2,
    )  # fmt: skip


def test_the_mirror_keeps_the_latest_state_of_each_order() -> None:
    bus = EventBus()
    mirror = OrdersMirror(bus)
    assert mirror.all() == [] and mirror.get("A") is None
    bus.publish(OrderEvent(order("A", OrderStatus.SUBMITTED)))
    bus.publish(OrderEvent(order("B", OrderStatus.ACCEPTED)))
    bus.publish(OrderEvent(order("A", OrderStatus.FILLED)))
    assert [o.order_id for o in mirror.all()] == ["A", "B"]
    assert mirror.get("A") == order("A", OrderStatus.FILLED)
    assert [o.order_id for o in mirror.working()] == ["B"]
    bus.publish(OrderEvent(order("B", OrderStatus.CANCELLED)))
    assert mirror.working() == []
