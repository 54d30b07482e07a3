"""The history store: merging at the seam, persistence, files, and resampling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from terminal.domain.market import Bar
from terminal.engine.bars.batch import TickArrays, bars_frame, build_bars, resample_bars
from terminal.engine.bars.store import BarStore, read_bar_file
from tests.engine.bars.helpers import calendar, ns

MINUTE = 60_000_000_000


def minute_bars(first: str, count: int, close: float = 10.0) -> list[Bar]:
    start = ns(first)
    return [
        Bar("X", "1m", start + i * MINUTE, close, close + 1, close - 1, close + i, 10.0, ticks=3)
        for i in range(count)
    ]


def test_history_and_live_merge_without_duplicates_or_gaps() -> None:
    store = BarStore()
    store.extend(minute_bars("2024-01-02 09:30:00", 10))  # from the feed
    live = minute_bars("2024-01-02 09:38:00", 5, close=20.0)  # overlaps the last two
    for bar in live:
        store.append(bar)
    bars = store.bars("X", "1m")
    starts = [b.start for b in bars]
    assert starts == [ns("2024-01-02 09:30:00") + i * MINUTE for i in range(13)]
    assert bars[8].close == 20.0  # the live bar replaced history's at the seam


def test_store_persists_between_runs(tmp_path: Path) -> None:
    store = BarStore()
    store.extend(minute_bars("2024-01-02 09:30:00", 3))
    assert store.save(tmp_path) == 1
    (tmp_path / "junk.npz").write_bytes(b"not a numpy file")
    again = BarStore()
    assert again.load(tmp_path) == 1
    assert again.bars("X", "1m") == store.bars("X", "1m")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_bars_load_from_csv_and_parquet(tmp_path: Path, suffix: str) -> None:
    frame = bars_frame(minute_bars("2024-01-02 09:30:00", 4))
    frame["start"] = pd.to_datetime(frame["start"], utc=True).dt.tz_convert("Asia/Shanghai")
    path = tmp_path / f"bars{suffix}"
    if suffix == ".csv":
        frame.assign(start=frame["start"].map(lambda t: t.isoformat())).to_csv(path, index=False)
    else:
        frame.to_parquet(path)
    loaded = read_bar_file(path)
    store = BarStore()
    store.merge(loaded)
    assert [b.start for b in store.bars("X", "1m")] == [b.start for b in minute_bars(
        "2024-01-02 09:30:00", 4)]


def test_higher_timeframes_derive_from_lower_ones_like_building_from_ticks() -> None:
    rng = np.random.default_rng(5)
    n = 5_000
    ts = np.sort(rng.integers(ns("2024-01-02 09:30:00"), ns("2024-01-02 15:00:00"), n))
    ticks = TickArrays(["X", "Y"], rng.integers(0, 2, n).astype(np.int32), ts,
                       rng.integers(900, 1100, n) / 100, np.cumsum(rng.integers(1, 9, n)) * 1.0,
                       np.zeros(n), np.zeros(n))
    cal = calendar("cn_stock")
    minute = build_bars(ticks, cal, ["1m"])[0]["1m"]
    for timeframe in ("30m", "1h", "1d"):
        derived = resample_bars(minute, cal, timeframe)
        # 30m and 1h straight from the ticks (the finest asked for); 1d goes via 1m bars
        direct = build_bars(ticks, cal, [timeframe])[0][timeframe]
        assert derived["start"].tolist() == direct["start"].tolist()
        for column in ("open", "high", "low", "close", "volume", "ticks"):
            assert np.allclose(derived[column].to_numpy(float), direct[column].to_numpy(float))


@given(
    batches=st.lists(
        st.lists(st.tuples(st.integers(0, 40), st.floats(1, 100)), max_size=30), max_size=6
    )
)
def test_merging_in_any_order_keeps_one_bar_per_start_the_last_merged(
    batches: list[list[tuple[int, float]]],
) -> None:
    """Whatever order and overlap batches come in (feed history, files, live bars), the
    series holds each start once, in order, with the bar merged last for it."""
    store, expected = BarStore(), {}
    for number, batch in enumerate(batches):
        bars = [Bar("X", "1m", minute * MINUTE, close, close, close, close, 1.0, ticks=number)
                for minute, close in batch]  # fmt: skip
        for bar in bars:
            expected[bar.start] = bar
        if number % 2:
            for bar in bars:
                store.append(bar)
        else:
            store.extend(bars)
    assert store.bars("X", "1m") == [expected[start] for start in sorted(expected)]
