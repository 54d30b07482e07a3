"""Issue #19.16: after a start, the period in progress is one forming bar holding the history
of that period and the live ticks, not a closed history bar plus a forming bar of its own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from terminal.engine.clock import ManualClock
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from tests.aio import run

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
