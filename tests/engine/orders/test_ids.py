"""Order ids never repeat: not from one run to the next, nor between processes or machines."""

from __future__ import annotations

import re
import subprocess
import sys

from terminal.engine.bus import EventBus
from terminal.engine.clock import ManualClock
from terminal.engine.orders.book import OrderBook
from terminal.engine.orders.ids import new_order_id

SHAPE = re.compile(r"^[A-Z]+-[0-9A-HJKMNP-TV-Z]{17}$")


def test_two_runs_started_in_the_same_millisecond_make_different_ids() -> None:
    # Two engines whose clocks read the same (two machines, or a restart within the same
    # millisecond): their books must still not hand out the same ids.
    first = OrderBook(EventBus(), ManualClock(1_700_000_000_000_000_000))
    second = OrderBook(EventBus(), ManualClock(1_700_000_000_000_000_000))
    ids = [first.next_order_id() for _ in range(3)] + [second.next_order_id() for _ in range(3)]
    assert len(set(ids)) == 6


def test_ids_are_short_time_ordered_and_unique_within_a_process() -> None:
    ids = [new_order_id("T") for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)  # several per millisecond still sort in the order made
    assert all(SHAPE.match(order_id) for order_id in ids[:50]), ids[:3]
    assert len(ids[0]) == 19


def test_ids_made_by_separate_processes_differ() -> None:
    make = "from terminal.engine.orders.ids import new_order_id as n; print(n('T'), n('T'))"
    outputs = [
        subprocess.run([sys.executable, "-c", make], capture_output=True, text=True, check=True)
        for _ in range(3)
    ]
    ids = [order_id for out in outputs for order_id in out.stdout.split()]
    assert len(ids) == 6 and len(set(ids)) == 6
