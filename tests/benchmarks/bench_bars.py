#!/usr/bin/env python3
"""Benchmark: ticks → bars, live (one Tick at a time) and batch (arrays), beside references.

Data has the shape of ``../shared/anchors/bars_anchor.py`` (1M ticks, 50 symbols, cumulative
day volume, session from 09:30 Asia/Shanghai, fixed seed). Every figure is the median of
``--repeat`` runs. References measured in the same run:
  * the anchor's dict aggregator (imported from ``--anchors``) on tuples, in this process;
  * pandas ``resample`` on the whole batch, as the anchor does it;
  * vnpy's ``BarGenerator``, by running the anchor script with ``--anchor-python`` (vnpy pins
    an older PySide6, so it lives in its own venv; see ../shared/anchors/README.md).

    .venv/bin/python tests/benchmarks/bench_bars.py \
        --anchor-python ~/.venvs/anchors/bin/python

Prints one ``RESULT name = value unit`` line per figure.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from terminal.domain.market import Tick  # noqa: E402
from terminal.engine.bars.batch import TickArrays, build_bars  # noqa: E402
from terminal.engine.bars.streaming import StreamingBars  # noqa: E402
from terminal.engine.sessions import load_sessions, session_calendar  # noqa: E402

SIX = ("1m", "5m", "15m", "30m", "1h", "1d")


def result(name: str, value: str, unit: str, detail: str = "") -> None:
    print(f"RESULT {name} = {value} {unit}" + (f"  # {detail}" if detail else ""), flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def make_ticks(n: int, n_sym: int, rate: float, seed: int) -> TickArrays:
    """Ticks shaped like the anchor's: exponential arrivals, random walks, cumulative volume."""
    rng = np.random.default_rng(seed)
    t_us = np.cumsum(rng.exponential(1e6 / (rate * n_sym), size=n)).astype(np.int64)
    codes = rng.integers(0, n_sym, size=n).astype(np.int32)
    step = rng.choice(np.array([-1, 0, 1], dtype=np.int64), size=n, p=[0.3, 0.4, 0.3])
    base = rng.integers(1000, 100000, size=n_sym).astype(np.int64)
    trade = rng.geometric(0.05, size=n).astype(np.int64)
    pre_volume = rng.integers(0, 1_000_000, size=n_sym).astype(np.int64)
    price = np.empty(n, np.int64)
    volume = np.empty(n, np.int64)
    for s in range(n_sym):
        rows = np.flatnonzero(codes == s)
        price[rows] = np.maximum(base[s] + np.cumsum(step[rows]), 1)
        volume[rows] = pre_volume[s] + np.cumsum(trade[rows])
    epoch0_us = int(pd.Timestamp("2024-01-02 09:30", tz="Asia/Shanghai").timestamp()) * 1_000_000
    last = price / 100.0
    cum = volume.astype(np.float64)
    return TickArrays(
        symbols=[f"S{i:03d}" for i in range(n_sym)],
        codes=codes,
        ts=(t_us + epoch0_us) * 1000,
        last=last,
        volume=cum,
        turnover=cum * last,
        open_interest=np.zeros(n),
    )


def median_rate(n: int, runs: int, once: Callable[[], float]) -> tuple[float, list[float]]:
    seconds = [once() for _ in range(runs)]
    return n / statistics.median(seconds), seconds


def time_live(ticks: list[Tick], symbols: list[str], timeframes: tuple[str, ...]) -> float:
    calendar = session_calendar(load_sessions()["cn_stock"])
    bars: list[Any] = []
    builder = StreamingBars(lambda _s: calendar, lambda bar, _c: bars.append(bar),
                            default_timeframes=timeframes)
    for symbol in symbols:
        builder.subscribe(symbol, timeframes[0])
    on_tick = builder.on_tick
    gc.collect()
    started = time.perf_counter()
    for tick in ticks:
        on_tick(tick)
    elapsed = time.perf_counter() - started
    builder.flush()
    return elapsed


def time_batch(arrays: TickArrays, timeframes: tuple[str, ...]) -> float:
    calendar = session_calendar(load_sessions()["cn_stock"])
    gc.collect()
    started = time.perf_counter()
    build_bars(arrays, calendar, timeframes)
    return time.perf_counter() - started


