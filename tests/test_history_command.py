"""``terminal history download`` against a local server answering like Eastmoney and Tencent."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from terminal.cli import history
from terminal.cli.entry import build_parser
from terminal.engine.bars.store import BarStore
from terminal.engine.config import load_config
from terminal.engine.paths import user_data_dir
from tests.adapters.history.history_server import history_server
from tests.adapters.history.vendor_answers import Day, daily_series, sample_lines
from tests.engine.bars.helpers import ns

DAYS = daily_series(date(2024, 3, 4), 5, seed=7)


def terminal(*argv: str) -> int:
    """The command as ``main`` runs it (in a thread of its own: it runs its own asyncio loop),
    printing to this test's captured streams."""
    args = build_parser().parse_args(list(argv))
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(history.run, args, load_config()).result(timeout=60)


def serve_days(state: object, secid: str, days: list[Day] = DAYS) -> None:
    state.eastmoney[(secid, 101, 1)] = [d.eastmoney() for d in days]  # type: ignore[attr-defined]


def test_csv_with_shares_turnover_and_local_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bars.csv"
    with history_server() as (base, state):
        serve_days(state, "0.300750")
        serve_days(state, "1.601166", DAYS[:3])
        code = terminal("history", "download", "300750.SZSE", "601166.SSE", "--source",
                        "eastmoney", "--timeframe", "1d", "--count", "5", "--base-url", base,
                        "-o", str(out))  # fmt: skip
    assert code == 0
    frame = pd.read_csv(out, dtype={"datetime": str})
    assert list(frame.columns) == ["symbol", "datetime", "open", "high", "low", "close",
                                   "volume", "turnover"]  # fmt: skip
    assert frame["symbol"].tolist() == ["300750.SZSE"] * 5 + ["601166.SSE"] * 3
    first = frame.iloc[0]
    assert first["datetime"] == "2024-03-04"
    assert (first["open"], first["close"], first["volume"]) == (
        round(DAYS[0].open, 2), round(DAYS[0].close, 2), DAYS[0].shares
    )
    captured = capsys.readouterr()
    assert "8 bars of 2 symbols written to" in captured.out
    assert "300750.SZSE 1d [########################] 1/1 requests, 5 bars" in captured.err


def test_parquet_minutes_in_exchange_time(tmp_path: Path) -> None:
    good = sample_lines("tencent_mkline_sh600519_m5_and_invalid_code_2026-07-09_TRIMMED.json")[0]
    out = tmp_path / "bars.parquet"
    with history_server() as (base, state):
        state.raw["/appstock/app/kline/mkline"] = good
        code = terminal("history", "download", "600519.SSE", "--source", "qq", "--timeframe",
                        "5m", "--count", "3", "--base-url", base, "-o", str(out))  # fmt: skip
    assert code == 0
    frame = pd.read_parquet(out)
    assert "turnover" not in frame.columns  # Tencent's minutes carry no amount
    assert [t.strftime("%H:%M %Z") for t in frame["datetime"]] == ["09:45 CST", "09:50 CST",
                                                                  "09:55 CST"]  # fmt: skip


def test_without_a_file_the_bar_store_is_filled_once(capsys: pytest.CaptureFixture[str]) -> None:
    with history_server() as (base, state):
        serve_days(state, "1.600000")
        for _ in range(2):
            assert terminal("history", "download", "600000.SSE", "--count", "5",
                            "--base-url", base) == 0  # fmt: skip
    store = BarStore()
    assert store.load(user_data_dir() / "bars") == 1
    starts = store.series("600000.SSE", "1d").start[:5].tolist()
    assert starts == [ns(f"{d.day} 00:00:00") for d in DAYS]
    assert "written to" in capsys.readouterr().out


def test_a_failing_symbol_is_named_and_the_others_are_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bars.csv"
    with history_server() as (base, state):
        serve_days(state, "1.600000")
        code = terminal("history", "download", "600000.SSE", "600999.SSE", "--count", "5",
                        "--base-url", base, "-o", str(out))  # fmt: skip
    assert code == 1
    assert "600999.SSE 1d: failed: eastmoney: 600999.SSE: the answer has no data" in (
        capsys.readouterr().err
    )
    assert len(pd.read_csv(out)) == 5


@pytest.mark.parametrize(("argv", "message"), [
    (["AAPL.NASDAQ"], "eastmoney serves no 'AAPL.NASDAQ'"),
    (["600000.SSE", "--source", "nope"], "--source: no history source 'nope' (known: "),
    (["600000.SSE", "--adjust", "hfq"], "--adjust hfq: the bar store keeps 1d bars 'qfq'"),
    (["600000.SSE", "--timeframe", "2d"], "only 1d, 1w and 1M are supported above hours"),
    (["600000.SSE", "-o", "bars.xlsx"], "must end in .csv or .parquet"),
])  # fmt: skip
def test_bad_arguments_are_named(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert terminal("history", "download", *argv, "--base-url", "http://127.0.0.1:9") == 2
    assert message in capsys.readouterr().err


@pytest.mark.slow
def test_the_installed_script(tmp_path: Path) -> None:
    out = tmp_path / "bars.csv"
    with history_server() as (base, state):
        serve_days(state, "0.000001")
        done = subprocess.run(
            [str(Path(sys.executable).parent / "terminal"), "history", "download", "000001.SZSE",
             "--count", "5", "--base-url", base, "-o", str(out)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(out)) == 5
