"""Issue #19.16: after a start, the period in progress is one forming bar holding the history
of that period and the live ticks, not a closed history bar plus a forming bar of its own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from terminal.domain.market import Bar, Tick
from terminal.engine.bars.streaming import StreamingBars
from terminal.engine.clock import ManualClock
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from tests.aio import run
from tests.engine.bars.helpers import calendar, ns

SYMBOL = "BTCUSDT.BINANCE"
STARTED = int(datetime(2025, 1, 6, 1, 7, 0, tzinfo=UTC).timestamp()) * 1_000_000_000
SECOND = 1_000_000_000


@pytest.mark.parametrize("ticks_first", [False, True], ids=["subscribed-first", "ticks-first"])
@pytest.mark.parametrize("timeframe", ["5m", "1h", "1d"])
def test_the_current_period_is_one_forming_bar_with_the_history_of_that_period(
    timeframe: str, ticks_first: bool
) -> None:
    clock = ManualClock(STARTED)
    engine = Engine(load_config(), clock=clock)  # the default config: simulated feed

    async def scenario() -> None:
        await engine.start()
        try:
            clock.advance(4 * SECOND)
            if not ticks_first:  # a chart opened with the window, before the first tick
                engine.bars.subscribe(SYMBOL, timeframe)
            feed = engine.feeds["sim"]
            while SYMBOL not in engine.latest:
                feed.emit_batch(0.2)  # type: ignore[attr-defined]
            if ticks_first:
                engine.bars.subscribe(SYMBOL, timeframe)
        finally:
            await engine.stop()

    run(scenario())
    history = engine.bars.history(SYMBOL, timeframe)
    forming = engine.bars.forming(SYMBOL, timeframe)
    assert forming is not None
    assert history and history[-1].start < forming.start  # one bar per period
    minutes = [b for b in engine.bars.history(SYMBOL, "1m") if b.start >= forming.start]
    assert minutes, "the history holds minutes of the period in progress"
    assert forming.open == minutes[0].open
    assert forming.high >= max(b.high for b in minutes)
    assert forming.low <= min(b.low for b in minutes)
    assert forming.volume >= sum(b.volume for b in minutes) * (1 - 1e-12)


# ---- a day begun before the terminal watched (#16.2) ------------------------------------------
def quote(when: str, last: float, volume: float, high: float = 10.8, low: float = 9.9) -> Tick:
    """A snapshot quote with the day's own figures, as Sina and QQ send them."""
    return Tick("600000.SSE", ns(when), last, volume, volume * last, open=10.0, high=high,
                low=low, prev_close=10.1)  # fmt: skip


def day_builder() -> tuple[StreamingBars, list[Bar]]:
    closed: list[Bar] = []
    builder = StreamingBars(lambda _: calendar("cn_stock"), lambda bar, _: closed.append(bar),
                            default_timeframes=("1m", "1d"))  # fmt: skip
    return builder, closed


def test_a_day_begun_before_the_start_takes_the_feeds_day_figures() -> None:
    builder, closed = day_builder()
    builder.on_tick(quote("2024-06-05 10:30:05", 10.5, 500_000))
    builder.on_tick(quote("2024-06-05 10:31:05", 10.6, 501_000))
    day = builder.forming("600000.SSE", "1d")
    assert day is not None
    assert (day.open, day.high, day.low, day.close) == (10.0, 10.8, 9.9, 10.6)
    assert day.volume == 501_000  # 500,000 before the start, 1,000 since
    builder.on_tick(quote("2024-06-05 14:59:30", 10.7, 600_000, high=11.2))
    builder.close_due(ns("2024-06-05 15:00:01"))
    (today,) = [bar for bar in closed if bar.timeframe == "1d"]
    assert (today.open, today.high, today.volume) == (10.0, 11.2, 600_000)


def test_a_day_watched_from_its_open_is_built_from_its_ticks() -> None:
    builder, _ = day_builder()
    builder.on_tick(quote("2024-06-05 09:30:05", 10.2, 20_000))  # the opening auction's volume
    builder.on_tick(quote("2024-06-05 09:31:05", 10.3, 25_000, high=10.35))
    day = builder.forming("600000.SSE", "1d")
    assert day is not None and (day.open, day.high, day.volume) == (10.2, 10.3, 25_000)


def test_history_of_the_day_keeps_its_open_and_adds_what_traded_since() -> None:
    builder, _ = day_builder()
    builder.on_tick(quote("2024-06-05 10:30:05", 10.5, 500_000))
    vendor_day = Bar("600000.SSE", "1d", ns("2024-06-05 00:00:00"), 9.95, 10.9, 9.9, 10.5,
                     510_000)  # fmt: skip
    builder.seed("600000.SSE", "1d", vendor_day, ns("2024-06-05 15:00:00"),
                 ns("2024-06-05 10:30:30"))  # fmt: skip
    builder.on_tick(quote("2024-06-05 10:31:05", 10.6, 512_000))
    builder.on_tick(quote("2024-06-05 10:32:05", 10.6, 513_000))
    day = builder.forming("600000.SSE", "1d")
    assert day is not None
    assert (day.open, day.high, day.low) == (9.95, 10.9, 9.9)  # the vendor's open wins
    assert day.volume == 513_000  # the feed's own day volume, not the vendor's plus overlap