def measure_live(arrays: TickArrays, repeat: int) -> float:
    """Live figures on pre-built Tick structs; returns the 1m rate."""
    n = len(arrays)
    ticks = arrays.to_ticks()  # decoding is a feed's job: excluded, as the anchor does
    result("bars.rss_with_tick_objects_mb", f"{peak_rss_mb():.0f}", "MB",
           "after building 1M Tick structs for the live path")
    rate_1m, runs = median_rate(n, repeat, lambda: time_live(ticks, arrays.symbols, ("1m",)))
    result("bars.live_1m_ticks_per_s", f"{rate_1m:,.0f}", "ticks/s",
           f"runs {', '.join(f'{s * 1e3:.0f}' for s in runs)} ms")
    rate_6, _ = median_rate(n, repeat, lambda: time_live(ticks, arrays.symbols, SIX))
    result("bars.live_6tf_ticks_per_s", f"{rate_6:,.0f}", "ticks/s", ",".join(SIX))
    return rate_1m


PROBE_EVERY_TICKS = 1_000  # ~1,000 probes/s at this path's speed: 50× what run() arms


def time_engine_path(ticks: list[Tick], metrics: bool) -> float:
    """The engine's live path: conflator → bus → latest tick + 1m bars (CPU seconds).

    Metrics add nothing per tick; what they add is latency probes, armed here every
    ``PROBE_EVERY_TICKS`` ticks, far more often than the engine's 20 a second."""
    from terminal.engine.config import load_config
    from terminal.engine.engine import Engine
    from terminal.engine.plugins.registry import PluginRegistry

    config = load_config(overrides={"engine": {"persist": False}, "feeds": [], "brokers": []})
    engine = Engine(config, PluginRegistry())
    submit, arm = engine.conflator.submit, engine.metrics.arm_probe
    chunks = [ticks[i : i + PROBE_EVERY_TICKS] for i in range(0, len(ticks), PROBE_EVERY_TICKS)]
    gc.collect()
    started = time.process_time()  # CPU time: other processes on the shared cores add less
    for chunk in chunks:
        if metrics:
            arm()
        for tick in chunk:
            submit(tick)
    elapsed = time.process_time() - started
    assert engine.tick_count == len(ticks)
    probes = engine.metrics.latency["tick_to_strategy"].total_count
    assert probes == (len(chunks) if metrics else 0)
    return elapsed


def measure_metrics_overhead(arrays: TickArrays, repeat: int, per_run: int = 200_000) -> None:
    """Metrics on the tick path against the same path without them: short runs in adjacent
    pairs (order alternating), CPU time; the overhead compares the medians, and the spread of
    the pairs' ratios shows how much the shared machine swung."""
    ticks = arrays.to_ticks()[:per_run]
    time_engine_path(ticks[:10_000], True)  # warm imports and calendars
    plain: list[float] = []
    measured: list[float] = []
    for i in range(4 * repeat):
        for metrics in ((False, True) if i % 2 else (True, False)):
            (measured if metrics else plain).append(time_engine_path(ticks, metrics))
    ratios = [m / p for m, p in zip(measured, plain, strict=True)]
    quartiles = statistics.quantiles(ratios, n=4)
    n = len(ticks)
    result("bars.engine_path_ticks_per_s", f"{n / statistics.median(plain):,.0f}", "ticks/s",
           "conflator → bus → latest + 1m bars, without metrics (reference), CPU time")
    result("bars.engine_path_metrics_ticks_per_s", f"{n / statistics.median(measured):,.0f}",
           "ticks/s", f"same path, a latency probe every {PROBE_EVERY_TICKS:,} ticks")
    overhead = statistics.median(measured) / statistics.median(plain) - 1
    result("metrics.tick_path_overhead_pct", f"{overhead * 100:.1f}", "%",
           f"medians of {len(plain)} runs each, alternating; paired ratios: median "
           f"{(statistics.median(ratios) - 1) * 100:.1f}, quartiles "
           f"{(quartiles[0] - 1) * 100:.1f} … {(quartiles[2] - 1) * 100:.1f}; target < 5")


