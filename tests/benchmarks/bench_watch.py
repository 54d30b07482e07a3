"""Part 2 of bench_table.py: the whole window on a fast simulated feed, heartbeat and memory.

5,000 generated instruments (all in the watchlist), the feed at ``--rate`` ticks/s, the chart
and monitors open. After ``--warmup`` seconds, a 20 ms heartbeat on the GUI loop records how
late each beat fires for ``--seconds``; RSS is read at the end of the warm-up and at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.heartbeat import LoopHeartbeat, freeze_startup_heap
from terminal.ui.main_window import MainWindow


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def write_instruments(path: Path, count: int) -> list[str]:
    lines, symbols = [], []
    for n in range(count):
        symbol = f"G{n:04d}.SIM"
        symbols.append(symbol)
        lines += [
            "[[instrument]]",
            f'symbol = "{symbol}"',
            f'name = "Generated {n}"',
            'exchange = "SIM"',
            'asset_class = "stock"',
            "tick_size = 0.01",
            f"price = {10 + n % 500}.0",
            "",
        ]
    path.write_text("\n".join(lines))
    return symbols


def part_watch(app: QApplication, args: argparse.Namespace) -> None:
    from tests.benchmarks.bench_table import result

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["TERMINAL_DATA_DIR"] = str(Path(scratch) / "data")
        symbols = write_instruments(Path(scratch) / "instruments.toml", args.watch_rows)
        options = {
            "rate": args.rate,
            "interval_ms": 10,
            "seed": 5,
            "instruments_file": str(Path(scratch) / "instruments.toml"),
            "history_bars": 200,
        }
        config = load_config(
            overrides={
                "feeds": [{"name": "sim", "plugin": "simulated", "options": options}],
                "watchlist": symbols,
                "ui": {"chart_symbol": symbols[0]},
            }
        )
        settings = QSettings(str(Path(scratch) / "layout.ini"), QSettings.Format.IniFormat)
        app.setQuitOnLastWindowClosed(False)  # closing the window must not stop the loop
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            loop.run_until_complete(_run(app, config, settings, args, result))


async def _run(app, config, settings, args, result) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(config)
    await engine.start()
    bridge = EngineBridge(engine, config.ui.refresh_hz)
    window = MainWindow(bridge, settings)
    window.resize(1600, 950)
    window.show()
    freeze_startup_heap()  # as the app does once its window is up
    heartbeat = LoopHeartbeat(interval_ms=20, window=10**6)
    try:
        await asyncio.sleep(args.warmup)
        rss_start, ticks_start = rss_mb(), engine.tick_count
        conflated_start = engine.conflator.conflated
        heartbeat.start()
        started = time.perf_counter()
        await asyncio.sleep(args.seconds)
        elapsed = time.perf_counter() - started
        heartbeat.stop()
        rss_end = rss_mb()
        published = (engine.tick_count - ticks_start) / elapsed
        feed = engine.feeds["sim"]
        sent = getattr(feed, "ticks_sent", 0)
        detail = (
            f"{args.watch_rows} rows, feed at {args.rate:,.0f} ticks/s asked; "
            f"{len(heartbeat.samples)} beats over {elapsed:.0f} s after {args.warmup:.0f} s warm-up"
        )
        result("watch.heartbeat_p99_ms", f"{heartbeat.percentile(99):.1f}", "ms", detail)
        result("watch.heartbeat_p50_ms", f"{heartbeat.percentile(50):.1f}", "ms")
        result("watch.heartbeat_max_ms", f"{max(heartbeat.samples, default=0):.1f}", "ms")
        result(
            "watch.rss_growth_mb",
            f"{rss_end - rss_start:.1f}",
            "MB",
            f"{rss_start:.0f} MB after warm-up, {rss_end:.0f} MB at the end",
        )
        result(
            "watch.ticks_published_per_s",
            f"{published:,.0f}",
            "ticks/s",
            f"feed produced {sent:,} in total",
        )
        result(
            "watch.ticks_conflated",
            f"{engine.conflator.conflated - conflated_start:,}",
            "ticks",
            "quotes shed by the conflator during the measured time",
        )
    finally:
        window.close()
        bridge.close()
        await engine.stop()
        window.deleteLater()
