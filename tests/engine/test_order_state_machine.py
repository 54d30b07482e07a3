"""Property-based: random broker reports never break the order state machine's invariants."""

from __future__ import annotations

import itertools
import logging

from hypothesis import given, settings
from hypothesis import strategies as st

from terminal.domain.enums import OrderStatus, Side
from terminal.domain.events import FillEvent, OrderEvent
from terminal.domain.orders import Fill, OrderRequest, is_legal_transition
from terminal.engine.bus import EventBus
from terminal.engine.clock import ManualClock
from terminal.engine.orders.book import OrderBook

QUANTITY = 100.0

status_reports = st.tuples(st.just("status"), st.sampled_from(list(OrderStatus)))
fill_reports = st.tuples(
    st.just("fill"),
    st.integers(min_value=0, max_value=8),  # small id space: duplicates happen
    st.integers(min_value=1, max_value=40),
    st.floats(min_value=1.0, max_value=2.0, allow_nan=False),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(status_reports, fill_reports), max_size=40))
def test_random_report_sequences_keep_the_invariants(reports: list[tuple]) -> None:
    orders_log = logging.getLogger("terminal.orders")
    level = orders_log.level
    orders_log.setLevel(logging.CRITICAL)  # illegal reports are expected here by the hundred
    try:
        check_sequence(reports)
    finally:
        orders_log.setLevel(level)


def check_sequence(reports: list[tuple]) -> None:
    bus = EventBus()
    states: list[OrderStatus] = []
    fills: list[Fill] = []
    bus.subscribe(OrderEvent, lambda e: states.append(e.order.status))
    bus.subscribe(FillEvent, lambda e: fills.append(e.fill))
    book = OrderBook(bus, ManualClock(1))
    book.create("o", OrderRequest("paper", "S", Side.BUY, QUANTITY))
    seen_fill_ids: set[str] = set()
    for report in reports:
        before = book.get("o")
        assert before is not None
        if report[0] == "status":
            applied = book.update_status("o", report[1])
            assert applied == is_legal_transition(before.status, report[1])
        else:
            _, n, quantity, price = report
            fill_id = f"f{n}"
            applied = book.apply_fill(
                Fill(fill_id, "o", "paper", "S", Side.BUY, quantity, price, ts=2)
            )
            assert applied == (fill_id not in seen_fill_ids)
            seen_fill_ids.add(fill_id)
        after = book.get("o")
        assert after is not None
        assert after.filled_quantity >= before.filled_quantity
        if before.status.is_final:
            assert after.status is before.status  # nothing leaves a final state
    order = book.get("o")
    assert order is not None
    assert order.filled_quantity == sum(f.quantity for f in fills)
    assert len({f.fill_id for f in fills}) == len(fills)
    if fills:
        prices = [f.price for f in fills]
        assert min(prices) - 1e-9 <= order.average_price <= max(prices) + 1e-9
    for previous, current in itertools.pairwise(states):
        assert current is previous or is_legal_transition(previous, current), (previous, current)