def load_anchor(folder: Path) -> ModuleType | None:
    path = folder / "bars_anchor.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("bars_anchor", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def time_dict_reference(anchor: ModuleType, arrays: TickArrays) -> float:
    names = arrays.symbols
    tuples = list(zip((arrays.ts // 1000).tolist(), [names[c] for c in arrays.codes.tolist()],
                      arrays.last.tolist(), arrays.volume.tolist(), strict=True))
    bars: list[Any] = []
    aggregator = anchor.StreamAgg(lambda sym, b: bars.append((sym, *b)))
    update = aggregator.update
    gc.collect()
    started = time.perf_counter()
    for item in tuples:
        update(item)
    return time.perf_counter() - started


def time_pandas_reference(arrays: TickArrays) -> float:
    gc.collect()
    started = time.perf_counter()
    frame = pd.DataFrame({
        "ts": pd.to_datetime(arrays.ts, unit="ns", utc=True).tz_convert("Asia/Shanghai"),
        "sym": pd.Categorical.from_codes(arrays.codes, categories=pd.Index(arrays.symbols)),
        "price": arrays.last,
        "cumvol": arrays.volume,
    })
    frame["dv"] = frame.groupby("sym", observed=True)["cumvol"].diff().fillna(0.0).clip(lower=0.0)
    grouped = frame.set_index("ts").groupby("sym", observed=True)
    ohlc = grouped["price"].resample("1min").ohlc()
    ohlc.assign(volume=grouped["dv"].resample("1min").sum()).dropna(subset=["open"])
    return time.perf_counter() - started


def run_vnpy_anchor(python: str, anchors: Path, n: int, n_sym: int, seed: int) -> dict[str, float]:
    """Run the anchor script in its own venv; return its ticks/s figures by name."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory() as cwd:  # vnpy writes a .vntrader folder into the cwd
        done = subprocess.run(
            [python, str(anchors / "bars_anchor.py"), "--ticks", str(n), "--symbols", str(n_sym),
             "--seed", str(seed)],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False,
        )
    figures = {}
    for line in done.stdout.splitlines():
        match = re.match(r"RESULT (\S+) = ([\d,.]+) ticks/s", line)
        if match:
            figures[match.group(1)] = float(match.group(2).replace(",", ""))
    if done.returncode != 0 or not figures:
        print(f"# vnpy anchor failed (exit {done.returncode}): {done.stderr[-500:]}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ticks", type=int, default=1_000_000)
    parser.add_argument("--symbols", type=int, default=50)
    parser.add_argument("--rate", type=float, default=10.0, help="mean ticks/s per symbol")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--anchors", type=Path, default=ROOT.parent / "shared" / "anchors")
    parser.add_argument("--anchor-python", help="python of the venv with vnpy (runs the anchor)")
    args = parser.parse_args()
    n = args.ticks

    arrays = make_ticks(n, args.symbols, args.rate, args.seed)
    span_min = (arrays.ts[-1] - arrays.ts[0]) / 60e9
    result("bars.data", f"{n}", "ticks", f"{args.symbols} symbols, {span_min:.1f} min, "
           f"seed {args.seed}, median of {args.repeat}")
    time_batch(arrays, ("1m",))  # warm the calendar and numpy
    rate, runs = median_rate(n, args.repeat, lambda: time_batch(arrays, ("1m",)))
    result("bars.batch_ticks_per_s", f"{rate:,.0f}", "ticks/s",
           f"1m; runs {', '.join(f'{s * 1e3:.0f}' for s in runs)} ms")
    rate, _ = median_rate(n, args.repeat, lambda: time_batch(arrays, SIX))
    result("bars.batch_6tf_ticks_per_s", f"{rate:,.0f}", "ticks/s", ",".join(SIX))
    result("bars.peak_rss_mb", f"{peak_rss_mb():.0f}", "MB",
           "peak RSS after the batch path: 1M ticks held as numpy arrays")

    rate_1m = measure_live(arrays, args.repeat)
    gc.collect()
    measure_metrics_overhead(arrays, args.repeat)
    gc.collect()

    anchor = load_anchor(args.anchors)
    if anchor is None:
        print(f"# no anchor script in {args.anchors}: dict reference skipped")
    else:
        rate, _ = median_rate(n, args.repeat, lambda: time_dict_reference(anchor, arrays))
        result("ref.dict_stream_ticks_per_s", f"{rate:,.0f}", "ticks/s",
               "anchor's StreamAgg on tuples, clock minutes, no sessions")
    rate, _ = median_rate(n, max(1, args.repeat // 2), lambda: time_pandas_reference(arrays))
    result("ref.pandas_resample_ticks_per_s", f"{rate:,.0f}", "ticks/s", "anchor's formulation")
    if args.anchor_python:
        figures = run_vnpy_anchor(args.anchor_python, args.anchors, n, args.symbols, args.seed)
        vnpy = figures.get("a.vnpy.BarGenerator")
        if vnpy:
            result("ref.vnpy_BarGenerator_ticks_per_s", f"{vnpy:,.0f}", "ticks/s",
                   "anchor script in its own venv, same data, single run")
            result("bars.live_1m_vs_vnpy", f"{rate_1m / vnpy:.2f}", "x", "target >= 3")
    result("bars.peak_rss_end_mb", f"{peak_rss_mb():.0f}", "MB", "whole run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
