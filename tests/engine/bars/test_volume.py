"""Bar volume from cumulative day volume: restarts, first ticks, late and duplicate ticks."""

from __future__ import annotations

from tests.engine.bars.helpers import Collector, tick


def test_bar_volume_is_the_rise_of_the_cumulative_day_volume() -> None:
    c = Collector("cn_stock").feed(
        tick("2024-01-02 10:00:01", volume=1000), tick("2024-01-02 10:00:30", volume=1300),
        tick("2024-01-02 10:01:05", volume=1450), tick("2024-01-02 10:01:50", volume=1500),
    )
    c.builder.flush()
    # Started mid-day: the first tick is the baseline, not 1,000 shares in one minute.
    assert [b.volume for b in c.bars] == [300.0, 200.0]


def test_first_tick_in_the_days_first_minute_brings_the_opening_auction_volume() -> None:
    c = Collector("cn_stock").feed(
        tick("2024-01-02 09:30:02", volume=5000), tick("2024-01-02 09:30:40", volume=5200)
    )
    c.builder.flush()
    assert c.bars[0].volume == 5200.0


def test_a_new_trading_day_starts_counting_again() -> None:
    c = Collector("cn_stock").feed(
        tick("2024-01-02 14:59:00", volume=90_000), tick("2024-01-02 14:59:30", volume=90_500),
        tick("2024-01-03 09:30:03", volume=800), tick("2024-01-03 09:30:50", volume=1000),
    )
    c.builder.flush()
    assert [b.volume for b in c.bars] == [500.0, 1000.0]


def test_feed_restart_mid_day_gives_no_negative_or_doubled_volume() -> None:
    c = Collector("cn_stock").feed(
        tick("2024-01-02 10:00:01", volume=1000), tick("2024-01-02 10:00:20", volume=1100),
        tick("2024-01-02 10:00:40", volume=0),  # the feed restarted its day count
        tick("2024-01-02 10:00:50", volume=30),
        tick("2024-01-02 10:01:10", volume=1100),  # ...or replays a snapshot we had
        tick("2024-01-02 10:01:20", volume=1150),
    )
    c.builder.flush()
    assert [b.volume for b in c.bars] == [130.0, 1120.0]
    assert all(b.volume >= 0 for b in c.bars)
    assert c.builder.stats.volume_resets == 1


def test_out_of_order_tick_within_tolerance_joins_its_open_bar() -> None:
    c = Collector("cn_stock", late_tolerance_ns=2_000_000_000).feed(
        tick("2024-01-02 10:00:05", 10.0, 100), tick("2024-01-02 10:00:10", 10.2, 120),
        tick("2024-01-02 10:00:09", 9.5, 110),  # arrives late, 1 s old
        tick("2024-01-02 10:00:20", 10.1, 130),
    )
    c.builder.flush()
    bar = c.bars[0]
    assert (bar.low, bar.close, bar.ticks, bar.volume) == (9.5, 10.1, 4, 30.0)
    assert c.builder.stats.late == 0


def test_late_ticks_beyond_tolerance_or_for_closed_bars_are_counted_and_dropped() -> None:
    c = Collector("cn_stock", late_tolerance_ns=2_000_000_000).feed(
        tick("2024-01-02 10:00:05", 10.0, 100), tick("2024-01-02 10:00:30", 10.2, 120),
        tick("2024-01-02 10:00:10", 9.0, 105),  # 20 s late: beyond tolerance
        tick("2024-01-02 10:01:01", 10.3, 130),
        tick("2024-01-02 10:00:59", 8.0, 125),  # its bar closed already
    )
    c.builder.flush()
    assert c.builder.stats.late == 2
    assert [b.low for b in c.bars] == [10.0, 10.3]
    assert sum(b.volume for b in c.bars) == 30.0


def test_a_tick_received_twice_counts_once() -> None:
    first = tick("2024-01-02 10:00:05", 10.0, 100)
    c = Collector("cn_stock").feed(first, tick("2024-01-02 10:00:06", 10.1, 150), first)
    again = tick("2024-01-02 10:00:06", 10.1, 150)
    c.feed(again)
    c.builder.flush()
    assert c.bars[0].ticks == 2
    assert c.bars[0].volume == 50.0
    assert c.builder.stats.duplicates + c.builder.stats.late == 2


def test_per_trade_volume_feeds_are_summed() -> None:
    c = Collector("crypto", volume="delta").feed(
        tick("2024-01-02 10:00:05", 10.0, 1.5, tz="UTC", turnover=15.0),
        tick("2024-01-02 10:00:06", 10.0, 2.0, tz="UTC", turnover=20.0),
        tick("2024-01-02 10:01:06", 10.0, 0.5, tz="UTC", turnover=5.0),
    )
    c.builder.flush()
    assert [(b.volume, b.turnover) for b in c.bars] == [(3.5, 35.0), (0.5, 5.0)]
