"""The order book applies only legal transitions and each fill id once."""

from __future__ import annotations

import logging

import pytest

from terminal.domain.enums import OrderStatus, Side
from terminal.domain.events import FillEvent, OrderEvent
from terminal.domain.orders import LEGAL_TRANSITIONS, Fill, OrderRequest
from terminal.engine.bus import EventBus
from terminal.engine.clock import ManualClock
from terminal.engine.orders.book import OrderBook


def book() -> tuple[OrderBook, list[object]]:
    bus = EventBus()
    events: list[object] = []
    bus.subscribe(OrderEvent, events.append)
    bus.subscribe(FillEvent, events.append)
    return OrderBook(bus, ManualClock(1_000)), events


def fill(fill_id: str, quantity: float, price: float, order_id: str = "o1") -> Fill:
    return Fill(fill_id, order_id, "paper", "S", Side.BUY, quantity, price, ts=5)


def test_final_states_have_no_way_out() -> None:
    for status in OrderStatus:
        assert (not LEGAL_TRANSITIONS[status]) == status.is_final


def test_illegal_transition_is_logged_and_not_applied(caplog: pytest.LogCaptureFixture) -> None:
    orders, _ = book()
    orders.create("o1", OrderRequest("paper", "S", Side.BUY, 10))
    assert orders.update_status("o1", OrderStatus.CANCELLED)
    with caplog.at_level(logging.ERROR):
        assert not orders.update_status("o1", OrderStatus.ACCEPTED)
    assert orders.get("o1").status is OrderStatus.CANCELLED
    assert "illegal transition cancelled → accepted for order o1 ignored" in caplog.text


def test_partial_fills_average_and_duplicate_fill_ignored() -> None:
    orders, events = book()
    orders.create("o1", OrderRequest("paper", "S", Side.BUY, 10))
    orders.update_status("o1", OrderStatus.ACCEPTED)
    assert orders.apply_fill(fill("f1", 4, 10.0))
    assert not orders.apply_fill(fill("f1", 4, 10.0))
    order = orders.get("o1")
    assert order.status is OrderStatus.PARTIALLY_FILLED and order.filled_quantity == 4
    assert orders.apply_fill(fill("f2", 6, 11.0))
    order = orders.get("o1")
    assert order.status is OrderStatus.FILLED
    assert order.average_price == pytest.approx(10.6)
    assert sum(isinstance(e, FillEvent) for e in events) == 2


def test_fill_after_cancel_is_applied_but_status_stays_final() -> None:
    orders, _ = book()
    orders.create("o1", OrderRequest("paper", "S", Side.BUY, 10))
    orders.update_status("o1", OrderStatus.CANCELLED)
    assert orders.apply_fill(fill("f1", 3, 9.0))
    order = orders.get("o1")
    assert order.status is OrderStatus.CANCELLED and order.filled_quantity == 3


def test_every_change_is_published_and_ids_are_unique() -> None:
    orders, events = book()
    orders.create("o1", OrderRequest("paper", "S", Side.BUY, 10))
    with pytest.raises(ValueError, match="already in use"):
        orders.create("o1", OrderRequest("paper", "S", Side.BUY, 10))
    orders.update_status("o1", OrderStatus.ACCEPTED)
    statuses = [e.order.status for e in events if isinstance(e, OrderEvent)]
    assert statuses == [OrderStatus.SUBMITTED, OrderStatus.ACCEPTED]
    assert orders.next_order_id() != orders.next_order_id()
