#!/usr/bin/env python3
"""Market-watch benchmark, measured like ../shared/anchors/table_anchor.py.

Part 1 (``table``): 2,000 rows, 100,000 tick updates, the GUI loop run (``processEvents``,
where Qt repaints) every 1,000 updates, table shown at 1600x900 offscreen. Our
``MarketWatch`` takes each tick as the bridge hands it over (latest tick per symbol, then
``update_ticks`` + ``refresh`` once per batch). The reference is the anchor's plain coalesced
model (variant b: one ``dataChanged`` over the dirty row span per batch, lazy ``str()``),
measured in the same process, alternating with ours, ``--repeat`` times; medians reported.
Ticks are pre-built and excluded from the timing, as the anchor does for vnpy's TickData.
With ``--anchors`` the anchor script itself runs in its own venv for vnpy's TickMonitor.

Part 2 (``watch``): the whole main window (chart and monitors open) on the simulated feed with
5,000 generated instruments, all in the watchlist, at 20,000 ticks/s; after a warm-up, a 20 ms
heartbeat on the GUI loop measures lateness for ``--seconds`` and RSS is compared.

Prints ``RESULT name = value unit  # detail`` lines.
Usage: bench_table.py [--part table|watch|all] [--repeat 3] [--seconds 60] [--anchors]
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication, QTableView

from terminal.domain.enums import AssetClass
from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.ui.theme import THEMES, apply_theme
from terminal.ui.watch.market_watch import MarketWatch

ANCHOR = Path(__file__).resolve().parents[3] / "shared" / "anchors" / "table_anchor.py"
ANCHOR_PYTHON = Path.home() / ".venvs" / "anchors" / "bin" / "python"
SAME_TEN = [
    "symbol",
    "last",
    "change_pct",
    "volume",
    "bid",
    "bid_size",
    "ask",
    "ask_size",
    "high",
    "time",
]


def result(name: str, value: str, unit: str, detail: str = "") -> None:
    print(f"RESULT {name} = {value} {unit}{'  # ' + detail if detail else ''}", flush=True)


# ---- part 1: the table --------------------------------------------------------------------------
def make_ticks(rows: int, updates: int, seed: int) -> tuple[list[Instrument], list[Tick]]:
    """The anchor's stream: a random row per update, per-row random-walk prices and volume."""
    rng = np.random.default_rng(seed)
    which = rng.integers(0, rows, updates)
    base = rng.integers(1000, 500000, rows) / 100.0
    step = rng.choice([-0.01, 0.0, 0.01], size=updates)
    spread = rng.integers(1, 4, updates) / 100.0
    sizes = rng.integers(1, 500, (updates, 2)).astype(float)
    volume = rng.integers(0, 1_000_000, rows).astype(float)
    added = rng.geometric(0.05, updates)
    times = 1_700_000_000_000_000_000 + np.sort(rng.integers(0, 4 * 3600 * 10**9, updates))
    price, high, low = base.copy(), base.copy(), base.copy()
    instruments = [
        Instrument(f"S{r:04d}.SIM", f"Stock {r}", "SIM", AssetClass.STOCK, 0.01)
        for r in range(rows)
    ]
    ticks = []
    for k in range(updates):
        r = int(which[k])
        price[r] = round(price[r] + step[k], 2)
        volume[r] += added[k]
        high[r], low[r] = max(high[r], price[r]), min(low[r], price[r])
        last = float(price[r])
        ticks.append(
            Tick(
                symbol=instruments[r].symbol,
                ts=int(times[k]),
                last=last,
                volume=float(volume[r]),
                bid_prices=(round(last - spread[k], 2),),
                bid_sizes=(float(sizes[k, 0]),),
                ask_prices=(round(last + spread[k], 2),),
                ask_sizes=(float(sizes[k, 1]),),
                open=float(base[r]),
                high=float(high[r]),
                low=float(low[r]),
                prev_close=float(base[r]),
            )
        )
    return instruments, ticks


