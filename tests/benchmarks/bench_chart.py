#!/usr/bin/env python3
"""Candle chart benchmark, measured like ../shared/anchors/chart_anchor.py.

Offscreen Qt, 1600x900, ``grab()`` after each step, the anchor's seeded bars (same random walk,
same live sequence). For each N the whole history is visible ("all" view). The engine holds
N-1 closed bars (filled straight into its bar store: data preparation, excluded like the
anchor's BarData construction) and the N-th bar is the forming one, updated live.

Timed, in a fresh worker process per (N, repeat) so the first render and peak RSS are honest:
  load_plus_first_ms  CandleChart.set_symbol (takes the bars from the bridge as numpy blocks)
                      + show all + processEvents + grab()
  live_ms             apply_forming(new state of the last bar) + processEvents + grab(),
                      median over --updates updates
  live_cpu_ms         the same updates in CPU time of the worker (steadier when the shared
                      machine is busy; process_time has a coarse clock, read it as a median)
  peak_rss_mb         ru_maxrss of the worker (engine's bar store + chart + Qt)
Our figures are medians over --repeat workers. With the anchors venv present
(~/.venvs/anchors, see ../shared/anchors/README.md) the anchor script runs in the same run for
finplot and vnpy (vnpy only at 100k: it needs minutes beyond that); --no-anchors skips it.

Prints ``RESULT name = value unit  # detail`` lines.
Usage: bench_chart.py [--bars 100000 1000000] [--repeat 3] [--updates 100] [--no-anchors]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
ANCHOR = ROOT.parent / "shared" / "anchors" / "chart_anchor.py"
ANCHOR_PYTHON = Path.home() / ".venvs" / "anchors" / "bin" / "python"
SEED = 7
W, H = 1600, 900


def make_bars(n: int, seed: int = SEED) -> tuple:  # type: ignore[type-arg]
    """The anchor's bars (same generator calls, same values), written column by column into
    one (n, 7) block laid out like the engine's bar store, so data preparation does not
    inflate the peak RSS with temporaries."""
    import numpy as np

    rng = np.random.default_rng(seed)
    values = np.zeros((n, 7))
    close = np.cumsum(rng.normal(0.0, 1.0, n))
    close += 3000.0
    values[:, 3] = close.round(1)
    values[0, 0], values[1:, 0] = values[0, 3], values[:-1, 3]
    spread = np.abs(rng.normal(0, 0.6, n)).round(1)
    values[:, 1] = np.maximum(values[:, 0], values[:, 3]) + spread
    spread = np.abs(rng.normal(0, 0.6, n)).round(1)
    values[:, 2] = np.minimum(values[:, 0], values[:, 3]) - spread
    del close, spread
    values[:, 4] = rng.integers(10, 5000, n)
    t0 = np.datetime64("2020-01-02T09:30", "ns").astype("int64")
    return t0 + np.arange(n, dtype=np.int64) * 60_000_000_000, values


def live_sequence(k: int, o: float, h: float, low: float, c: float, v: float) -> list[tuple]:  # type: ignore[type-arg]
    import numpy as np

    rng = np.random.default_rng(SEED + 1)
    out = []
    for _ in range(k):
        c = round(c + float(rng.normal(0, 0.5)), 1)
        h, low = max(h, c), min(low, c)
        v = v + float(rng.integers(1, 50))
        out.append((o, h, low, c, v))
    return out


def worker(n: int, updates: int) -> None:
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from terminal.domain.enums import AssetClass
    from terminal.domain.instrument import Instrument
    from terminal.domain.market import Bar
    from terminal.engine.config import load_config
    from terminal.engine.engine import Engine
    from terminal.ui.bridge import EngineBridge
    from terminal.ui.chart.chart import CandleChart
    from terminal.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    theme = apply_theme(app, "dark")  # type: ignore[arg-type]
    starts, values = make_bars(n)
    engine = Engine(load_config(overrides={"feeds": [], "engine": {"persist": False}}))
    series = engine.bars.store.series("X", "1m")  # N-1 closed bars; the N-th is forming
    series.start, series.values, series.size = starts, values, n - 1  # capacity n
    series.ticks = np.zeros(n, np.int64)
    bridge = EngineBridge(engine)
    bridge.close()  # a data source only: no refresh timer firing inside the timings
    engine.instruments.update(
        {s: Instrument(s, s, "SIM", AssetClass.FUTURE, tick_size=0.1) for s in ("EMPTY", "X")}
    )
    chart = CandleChart(bridge, theme, "EMPTY", history_chunk=n)
    chart.resize(W, H)
    chart.show()
    app.processEvents()
    seq = live_sequence(updates, *(float(x) for x in values[-1, :5]))

    def forming(values: tuple) -> Bar:  # type: ignore[type-arg]
        return Bar("X", "1m", int(starts[-1]), *values)

    t0 = time.perf_counter()
    chart.set_symbol("X")
    chart.apply_forming(forming(seq[0]))
    chart.show_all()
    app.processEvents()
    pixmap = chart.grab()
    load_first = time.perf_counter() - t0
    assert chart.buffer.count == n, chart.buffer.count
    print(f"RESULT ours.N{n}.load_plus_first_ms = {load_first * 1000:.1f} ms", flush=True)
    print(f"RESULT ours.N{n}.candles_drawn = {chart.candles.last_drawn} candles  "
          f"# {pixmap.width()}x{pixmap.height()}", flush=True)
    times, cpu = [], []
    for values in seq:
        t0, c0 = time.perf_counter(), time.process_time()
        chart.apply_forming(forming(values))
        app.processEvents()
        chart.grab()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    print(f"RESULT ours.N{n}.live_ms = {statistics.median(times) * 1000:.2f} ms  "
          f"# median of {len(times)}; p95 {sorted(times)[int(0.95 * (len(times) - 1))] * 1000:.2f}",
          flush=True)
    # CPU time of this process per update: steadier than wall time on a shared, busy machine.
    print(f"RESULT ours.N{n}.live_cpu_ms = {statistics.median(cpu) * 1000:.2f} ms", flush=True)
    # Zoomed in on the last 100 bars: the detail view, same live update.
    chart.go_latest()
    app.processEvents()
    times = []
    for values in seq[: max(10, updates // 2)]:
        t0 = time.perf_counter()
        chart.apply_forming(forming(values))
        app.processEvents()
        chart.grab()
        times.append(time.perf_counter() - t0)
    median = statistics.median(times) * 1000
    print(f"RESULT ours.N{n}.last150_live_ms = {median:.2f} ms", flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"RESULT ours.N{n}.peak_rss_mb = {rss:.0f} MB", flush=True)
    chart.close()


def results(text: str) -> dict[str, float]:
    found = {}
    for line in text.splitlines():
        if line.startswith("RESULT ") and " = " in line:
            name, rest = line[7:].split(" = ", 1)
            try:
                found[name.strip()] = float(rest.split()[0])
            except (ValueError, IndexError):
                continue
    return found


def run_anchors(bars: list[int], updates: int) -> None:
    if not ANCHOR_PYTHON.exists() or not ANCHOR.exists():
        print(f"# anchors skipped: {ANCHOR_PYTHON} or {ANCHOR} missing", flush=True)
        return
    plans = [(n, ["finplot", "vnpy"] if n <= 100_000 else ["finplot"]) for n in bars]
    for n, impls in plans:
        cmd = [str(ANCHOR_PYTHON), str(ANCHOR), "--bars", str(n), "--impl", *impls,
               "--view", "all", "--updates", str(updates), "--naive-updates", "0",
               "--live-budget-s", "8"]
        with tempfile.TemporaryDirectory() as cwd:  # importing vnpy writes a .vntrader folder
            out = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=900).stdout
        for name, value in results(out).items():
            if any(name.endswith(k) for k in ("load_plus_first_ms", "live_ms", "peak_rss_mb",
                                              "error")) and "update_call" not in name:
                print(f"RESULT anchor.{name} = {value}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bars", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--updates", type=int, default=100)
    parser.add_argument("--no-anchors", action="store_true")
    parser.add_argument("--worker", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.updates)
        return 0
    for n in args.bars:
        runs: list[dict[str, float]] = []
        for _ in range(args.repeat):
            cmd = [sys.executable, __file__, "--worker", str(n), "--updates", str(args.updates)]
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            if done.returncode != 0:
                print(f"RESULT chart.all.N{n}.error = rc {done.returncode}  "
                      f"# {done.stderr.strip()[-400:]}", flush=True)
                return 1
            runs.append(results(done.stdout))
        for key, name, unit in (
            ("load_plus_first_ms", "load_plus_first_ms", "ms"),
            ("live_ms", "live_ms", "ms"),
            ("live_cpu_ms", "live_cpu_ms", "ms"),
            ("last150_live_ms", "last150_live_ms", "ms"),
            ("peak_rss_mb", "peak_rss_mb", "MB"),
        ):
            values = [r[f"ours.N{n}.{key}"] for r in runs]
            print(f"RESULT chart.all.N{n}.{name} = {statistics.median(values):.2f} {unit}  "
                  f"# median of {len(values)}: {', '.join(f'{x:g}' for x in values)}", flush=True)
    if not args.no_anchors:
        run_anchors(args.bars, min(args.updates, 30))
    return 0


if __name__ == "__main__":
    sys.exit(main())
