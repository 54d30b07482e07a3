"""Where a backtest's bars come from: the terminal's bar store, or a CSV/Parquet file; and
what it says when they are not there."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from terminal.domain.market import Bar
from terminal.engine.backtest.data import (
    MissingBars,
    infer_timeframe,
    read_bars_file,
    read_store,
    store_file,
)
from terminal.engine.backtest.request import (
    BacktestRequest,
    StrategyRef,
    instrument_for,
    load_data,
    parse_params,
)
from terminal.engine.bars.store import BarStore
from tests.engine.backtest.helpers import MINUTE_NS, Crosses

OPEN_0931 = 1_704_245_460_000_000_000  # 2024-01-03 09:31 Asia/Shanghai = 01:31 UTC
DAY_NS = 86_400_000_000_000
PUFA = instrument_for("600000.SSE", {})


def stored(folder: Path, symbol: str = "600000.SSE", days: int = 3, per_day: int = 5) -> None:
    store = BarStore()
    for day in range(days):
        for k in range(per_day):
            start = OPEN_0931 + day * DAY_NS + k * MINUTE_NS
            store.append(Bar(symbol, "1m", start, 10.0, 10.1, 9.9, 10.0 + k / 100, 100.0))
    store.save(folder)


def test_the_store_is_read_by_symbol_timeframe_and_local_dates(tmp_path: Path) -> None:
    stored(tmp_path)
    assert store_file(tmp_path, "600000.SSE", "1m").is_file()  # the name BarStore.save gives
    frames = read_store(tmp_path, ["600000.SSE"], "1m", date(2024, 1, 4), date(2024, 1, 5),
                        {"600000.SSE": PUFA})  # fmt: skip
    bars = frames["600000.SSE"]
    assert len(bars) == 10 and bars["start"].iloc[0] == OPEN_0931 + DAY_NS
    assert bars["close"].tolist()[:5] == [10.0, 10.01, 10.02, 10.03, 10.04]


def test_missing_bars_are_named_with_the_command_that_downloads_them(tmp_path: Path) -> None:
    stored(tmp_path)
    with pytest.raises(MissingBars) as caught:
        read_store(tmp_path, ["600000.SSE", "300750.SZSE"], "1m", date(2023, 6, 1),
                   date(2023, 6, 30), {})  # fmt: skip
    message = str(caught.value)
    assert "no stored 1m bars from 2023-06-01 to 2023-06-30 for" in message
    assert "600000.SSE (the store holds 2024-01-03 to 2024-01-05)" in message
    assert "300750.SZSE (none stored)" in message
    assert ("`terminal history download 600000.SSE 300750.SZSE --timeframe 1m --start "
            "2023-06-01 --end 2023-06-30`") in message  # fmt: skip


def test_a_bars_file_with_local_datetimes(tmp_path: Path) -> None:
    path = tmp_path / "bars.csv"
    pd.DataFrame({
        "symbol": ["600000.SSE"] * 3 + ["X"] * 2,
        "datetime": ["2024-01-03 09:31:00", "2024-01-03 09:32:00", "2024-01-03 09:33:00",
                     "2024-01-03T00:00:00", "2024-01-03T00:01:00"],
        "open": [10, 10.1, 10.2, 1, 2], "high": [10, 10.1, 10.2, 1, 2],
        "low": [10, 10.1, 10.2, 1, 2], "close": [10, 10.1, 10.2, 1, 2], "volume": [1, 2, 3, 4, 5],
    }).to_csv(path, index=False)  # fmt: skip
    frames, timeframe = read_bars_file(path, {"600000.SSE": PUFA}, None, None)
    assert timeframe is None and infer_timeframe(frames) == "1m"
    assert frames["600000.SSE"]["start"].iloc[0] == OPEN_0931  # read in Shanghai time
    assert frames["X"]["start"].iloc[0] == 1_704_240_000_000_000_000  # UTC for the unknown


def test_a_parquet_file_with_start_in_ns_and_its_timeframe(tmp_path: Path) -> None:
    path = tmp_path / "bars.parquet"
    starts = [OPEN_0931 + k * DAY_NS for k in range(4)]
    pd.DataFrame({"symbol": "600000.SSE", "timeframe": "1d", "start": starts, "open": 10.0,
                  "high": 10.0, "low": 10.0, "close": 10.0}).to_parquet(path)  # fmt: skip
    frames, timeframe = read_bars_file(path, {}, date(2024, 1, 4), None)
    assert timeframe == "1d" and frames["600000.SSE"]["start"].tolist() == starts[1:]
    assert frames["600000.SSE"]["volume"].tolist() == [0.0, 0.0, 0.0]


def test_a_bad_file_is_named_with_what_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("symbol,datetime,open,high,low\nX,2024-01-02,1,1,1\n")
    with pytest.raises(ValueError, match=r"missing columns \['close'\]"):
        read_bars_file(path, {}, None, None)
    path.write_text("symbol,datetime,open,high,low,close\nX,2024-01-02,1,1,1,1\nX,soon,1,1,1,1\n")
    with pytest.raises(ValueError, match="datetime 'soon' \\(row 2\\) is not a time"):
        read_bars_file(path, {}, None, None)
    path.write_text("symbol,datetime,open,high,low,close\nX,2024-01-02,1,one,1,1\n")
    with pytest.raises(ValueError, match="X row 1: not a bar"):
        read_bars_file(path, {}, None, None)
    with pytest.raises(ValueError, match="no such file"):
        read_bars_file(tmp_path / "none.csv", {}, None, None)


def test_a_request_picks_symbols_from_a_file_and_says_which_are_absent(tmp_path: Path) -> None:
    path = tmp_path / "bars.csv"
    minutes = pd.date_range("2024-01-02", periods=60, freq="min")
    pd.concat([pd.DataFrame({"symbol": s, "datetime": minutes.strftime("%Y-%m-%dT%H:%M:%S"),
                             "open": 1.0, "high": 1.0, "low": 1.0, "close": 1.0})
               for s in ("A", "B")]).to_csv(path, index=False)  # fmt: skip
    request = BacktestRequest(strategy=StrategyRef.of(Crosses), symbols=["B"], data_file=str(path))
    data = load_data(request, Crosses, {})
    assert data.symbols == ("B",) and data.timeframe == "1m" and data.bar_count == 60
    absent = BacktestRequest(strategy=StrategyRef.of(Crosses), symbols=["C"], data_file=str(path))
    with pytest.raises(ValueError, match="no bars of C \\(it has A, B\\)"):
        load_data(absent, Crosses, {})


def test_params_are_read_as_the_structs_types() -> None:
    assert parse_params("fast=3, quantity=2.5", Crosses) == {"fast": 3, "quantity": 2.5}
    with pytest.raises(ValueError, match="crosses has no parameter 'fats'"):
        parse_params("fats=3", Crosses)
    with pytest.raises(ValueError, match="fast = 'three'"):
        parse_params("fast=three", Crosses)
    with pytest.raises(ValueError, match="'fast' is not name=value"):
        parse_params("fast", Crosses)


def test_instruments_follow_the_exchange_suffix() -> None:
    assert (PUFA.lot_size, PUFA.tick_size, PUFA.sessions) == (100.0, 0.01, "cn_stock")
    plain = instrument_for("BTCUSDT.BINANCE", {})
    assert (plain.exchange, plain.lot_size, plain.sessions) == ("BINANCE", 1.0, "always")
