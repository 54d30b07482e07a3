#!/usr/bin/env python3
"""Benchmark: backtest speed, beside vnpy's BacktestingEngine and backtrader in the same run.

The strategy is the anchor's (``../shared/anchors/backtest_anchor.py``): long one unit while
the mean of the last 10 closes is above the mean of the last 30, flat when below, market orders
filled at the next bar's open, no commission. Here it is written with the terminal's
``Strategy`` API as a user would (two declared ``SMA`` indicators), and run by
``run_backtest`` (the same runner, pre-trade pipeline, order book and portfolio as live, a
simulated broker, the statistics) over the anchor's seeded 1-minute bars. Its fills are checked
against the anchor's numpy formulation, fill by fill.

The anchor script runs in its own venv (vnpy pins an older PySide6) with ``--anchor-python``,
between our repeats, so both see the same machine. Then a 100-combination optimisation is
timed in this process and on two worker processes.

    .venv/bin/python tests/benchmarks/bench_backtest.py \\
        --anchor-python ~/.venvs/anchors/bin/python

Prints one ``RESULT name = value unit`` line per figure (medians of ``--repeat`` runs).
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import msgspec
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from terminal.domain.enums import AssetClass  # noqa: E402
from terminal.domain.instrument import Instrument  # noqa: E402
from terminal.domain.market import Bar  # noqa: E402
from terminal.engine.backtest.data import BacktestData  # noqa: E402
from terminal.engine.backtest.optimize import ParamRange, combinations  # noqa: E402
from terminal.engine.backtest.request import StrategyRef  # noqa: E402
from terminal.engine.backtest.result import BacktestResult  # noqa: E402
from terminal.engine.backtest.run import run_backtest  # noqa: E402
from terminal.engine.backtest.settings import BacktestSection  # noqa: E402
from terminal.engine.backtest.workers import OptimizationJob, run_rows  # noqa: E402
from terminal.engine.config import Config  # noqa: E402
from terminal.engine.indicators import SMA  # noqa: E402
from terminal.engine.strategy import Strategy  # noqa: E402


class SmaLongParams(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    fast: int = 10
    slow: int = 30
    quantity: float = 1.0


class SmaLong(Strategy):
    """Long ``quantity`` while SMA(fast) > SMA(slow), flat while below."""

    plugin_name = "sma_long"
    Params = SmaLongParams
    warmup_bars = 0

    def on_start(self) -> None:
        self.fast = self.indicator(SMA(self.params.fast))
        self.slow = self.indicator(SMA(self.params.slow))

    def on_bar(self, bar: Bar) -> None:
        fast, slow = self.fast.value, self.slow.value
        if self.position == 0 and fast > slow:
            self.buy(self.params.quantity)
        elif self.position > 0 and fast < slow:
            self.sell(self.position)


INSTRUMENT = Instrument("X", "X", "LOCAL", AssetClass.CRYPTO, tick_size=0.0001)
SETTINGS = BacktestSection(capital=1e9)  # the anchors' cash: never a constraint


def default_anchors() -> Path:
    """``../shared/anchors`` beside the checkout (or beside the folder of worktrees)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "anchors").is_dir():
            return base / "shared" / "anchors"
    return ROOT.parent / "shared" / "anchors"


def result(name: str, value: str, unit: str, detail: str = "") -> None:
    print(f"RESULT {name} = {value} {unit}" + (f"  # {detail}" if detail else ""), flush=True)


