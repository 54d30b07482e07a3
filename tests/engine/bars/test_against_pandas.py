"""On a continuous session (crypto) the bars equal pandas ``resample`` of the same ticks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from terminal.engine.bars.batch import TickArrays, build_bars
from terminal.engine.bars.streaming import StreamingBars
from terminal.engine.bars.timeframes import parse_timeframe
from tests.engine.bars.helpers import calendar, ns


def random_ticks(n: int = 20_000, seed: int = 3) -> TickArrays:
    rng = np.random.default_rng(seed)
    start = ns("2024-03-01 22:00:00", "UTC")
    ts = start + np.cumsum(rng.exponential(2e9, n)).astype(np.int64)  # ~11 hours
    price = 100 + np.cumsum(rng.choice([-0.5, 0.0, 0.5], n))
    size = rng.integers(1, 50, n).astype(np.float64)
    return TickArrays(["BTC"], np.zeros(n, np.int32), ts, price, size, size * price, np.zeros(n))


def pandas_bars(ticks: TickArrays, rule: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"price": ticks.last, "size": ticks.volume},
        index=pd.to_datetime(ticks.ts, unit="ns", utc=True),
    )
    ohlc = frame["price"].resample(rule).ohlc()
    ohlc["volume"] = frame["size"].resample(rule).sum()
    ohlc["ticks"] = frame["price"].resample(rule).count()
    return ohlc[ohlc["ticks"] > 0]


@pytest.mark.parametrize(("timeframe", "rule"), [("1m", "1min"), ("15m", "15min"), ("4h", "4h"),
                                                  ("1d", "1D")])
def test_batch_bars_equal_pandas_resample(timeframe: str, rule: str) -> None:
    ticks = random_ticks()
    ours = build_bars(ticks, calendar("crypto"), [timeframe], volume="delta")[0][timeframe]
    theirs = pandas_bars(ticks, rule)
    assert ours["start"].tolist() == theirs.index.as_unit("ns").asi8.tolist()
    for column in ("open", "high", "low", "close", "volume"):
        assert np.allclose(ours[column].to_numpy(), theirs[column].to_numpy()), column
    assert ours["ticks"].tolist() == theirs["ticks"].tolist()


def test_streaming_bars_equal_pandas_resample() -> None:
    ticks = random_ticks(5_000)
    bars = []
    builder = StreamingBars(lambda _s: calendar("crypto"), lambda b, _c: bars.append(b),
                            volume="delta", default_timeframes=("5m",))
    for t in ticks.to_ticks():
        builder.on_tick(t)
    builder.flush()
    theirs = pandas_bars(ticks, "5min")
    assert [b.start for b in bars] == theirs.index.as_unit("ns").asi8.tolist()
    assert np.allclose([b.close for b in bars], theirs["close"].to_numpy())
    assert np.allclose([b.volume for b in bars], theirs["volume"].to_numpy())
    assert parse_timeframe("5m").length_ns == 300_000_000_000
