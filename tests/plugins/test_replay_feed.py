"""The replay feed on real CSV and Parquet files: order, pace, bars as OHLC ticks, bad input."""

from __future__ import annotations

import time
from pathlib import Path

import msgspec
import pandas as pd
import pytest

from plugins.feeds.replay import ReplayFeed, ReplayFeedOptions
from terminal.domain.enums import ConnectionStatus
from terminal.engine.bars.files import InputError
from tests.aio import run
from tests.plugins.feed_context import RecordingContext


def ticks_file(path: Path, seconds: float = 0.5, count: int = 11) -> Path:
    """Two symbols, ``count`` ticks spread over ``seconds`` (written in reverse order)."""
    step = seconds / (count - 1)
    rows = [
        {"symbol": "AAA.X" if i % 2 else "BBB.X",
         "datetime": pd.Timestamp("2024-03-01 09:30:00") + pd.Timedelta(seconds=i * step),
         "last": 10.0 + i, "volume": 100.0 * i}
        for i in range(count)
    ]  # fmt: skip
    frame = pd.DataFrame(rows[::-1])
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


def feed_for(path: Path, **options: object) -> tuple[ReplayFeed, RecordingContext]:
    context = RecordingContext()
    opts = msgspec.convert({"path": str(path), **options}, ReplayFeedOptions)
    return ReplayFeed("replay", context, opts), context


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_ticks_play_in_time_order_at_the_recorded_pace(tmp_path: Path, suffix: str) -> None:
    feed, context = feed_for(ticks_file(tmp_path / f"ticks{suffix}"), speed=1.0)
    assert sorted(i.symbol for i in feed.instruments()) == ["AAA.X", "BBB.X"]

    async def scenario() -> float:
        started = time.monotonic()
        await feed.start()
        await context.wait_for(lambda: context.status is ConnectionStatus.DISCONNECTED, 5)
        elapsed = time.monotonic() - started
        await feed.stop()
        return elapsed

    elapsed = run(scenario())
    assert [t.last for t in context.ticks] == [10.0 + i for i in range(11)]
    assert 0.45 <= elapsed < 2.0  # 0.5 s recorded, played at x1
    stamps = [t.ts for t in context.ticks]
    assert stamps == sorted(stamps)
    assert abs((stamps[-1] - stamps[0]) / 1e9 - 0.5) < 0.01  # spacing kept
    assert abs(stamps[0] / 1e9 - time.time()) < 5  # re-stamped to the present
    assert "end of" in context.statuses[-2][1] and "11 ticks played" in context.statuses[-2][1]


def test_speed_and_repeat(tmp_path: Path) -> None:
    feed, context = feed_for(ticks_file(tmp_path / "t.csv", seconds=2.0), speed=20.0,
                             repeat=True)  # fmt: skip

    async def scenario() -> float:
        started = time.monotonic()
        await feed.start()
        await context.wait_for(lambda: feed.rounds >= 2, 5)
        elapsed = time.monotonic() - started
        await feed.stop()
        return elapsed

    elapsed = run(scenario())
    assert elapsed < 1.5  # two rounds of 2 s recorded at x20: 0.2 s
    assert [t.last for t in context.ticks[:22]] == [10.0 + i for i in range(11)] * 2


def test_bars_play_as_open_low_high_close_ticks(tmp_path: Path) -> None:
    path = tmp_path / "bars.csv"
    pd.DataFrame({
        "symbol": ["AAA.X", "BBB.X", "AAA.X"],
        "datetime": ["2024-03-01 09:30", "2024-03-01 09:30", "2024-03-01 09:31"],
        "open": [10.0, 50.0, 11.0], "high": [12.0, 51.0, 11.5], "low": [9.0, 48.0, 10.0],
        "close": [11.0, 49.0, 10.5], "volume": [100, 7, 50],
    }).to_csv(path, index=False)  # fmt: skip
    feed, context = feed_for(path, speed=0.0)

    async def scenario() -> None:
        await feed.start()
        await context.wait_for(lambda: context.status is ConnectionStatus.DISCONNECTED, 5)
        await feed.stop()

    run(scenario())
    aaa = [(t.last, t.volume) for t in context.ticks if t.symbol == "AAA.X"]
    bbb = [(t.last, t.volume) for t in context.ticks if t.symbol == "BBB.X"]
    # Rising bar: open, low, high, close; falling: open, high, low, close. Volume on the close.
    assert aaa == [(10.0, 0), (9.0, 0), (12.0, 0), (11.0, 100),
                   (11.0, 100), (11.5, 100), (10.0, 100), (10.5, 150)]  # fmt: skip
    assert bbb == [(50.0, 0), (51.0, 0), (48.0, 0), (49.0, 7)]
    stamps = [t.ts for t in context.ticks]
    assert stamps == sorted(stamps)


def test_bad_input_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="replay file not found"):
        feed_for(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("symbol,datetime,last,volume\nAAA.X,2024-03-01 09:30,abc,1\n"
                   "AAA.X,2024-03-01 09:30:01,10,2\n")  # fmt: skip
    feed, _ = feed_for(bad)
    assert feed.skipped == 1 and len(feed.recording) == 1
    with pytest.raises(InputError, match="timezone = 'Mars/Olympus'"):
        feed_for(bad, timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="speed = -1"):
        feed_for(bad, speed=-1)
    bars = tmp_path / "bars.csv"
    bars.write_text("symbol,datetime,open,high,low,close\nAAA.X,2024-03-01 09:30,1,2,0.5,1.5\n")
    with pytest.raises(InputError, match=r"missing columns \['volume'\]"):
        feed_for(bars)