def load_anchor(folder: Path) -> ModuleType:
    path = folder / "backtest_anchor.py"
    spec = importlib.util.spec_from_file_location("backtest_anchor", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"no anchor script at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bars_frame(anchor: ModuleType, n: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    times, o, h, low, c, v = anchor.make_bars(n)
    start = pd.DatetimeIndex(times).tz_localize("UTC").as_unit("ns").asi8
    frame = pd.DataFrame({"start": start, "open": o, "high": h, "low": low, "close": c,
                          "volume": v})  # fmt: skip
    return frame, o, c


def run_once(data: BacktestData) -> tuple[float, BacktestResult]:
    started = time.perf_counter()
    done = run_backtest(SmaLong, {}, data, config=Config(), settings=SETTINGS,
                        instruments={"X": INSTRUMENT})  # fmt: skip
    return time.perf_counter() - started, done


def run_anchor(python: str, anchors: Path, n: int) -> dict[str, str]:
    """The anchor script's RESULT lines by name (value and detail), run in a scratch folder
    (importing vnpy writes a .vntrader folder where it runs)."""
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(
            [python, str(anchors / "backtest_anchor.py"), "--bars", str(n)],
            capture_output=True, text=True, cwd=scratch, timeout=900, check=False,
        )  # fmt: skip
    if done.returncode != 0:
        print(f"# anchor failed (exit {done.returncode}): {done.stderr[-800:]}")
        return {}
    found = {}
    for line in done.stdout.splitlines():
        match = re.match(r"RESULT (\S+) = (.*)$", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def rate_of(text: str) -> float:
    return float(text.split()[0].replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bars", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--anchors", type=Path, default=default_anchors())
    parser.add_argument("--anchor-python", help="python of the venv with vnpy and backtrader")
    parser.add_argument("--opt-bars", type=int, default=50_000, help="bars per optimisation run")
    parser.add_argument("--skip-optimize", action="store_true")
    args = parser.parse_args()
    anchor = load_anchor(args.anchors)
    frame, opens, closes = bars_frame(anchor, args.bars)
    data = BacktestData({"X": frame}, "1m", SmaLong.timeframes, {"X": INSTRUMENT})
    run_once(data)  # imports and first-call costs out of the way
    walls: list[float] = []
    before = args.repeat // 2 + args.repeat % 2
    for _ in range(before):
        wall, done = run_once(data)
        walls.append(wall)
    figures = run_anchor(args.anchor_python, args.anchors, args.bars) if args.anchor_python else {}
    for _ in range(args.repeat - before):
        wall, done = run_once(data)
        walls.append(wall)
    wall = statistics.median(walls)
    ours = args.bars / wall
    result("backtest.bars_per_s", f"{ours:,.0f}", "bars/s",
           f"median of {len(walls)}: {wall * 1000:.0f} ms (min {min(walls) * 1000:.0f}, max "
           f"{max(walls) * 1000:.0f}) for {args.bars:,} 1-minute bars, statistics included; "
           f"{len(done.fills)} fills")  # fmt: skip
    reference, pnl = anchor.numpy_reference(opens, closes)
    start = frame["start"].to_numpy()
    fills = [(int(np.searchsorted(start, f.ts)), f.side.value, f.price) for f in done.fills]
    expected = [(i, side, float(opens[i])) for i, side in reference]
    same = sum(1 for a, b in zip(fills, expected, strict=False) if a == b)
    result("check.fills_equal_numpy_reference", f"{same} of {len(expected)}", "fills",
           f"we made {len(fills)}; identical: {fills == expected}; P&L "
           f"{done.stats['final_equity'] - SETTINGS.capital:.4f} vs reference {pnl:.4f}")
    for key, name in (("b.vnpy.bars_per_s", "vnpy"), ("a.backtrader.bars_per_s", "backtrader"),
                      ("n.numpy.bars_per_s", "numpy")):  # fmt: skip
        if key in figures:
            theirs = rate_of(figures[key])
            result(f"ref.{name}.bars_per_s", f"{theirs:,.0f}", "bars/s",
                   f"anchor, same run: {figures[key].split('#', 1)[-1].strip()}")  # fmt: skip
            if name != "numpy":
                goal = 3 if name == "vnpy" else 30
                result(f"backtest.vs_{name}", f"{ours / theirs:.1f}", "x", f"goal ≥ {goal}×")
    for key in ("check.vnpy_fills_equal_reference", "check.backtrader_fills_equal_reference"):
        if key in figures:
            result(f"ref.{key.removeprefix('check.')}", figures[key], "")
    if not args.skip_optimize:
        optimise(anchor, args.opt_bars)


def optimise(anchor: ModuleType, n: int) -> None:
    """A 100-combination grid (fast 5–14 × slow 20–65) on ``n`` bars: in this process, then
    on two worker processes (their start-up included)."""
    frame, _, _ = bars_frame(anchor, n)
    data = BacktestData({"X": frame}, "1m", SmaLong.timeframes, {"X": INSTRUMENT})
    config = Config(backtest=SETTINGS)
    job = OptimizationJob(StrategyRef.of(SmaLong), data, config)
    combos = combinations([ParamRange("fast", 5, 14, 1, True), ParamRange("slow", 20, 65, 5, True)])
    walls = {}
    tables = {}
    for processes in (1, 2):
        started = time.perf_counter()
        tables[processes] = run_rows(job, combos, processes=processes)
        walls[processes] = time.perf_counter() - started
    same = tables[1] == tables[2]
    result(f"optimize.{len(combos)}.wall_s.1_process", f"{walls[1]:.2f}", "s",
           f"{len(combos)} backtests of {n:,} bars, one after another in this process")
    result(f"optimize.{len(combos)}.wall_s.2_processes", f"{walls[2]:.2f}", "s",
           f"spawned workers, their start-up included; same table as in process: {same}")
    result("optimize.speedup_2_vs_1", f"{walls[1] / walls[2]:.2f}", "x",
           "2 cores shared with other work")  # fmt: skip


if __name__ == "__main__":
    main()
