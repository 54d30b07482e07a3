"""The batch builder gives the live builder's bars, on random tick streams (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from terminal.engine.bars.batch import TickArrays, bars_frame, build_bars
from terminal.engine.bars.streaming import StreamingBars, VolumeMode
from tests.engine.bars.helpers import calendar, ns

TIMEFRAMES = ("1m", "5m", "15m", "1h", "1d", "1w")
START = ns("2024-01-04 20:55:00")  # Thursday evening, before a night session
SPAN_S = 4 * 86_400
# Session edges, where the rules bite: ticks land exactly on them often.
EDGES = [ns(f"2024-01-0{d} {t}") - START for d in (4, 5, 8) for t in
         ("21:00:00", "23:00:00", "09:00:00", "10:15:00", "10:30:00", "11:30:00", "15:00:00")]
EDGES += [ns(f"2024-01-0{d} 17:00:00", "America/New_York") - START for d in (4, 5, 7)]
SESSIONS = ("cn_future_night", "fx")  # with breaks and night sessions; around the clock

tick_times = st.lists(
    st.one_of(
        st.integers(0, SPAN_S * 1_000).map(lambda ms: ms * 1_000_000),
        st.sampled_from(EDGES).filter(lambda off: off >= 0),
    ),
    min_size=1,
    max_size=120,
)


@st.composite
def streams(draw: st.DrawFn) -> tuple[str, TickArrays]:
    per_symbol = draw(st.lists(tick_times, min_size=1, max_size=3))
    rows = []
    for code, offsets in enumerate(per_symbol):
        volume = float(draw(st.integers(0, 1000)))
        for offset in sorted(offsets):
            step = draw(st.sampled_from([0, 1, 5, 20, -1, "dup"]))
            price = float(draw(st.integers(900, 1100))) / 100
            if draw(st.integers(0, 9)) == 0:
                price = 0.0  # a quote with no last price (NO_LAST): in no bar
            if step == "dup" and rows and rows[-1][0] == code:
                rows.append(rows[-1])
                continue
            volume = 3.0 if step == -1 else volume + float(step if step != "dup" else 0)
            rows.append((code, START + offset, price, volume))
    rows.sort(key=lambda r: r[1])  # interleave symbols in time, as a feed would
    codes, ts, price, vol = (np.array(col) for col in zip(*rows, strict=True))
    return draw(st.sampled_from(SESSIONS)), TickArrays(
        symbols=[f"S{i}" for i in range(len(per_symbol))],
        codes=codes.astype(np.int32),
        ts=ts.astype(np.int64),
        last=price.astype(np.float64),
        volume=vol.astype(np.float64),
        turnover=(vol * 10.0).astype(np.float64),
        open_interest=np.arange(len(rows), dtype=np.float64),
    )


def streamed(sessions: str, ticks: TickArrays, volume: VolumeMode) -> pd.DataFrame:
    bars = []
    cal = calendar(sessions)
    builder = StreamingBars(
        lambda _s: cal, lambda bar, _c: bars.append(bar), volume=volume,
        default_timeframes=TIMEFRAMES,
    )
    for t in ticks.to_ticks():
        builder.on_tick(t)
    builder.flush()
    return bars_frame(bars)


def assert_same(stream: tuple[str, TickArrays], volume: VolumeMode) -> None:
    sessions, ticks = stream
    live = streamed(sessions, ticks, volume)
    batch, _stats = build_bars(ticks, calendar(sessions), TIMEFRAMES, volume=volume)
    for tf in TIMEFRAMES:
        one = live[live["timeframe"] == tf].reset_index(drop=True)
        other = batch[tf].reset_index(drop=True)
        assert len(one) == len(other), tf
        assert one["symbol"].tolist() == [str(s) for s in other["symbol"]], tf
        assert (one["start"].to_numpy() == other["start"].to_numpy()).all(), tf
        assert (one["ticks"].to_numpy() == other["ticks"].to_numpy()).all(), tf
        for column in ("open", "high", "low", "close", "volume", "turnover", "open_interest"):
            assert np.allclose(one[column].to_numpy(float), other[column].to_numpy(float)), (
                tf, column,
            )


@settings(max_examples=60, deadline=None)
@given(streams())
def test_streaming_equals_batch_with_cumulative_volume(stream: tuple[str, TickArrays]) -> None:
    assert_same(stream, "cumulative")


@settings(max_examples=30, deadline=None)
@given(streams())
def test_streaming_equals_batch_with_per_trade_volume(stream: tuple[str, TickArrays]) -> None:
    assert_same(stream, "delta")


def test_batch_counts_match_streaming_counts() -> None:
    ticks = TickArrays(
        symbols=["A"], codes=np.zeros(4, np.int32),
        ts=np.array([ns("2024-01-05 08:00:00"), ns("2024-01-05 09:01:00"),
                     ns("2024-01-05 09:01:00"), ns("2024-01-05 09:02:00")]),
        last=np.array([1.0, 2.0, 2.0, 3.0]), volume=np.array([1.0, 2.0, 2.0, 3.0]),
        turnover=np.zeros(4), open_interest=np.zeros(4),
    )
    _frames, stats = build_bars(ticks, calendar("cn_future_night"), ["1m"])
    assert (stats.used, stats.outside_sessions, stats.duplicates) == (2, 1, 1)
