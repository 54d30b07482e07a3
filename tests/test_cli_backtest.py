"""`terminal backtest` and `terminal optimize` as users run them (real subprocesses)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from terminal.domain.market import Bar
from terminal.engine.bars.store import BarStore
from tests.engine.backtest.helpers import walk
from tests.test_cli import run

pytestmark = pytest.mark.slow
OPEN_0931 = 1_704_245_460_000_000_000  # 2024-01-03 09:31 Asia/Shanghai
MINUTE_NS, DAY_NS = 60_000_000_000, 86_400_000_000_000


def bars_csv(path: Path, n: int = 2000) -> Path:
    times = pd.date_range("2024-01-02", periods=n, freq="h").strftime("%Y-%m-%dT%H:%M:%S")
    rows = walk(n, seed=4)
    columns = {name: [r[k] for r in rows] for k, name in enumerate(("open", "high", "low",
                                                                     "close"))}  # fmt: skip
    pd.DataFrame({"symbol": "X", "datetime": times, **columns, "volume": 100.0}).to_csv(
        path, index=False
    )
    return path


def test_backtest_writes_its_four_files_and_prints_the_summary(tmp_path: Path) -> None:
    data = bars_csv(tmp_path / "bars.csv")
    out = tmp_path / "out"
    done = run("backtest", "sma_cross", "--data", str(data), "--timeframe", "1m",
               "--params", "fast=3,slow=12", "--capital", "50000", "-o", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "equity.csv", "report.html", "summary.json", "trades.csv"
    ]
    trades = pd.read_csv(out / "trades.csv")
    assert list(trades.columns) == ["datetime", "symbol", "side", "quantity", "price", "commission"]
    assert len(trades) > 50 and set(trades["side"]) == {"buy", "sell"}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["params"] == {"fast": 3, "slow": 12} and summary["capital"] == 50000
    assert summary["statistics"]["fills"] == len(trades)
    assert "Sharpe ratio" in done.stdout and "Round trips" in done.stdout
    equity = pd.read_csv(out / "equity.csv")
    assert list(equity.columns) == ["date", "equity", "benchmark", "returns",
                                    "benchmark_returns", "drawdown"]  # fmt: skip
    assert done.stderr == ""  # no plugin chatter, no strategy log on the console


def test_two_runs_write_the_same_bytes(tmp_path: Path) -> None:
    """Determinism across processes (and their hash seeds), not only within one."""
    data = bars_csv(tmp_path / "bars.csv")
    for seed, name in (("1", "a"), ("2", "b")):
        done = run("backtest", "dual_ma", "--data", str(data), "--timeframe", "1m", "-o",
                   str(tmp_path / name), env={"PYTHONHASHSEED": seed})  # fmt: skip
        assert done.returncode == 0, done.stderr
    for name in ("trades.csv", "equity.csv", "summary.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_backtest_on_the_bar_store_and_what_it_says_when_bars_are_missing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = BarStore()
    for k, (o, h, low, c) in enumerate(walk(600, seed=2)):
        day, minute = divmod(k, 200)
        store.append(Bar("600000.SSE", "1m", OPEN_0931 + day * DAY_NS + minute * MINUTE_NS,
                         o, h, low, c, 1000.0))  # fmt: skip
    store.save(data_dir / "bars")
    env = {"TERMINAL_DATA_DIR": str(data_dir), "TERMINAL_CONFIG_DIR": str(tmp_path / "cfg")}
    done = run("backtest", "sma_cross", "--symbols", "600000.SSE", "--timeframe", "1m",
               "--start", "2024-01-03", "--end", "2024-01-05", "--params", "quantity=100",
               "-o", str(tmp_path / "out"), env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "sma_cross on 600000.SSE (1m), 2024-01-03 to 2024-01-05" in done.stdout
    missing = run("backtest", "sma_cross", "--symbols", "600000.SSE", "--timeframe", "1m",
                  "--start", "2023-01-01", "--end", "2023-01-31", env=env)  # fmt: skip
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        "terminal backtest: no stored 1m bars from 2023-01-01 to 2023-01-31 for 600000.SSE "
        f"(the store holds 2024-01-03 to 2024-01-05) in {data_dir / 'bars'}; download them "
        "with `terminal history download 600000.SSE --timeframe 1m --start 2023-01-01 --end "
        "2023-01-31`, or give a bars file with --data"
    )


def test_bad_input_gets_one_line(tmp_path: Path) -> None:
    data = bars_csv(tmp_path / "bars.csv", 100)
    cases = {
        ("backtest", "sma_crosss", "--data", str(data)): "unknown strategy 'sma_crosss' (known:",
        ("backtest", "sma_cross", "--data", str(data)): "sma_cross takes 1m bars, finer than",
        ("backtest", "sma_cross"): "give --data BARS.csv or --symbols SYMBOL...",
        ("backtest", "sma_cross", "--data", str(data), "--params", "fast=x"): "fast = 'x'",
        ("optimize", "sma_cross", "--data", str(data), "--grid", "speed=1:2:1"): "--grid:",
        ("optimize", "sma_cross", "--data", str(data), "--sort", "luck"): "--sort: 'luck'",
    }
    for args, message in cases.items():
        done = run(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_raising_strategy_exits_1_with_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from terminal.cli import backtest as command
    from terminal.cli.entry import build_parser
    from terminal.engine.config import Config
    from tests.engine.backtest.test_runs import Explodes

    monkeypatch.setattr(command, "strategy_class", lambda name: Explodes)
    data = bars_csv(tmp_path / "bars.csv", 100)
    args = build_parser().parse_args(["backtest", "explodes", "--data", str(data),
                                      "--timeframe", "1m", "-o", str(tmp_path / "out")])
    out, err = io.StringIO(), io.StringIO()
    assert command.run_backtest_command(args, Config(), out, err) == 1
    assert err.getvalue().startswith("terminal backtest: explodes raised and stopped the "
                                     "backtest:\nerror in on_bar:\nTraceback")  # fmt: skip
    assert "RuntimeError: signal broke on the bar at" in err.getvalue()
    assert "Stopped by an error" in (tmp_path / "out" / "report.html").read_text()


def test_optimize_writes_the_table_the_summary_and_the_report(tmp_path: Path) -> None:
    data = bars_csv(tmp_path / "bars.csv", 1500)
    out = tmp_path / "opt"
    done = run("optimize", "sma_cross", "--data", str(data), "--timeframe", "1m", "--grid",
               "fast=3:5:1,slow=10:20:5", "--processes", "2", "--walk-forward", "2", "-o",
               str(out), timeout=180)  # fmt: skip
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out / "results.csv")
    assert len(table) == 9 and list(table.columns[:3]) == ["fast", "slow", "total_return"]
    assert table["sharpe"].is_monotonic_decreasing
    summary = json.loads((out / "summary.json").read_text())
    assert summary["combinations"] == 9 and len(summary["walk_forward"]) == 2
    best = table.iloc[0]
    assert summary["best"] == {"fast": int(best["fast"]), "slow": int(best["slow"])}
    assert "<svg" in (out / "report.html").read_text()
    assert "9 parameter sets on 2 processes; best by sharpe:" in done.stdout