class PlainCoalescedModel(QAbstractTableModel):
    """The anchor's variant b: raw values in lists, ``str()`` in ``data``, one span per batch."""

    HEADERS = (
        "symbol",
        "last",
        "chg%",
        "volume",
        "bid1",
        "bidvol1",
        "ask1",
        "askvol1",
        "high",
        "time",
    )

    def __init__(self, rows: list[list[Any]]) -> None:
        super().__init__()
        self.rows = rows
        self._center = int(Qt.AlignmentFlag.AlignCenter)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self.rows[index.row()][index.column()])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._center
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


def drive(
    app: QApplication,
    count: int,
    batch: int,
    apply: Callable[[int], None],
    flush: Callable[[], None],
) -> tuple[float, list[float]]:
    """The anchor's loop: apply updates; every ``batch``, flush and let Qt repaint."""
    repaints = []
    start = time.perf_counter()
    for k in range(count):
        apply(k)
        if (k + 1) % batch == 0:
            t0 = time.perf_counter()
            flush()
            app.processEvents()
            repaints.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    flush()
    app.processEvents()
    repaints.append(time.perf_counter() - t0)
    return time.perf_counter() - start, repaints


def run_reference(
    app: QApplication, instruments: list[Instrument], ticks: list[Tick], args: argparse.Namespace
) -> tuple[float, float]:
    row_of = {i.symbol: r for r, i in enumerate(instruments)}
    rows = [[i.symbol, 0.0, 0.0, 0, 0.0, 0, 0.0, 0, 0.0, ""] for i in instruments]
    # The anchor's updates are pre-built value tuples: build them outside the timing too.
    values = [
        (
            row_of[t.symbol],
            [
                t.last,
                round((t.last / t.prev_close - 1) * 100, 2),
                t.volume,
                t.bid,
                t.bid_sizes[0],
                t.ask,
                t.ask_sizes[0],
                t.high,
                str(t.ts),
            ],
        )
        for t in ticks
    ]
    model = PlainCoalescedModel(rows)
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.resize(args.W, args.H)
    view.show()
    app.processEvents()
    span = [len(rows), -1]
    emit, index, last_column = model.dataChanged.emit, model.index, len(model.HEADERS) - 1
    display = [Qt.ItemDataRole.DisplayRole]

    def apply(k: int) -> None:
        r, update = values[k]
        rows[r][1:] = update
        if r < span[0]:
            span[0] = r
        if r > span[1]:
            span[1] = r

    def flush() -> None:
        if span[1] >= 0:
            emit(index(span[0], 0), index(span[1], last_column), display)
            span[0], span[1] = len(rows), -1

    total, repaints = drive(app, len(ticks), args.batch, apply, flush)
    view.close()
    view.deleteLater()
    app.processEvents()
    return len(ticks) / total, statistics.median(repaints) * 1000


def run_ours(
    app: QApplication,
    instruments: list[Instrument],
    ticks: list[Tick],
    args: argparse.Namespace,
    columns: list[str] | None,
) -> tuple[float, float]:
    watch = MarketWatch(
        {i.symbol: i for i in instruments}, [i.symbol for i in instruments], THEMES["dark"]
    )
    if columns:
        watch.table.show_columns(columns)
    watch.resize(args.W, args.H)
    watch.show()
    app.processEvents()
    pending: dict[str, Tick] = {}

    def apply(k: int) -> None:  # what EngineBridge._on_tick does with each tick
        tick = ticks[k]
        pending[tick.symbol] = tick

    def flush() -> None:  # what one bridge refresh does
        watch.update_ticks(pending.copy())
        pending.clear()
        watch.refresh()

    total, repaints = drive(app, len(ticks), args.batch, apply, flush)
    check_shown(watch, ticks)
    watch.close()
    watch.deleteLater()
    app.processEvents()
    return len(ticks) / total, statistics.median(repaints) * 1000


