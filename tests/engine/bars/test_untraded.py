"""Quotes with no last price (before the first trade, suspended: ``last`` = NO_LAST) are
shown, but never go into a bar: not as a price, not as a close, not as volume."""

from __future__ import annotations

from terminal.domain.market import NO_LAST
from tests.engine.bars.helpers import Collector, tick


def test_untraded_quotes_leave_bars_alone_on_the_hot_and_the_slow_path() -> None:
    collector = Collector("cn_stock").feed(
        tick("2024-01-02 09:24:00", NO_LAST, 0.0),  # call auction: no bar opens
        tick("2024-01-02 09:30:01", 10.0, 1000.0),
        tick("2024-01-02 09:30:20", NO_LAST, 1000.0),  # inside the bar (hot path)
        tick("2024-01-02 09:30:40", 10.2, 1500.0),
        tick("2024-01-02 09:31:05", NO_LAST, 1500.0),  # would open the next bar (slow path)
        tick("2024-01-02 09:32:10", 10.1, 1800.0),
    )
    collector.builder.flush()
    first, second = (bar for bar in collector.bars if bar.timeframe == "1m")
    assert (first.open, first.high, first.low, first.close) == (10.0, 10.2, 10.0, 10.2)
    assert first.ticks == 2 and first.volume == 1500.0  # the auction volume comes with it
    assert second.open == second.close == 10.1 and second.volume == 300.0
    assert collector.builder.stats.untraded == 3
    assert collector.builder.stats.outside_sessions == 0  # not counted as a drop
