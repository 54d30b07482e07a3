"""``terminal bars``: files in, bars and counts out, malformed rows reported by line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from terminal.cli import main

TICKS = """symbol,datetime,last,volume,turnover
600000.SSE,2024-01-02 09:25:00,10.00,100,1000
600000.SSE,2024-01-02 09:30:01,10.01,150,1500
600000.SSE,2024-01-02 09:30:30,10.05,180,1800
600000.SSE,2024-01-02 09:31:00,10.02,200,2000
600000.SSE,2024-01-02 11:30:00,10.10,300,3000
600000.SSE,not a time,10.10,300,3000
600000.SSE,2024-01-02 13:00:05,-1,310,3100
600000.SSE,2024-01-02 13:00:06,10.2,320,3200,99
"""


def run_bars(tmp_path: Path, *extra: str, text: str = TICKS) -> tuple[int, Path]:
    source = tmp_path / "ticks.csv"
    source.write_text(text)
    out = tmp_path / "bars.csv"
    code = main(["bars", str(source), "--session", "cn_stock", "-o", str(out), *extra])
    return code, out


def test_bars_command_writes_bars_and_prints_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_bars(tmp_path, "--timeframes", "1m,1h,1d")
    assert code == 0
    printed = capsys.readouterr()
    assert "ticks read: 8, used: 4, dropped outside sessions: 1, late: 0" in printed.out
    assert "malformed: 3" in printed.out
    assert "ticks.csv:7: skipped malformed row: datetime is not a time" in printed.err
    assert "ticks.csv:8: skipped malformed row: last is not a positive number" in printed.err
    assert "ticks.csv:9: skipped malformed row: expected 5 fields, saw 6" in printed.err
    bars = pd.read_csv(out)
    assert list(bars.columns) == ["symbol", "timeframe", "start", "open", "high", "low", "close",
                                  "volume", "turnover", "open_interest", "ticks"]
    minute = bars[bars["timeframe"] == "1m"]
    assert minute["start"].tolist() == ["2024-01-02T09:30:00+08:00", "2024-01-02T09:31:00+08:00",
                                        "2024-01-02T11:29:00+08:00"]
    assert minute["volume"].tolist() == [180.0, 20.0, 100.0]  # 09:30 bar has the auction's 150
    assert bars[bars["timeframe"] == "1h"]["start"].tolist() == [
        "2024-01-02T09:30:00+08:00", "2024-01-02T10:30:00+08:00"]


def test_strict_stops_at_the_first_malformed_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_bars(tmp_path, "--strict")
    assert code == 1
    assert "stopped at line 7 (--strict)" in capsys.readouterr().err
    assert not out.exists()


def test_parquet_input_and_output_with_epoch_times_and_a_time_zone(tmp_path: Path) -> None:
    frame = pd.DataFrame({"symbol": ["BTC"] * 3, "datetime": [1704067200, 1704067230, 1704067260],
                          "last": [1.0, 2.0, 3.0], "volume": [1.0, 1.0, 1.0]})
    source = tmp_path / "ticks.parquet"
    frame.to_parquet(source)
    out = tmp_path / "bars.parquet"
    code = main(["bars", str(source), "--session", "crypto", "--volume", "delta",
                 "-o", str(out)])
    assert code == 0
    bars = pd.read_parquet(out)
    assert bars["volume"].tolist() == [2.0, 1.0]
    assert str(bars["start"].iloc[0]) == "2024-01-01 00:00:00+00:00"


def test_naive_times_are_read_in_the_given_time_zone(tmp_path: Path) -> None:
    text = "symbol,datetime,last,volume\nX,2024-01-02 01:30:10,1,1\n"
    code, out = run_bars(tmp_path, "--tz", "UTC", text=text)
    assert code == 0
    assert pd.read_csv(out)["start"].tolist() == ["2024-01-02T09:30:00+08:00"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timeframes", "7x"], "timeframe '7x' is not one of"),
        (["--session", "mars"], "--session: unknown sessions 'mars'"),
    ],
)
def test_bad_arguments_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    source = tmp_path / "ticks.csv"
    source.write_text(TICKS)
    code = main(["bars", str(source), "-o", str(tmp_path / "o.csv"), *args])
    assert code == 2
    assert message in capsys.readouterr().err


def test_missing_columns_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_bars(tmp_path, text="symbol,time,price\nX,1,2\n")
    assert code == 2
    assert "missing columns ['datetime', 'last', 'volume']" in capsys.readouterr().err