def check_shown(watch: MarketWatch, ticks: list[Tick]) -> None:
    """The benchmark must not win by showing stale numbers: the top rows show the last ticks."""
    latest = {t.symbol: t for t in ticks}
    model = watch.model
    for row in range(20):
        tick = latest.get(model.symbol_at(row))
        if tick is not None and model.text_at(row, 2) != f"{tick.last:,.2f}":
            raise SystemExit(f"row {row} shows {model.text_at(row, 2)}, last tick {tick.last}")


def run_anchor(args: argparse.Namespace) -> None:
    if not ANCHOR_PYTHON.exists() or not ANCHOR.exists():
        result("anchor.skipped", "1", "flag", f"no {ANCHOR_PYTHON} or {ANCHOR}")
        return
    with tempfile.TemporaryDirectory() as scratch:  # vnpy writes .vntrader into the cwd
        out = subprocess.run(
            [str(ANCHOR_PYTHON), str(ANCHOR), "--variants", "a1", "b", "--budget-s", "20"],
            cwd=scratch,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env={**os.environ, "HOME": scratch},
        )
    for line in out.stdout.splitlines():
        if line.startswith("RESULT ") and "updates_per_s" in line:
            print(line.replace("RESULT ", "RESULT anchor.", 1), flush=True)
    if out.returncode:
        result("anchor.failed", str(out.returncode), "exit", out.stderr.strip()[-300:])


def part_table(app: QApplication, args: argparse.Namespace) -> None:
    instruments, ticks = make_ticks(args.rows, args.updates, args.seed)
    ours10, ours_all, ref = [], [], []
    ours10_ms, ours_all_ms, ref_ms = [], [], []
    for _ in range(args.repeat):
        rate, ms = run_reference(app, instruments, ticks, args)
        ref.append(rate)
        ref_ms.append(ms)
        rate, ms = run_ours(app, instruments, ticks, args, SAME_TEN)
        ours10.append(rate)
        ours10_ms.append(ms)
        rate, ms = run_ours(app, instruments, ticks, args, None)
        ours_all.append(rate)
        ours_all_ms.append(ms)
    detail = (
        f"{args.rows} rows, {args.updates} updates, repaint every {args.batch}, "
        f"median of {args.repeat}"
    )
    result(
        "table.reference_updates_per_s",
        f"{statistics.median(ref):,.0f}",
        "upd/s",
        f"plain coalesced model, 10 columns; {detail}; runs {[round(r) for r in ref]}; "
        f"median repaint {statistics.median(ref_ms):.2f} ms",
    )
    result(
        "table.updates_per_s",
        f"{statistics.median(ours10):,.0f}",
        "upd/s",
        f"MarketWatch, the same 10 columns; {detail}; runs {[round(r) for r in ours10]}; "
        f"median repaint {statistics.median(ours10_ms):.2f} ms",
    )
    result(
        "table.speedup_vs_reference",
        f"{statistics.median(ours10) / statistics.median(ref):.2f}",
        "x",
        "target >= 2",
    )
    result(
        "table.updates_per_s_all_columns",
        f"{statistics.median(ours_all):,.0f}",
        "upd/s",
        f"MarketWatch, all 17 columns; runs {[round(r) for r in ours_all]}; "
        f"median repaint {statistics.median(ours_all_ms):.2f} ms",
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", choices=["table", "watch", "all"], default="all")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--updates", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--size", default="1600x900")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--anchors", action="store_true", help="also run the anchor (vnpy)")
    parser.add_argument("--seconds", type=float, default=60.0, help="watch part: measured time")
    parser.add_argument("--warmup", type=float, default=10.0, help="watch part: warm-up time")
    parser.add_argument("--watch-rows", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=20_000.0, help="watch part: ticks/s")
    args = parser.parse_args()
    args.W, args.H = (int(x) for x in args.size.lower().split("x"))
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    apply_theme(app, "dark")
    if args.part in ("table", "all"):
        part_table(app, args)
        if args.anchors:
            run_anchor(args)
    if args.part in ("watch", "all"):
        from tests.benchmarks.bench_watch import part_watch

        part_watch(app, args)
    result("peak_rss_mb", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", "MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
