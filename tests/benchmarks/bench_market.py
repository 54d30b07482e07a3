"""The whole A-share market on the QQ feed (#16.8): start-up, GUI responsiveness while every
quote changes every 3 s, and symbol search, against a local server in QQ's format.

    .venv/bin/python -m tests.benchmarks.bench_market [--instruments 5500] [--rounds 3]
        [--seconds 20] [--warmup 8] [--only startup|heartbeat|search]

Prints RESULT lines (medians over --rounds, each GUI run a fresh process):

- market.startup_to_paint_s: from starting the process to the first painted main window,
  with the universe cached (``universe.json``) and all --instruments in one watchlist, the
  QQ feed subscribed to all of them by the watchlist (target 1.5 s). Reference, same run: the
  window on the default config (simulated feed, 22 instruments).
- market.heartbeat_p99_ms: the GUI loop's lateness (20 ms heartbeat, 99th percentile) while
  the server moves every quote every 3 s and the feed polls every 3 s (target 30 ms).
  Reference, same run: the same window while the answers never change (polling and parsing,
  no tick).
- market.search_ms: the "Add symbol…" box, per keystroke (search and list update), median
  and worst over the prefixes of a few queries (target 5 ms). Reference: a plain scan of
  every instrument's code and name for the query.

The server runs in its own process (``--serve``), as a vendor would.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CHARACTERS = ("浦发银行平安招商民生中国工商建设农业交通兴业光大华夏北京上海深圳天津重庆长江电力"
              "科技股份集团控股医药生物能源化工材料机械汽车地产建筑传媒通信电子软件网络信息安全"
              "环保新能源证券保险基金")  # fmt: skip
BOARDS = (("sh", 600000, 0.30), ("sh", 688000, 0.10), ("sz", 0, 0.28), ("sz", 300000, 0.26),
          ("bj", 830000, 0.06))  # fmt: skip
QUERIES = ("pfyh", "600000", "银行", "zgpa", "300", "kj")


def result(name: str, value: str, unit: str, detail: str = "") -> None:
    print(f"RESULT {name} = {value} {unit}{'  # ' + detail if detail else ''}", flush=True)


def market(count: int) -> list[tuple[str, str]]:
    """(code, name) of ``count`` instruments over the boards, 浦发银行 among them."""
    rng = random.Random(5)
    found: list[tuple[str, str]] = [("sh600000", "浦发银行")]
    for prefix, start, share in BOARDS:
        for number in range(start + 1, start + 1 + int(count * share)):
            found.append((f"{prefix}{number:06d}", "".join(rng.sample(CHARACTERS, 4))))
    return found[:count]


# ---- the vendor --------------------------------------------------------------------------
def serve(port_file: Path, moving: bool) -> None:
    """Answer QQ's ``/q=codes`` for any code; with ``moving``, every quote changes every 3 s."""
    from http.server import ThreadingHTTPServer

    from tests.local_http import QuietHandler, reply
    from tests.plugins.quote_samples import qq_payload

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            step = int(time.time() // 3) if moving else 0
            stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() + 8 * 3600))
            lines = []
            for code in self.path[3:].split(","):
                base = 5.0 + int(code[2:]) % 500
                last = round(base * (1 + 0.001 * ((step + int(code[2:])) % 7 - 3)), 2)
                lines.append(f'v_{code}="' + qq_payload(
                    code=code[2:], name="行情", last=last, high=round(base * 1.01, 2),
                    low=round(base * 0.99, 2), open_=base, prev_close=base,
                    bids=[(round(last - 0.01 * k, 2), 1000.0 * k) for k in range(1, 6)],
                    asks=[(round(last + 0.01 * k, 2), 1000.0 * k) for k in range(1, 6)],
                    lots=10_000 + step, stamp=stamp if moving else "20240102103000",
                ) + '";\n')  # fmt: skip
            reply(self, 200, "".join(lines).encode("gbk"), "text/html; charset=GBK")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.handle_error = lambda *_: None  # type: ignore[method-assign]  # a feed hanging up
    port_file.write_text(str(server.server_address[1]))
    server.serve_forever()


def start_server(scratch: Path, moving: bool) -> tuple[subprocess.Popen[bytes], str]:
    port_file = scratch / f"port-{moving}"
    argv = [sys.executable, "-m", "tests.benchmarks.bench_market", "--serve", str(port_file)]
    process = subprocess.Popen([*argv, *(["--moving"] if moving else [])], cwd=ROOT)
    while not port_file.exists() or not port_file.read_text():
        time.sleep(0.05)
    return process, f"http://127.0.0.1:{port_file.read_text()}/q="


# ---- the data folder a user would have ---------------------------------------------------
def prepare(scratch: Path, codes: list[tuple[str, str]], url: str) -> Path:
    """universe.json and one watchlist of every instrument in a data folder; a config with
    the QQ feed at ``url``. Returns the config file."""
    from terminal.adapters.universe.rules import classify, rule
    from terminal.domain.enums import ListingStatus
    from terminal.engine.universe.pinyin import initials
    from terminal.engine.universe.store import FILE_NAME, Universe, UniverseEntry
    from terminal.ui.watch.store import Watchlist, WatchlistStore, WatchState

    data = scratch / "data"
    exchanges = {"sh": "SSE", "sz": "SZSE", "bj": "BSE"}
    entries = []
    for code, name in codes:
        number, exchange = code[2:], exchanges[code[:2]]
        kind, board = classify(number, exchange)
        entries.append(UniverseEntry(
            f"{number}.{exchange}", name, kind, board, *rule(kind, board), ListingStatus.LISTED,
            initials(name),
        ))  # fmt: skip
    Universe(data / FILE_NAME).replace(entries, "benchmark", time.time_ns())
    symbols = [entry.symbol for entry in entries]
    WatchlistStore(data / "market_watch.json").save(
        WatchState(watchlists=[Watchlist("A-shares", symbols)])
    )
    config = scratch / "config.toml"
    config.write_text(
        f'[ui]\nchart_symbol = "{symbols[0]}"\n\n[[feeds]]\nname = "qq"\nplugin = "qq"\n'
        f'[feeds.options]\nurl = "{url}"\ninterval_s = 3\npoll_hours = "always"\n'
    )
    return config


def child(args: argparse.Namespace, extra: list[str]) -> dict[str, Any]:
    """Run this script as a GUI process (``--child``); its last line is a JSON report."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TERMINAL_DATA_DIR": str(args.data),
           "TERMINAL_CONFIG_DIR": str(args.data / "cfg")}  # fmt: skip
    argv = [sys.executable, "-m", "tests.benchmarks.bench_market", *extra]
    spawned = time.time()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"child {extra} failed:\n{done.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    report["spawned"] = spawned
    return report


# ---- inside the GUI process --------------------------------------------------------------
def gui(mode: str, config_file: Path | None, seconds: float, warmup: float) -> None:
    """Start the window as ``terminal`` does; report the first paint (startup), or the
    heartbeat over ``seconds`` after ``warmup`` (heartbeat), as a JSON line."""
    import asyncio

    import qasync
    from PySide6.QtCore import QEvent, QObject, QSettings
    from PySide6.QtWidgets import QApplication, QWidget

    from terminal.engine.config import load_config
    from terminal.engine.engine import Engine
    from terminal.ui.app import make_application
    from terminal.ui.bridge import EngineBridge
    from terminal.ui.heartbeat import LoopHeartbeat, freeze_startup_heap
    from terminal.ui.main_window import MainWindow

    imported = time.time()
    report: dict[str, Any] = {"imported": imported}

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            painted = event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
            if painted and "painted" not in report and isinstance(watched.window(), MainWindow):
                report["painted"] = time.time()
            return False

    async def run(app: QApplication) -> None:
        config = load_config(config_file)
        engine = Engine(config)
        await engine.start()
        report["engine_started"] = time.time()
        bridge = EngineBridge(engine, config.ui.refresh_hz)
        settings = QSettings(str(config_file or "x") + ".layout.ini", QSettings.Format.IniFormat)
        window = MainWindow(bridge, settings)
        window.resize(1600, 950)
        window.show()
        report["shown"] = time.time()
        freeze_startup_heap()
        try:
            if mode == "startup":
                while "painted" not in report:
                    await asyncio.sleep(0.001)
                return
            await asyncio.sleep(warmup)
            heartbeat = LoopHeartbeat(interval_ms=20, window=10**6)
            ticks = engine.tick_count
            heartbeat.start()
            started = time.perf_counter()
            await asyncio.sleep(seconds)
            heartbeat.stop()
            elapsed = time.perf_counter() - started
            report.update(p99=heartbeat.percentile(99), p50=heartbeat.percentile(50),
                          max=max(heartbeat.samples, default=0.0), beats=len(heartbeat.samples),
                          ticks_per_s=(engine.tick_count - ticks) / elapsed,
                          instruments=len(engine.instruments))  # fmt: skip
        finally:
            window.close()
            bridge.close()
            await engine.stop()

    app = make_application()
    watcher = FirstPaint()
    app.installEventFilter(watcher)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(run(app))
    print(json.dumps(report), flush=True)


# ---- the parts ---------------------------------------------------------------------------
def part_startup(args: argparse.Namespace, scratch: Path) -> None:
    ours, reference, stages = [], [], []
    for round_ in range(args.rounds):
        data = scratch / f"startup-{round_}"
        data.mkdir()
        server, url = start_server(data, moving=True)
        try:
            config = prepare(data, market(args.instruments), url)
            args.data = data / "data"
            report = child(args, ["--child", "startup", "--config", str(config)])
            ours.append(report["painted"] - report["spawned"])
            stages.append((report["imported"] - report["spawned"],
                           report["engine_started"] - report["imported"],
                           report["painted"] - report["engine_started"]))  # fmt: skip
            args.data = data / "default"
            report = child(args, ["--child", "startup"])
            reference.append(report["painted"] - report["spawned"])
        finally:
            server.terminate()
            server.wait()
    imports, engine, window = (statistics.median(s) for s in zip(*stages, strict=True))
    result("market.startup_to_paint_s", f"{statistics.median(ours):.2f}", "s",
           f"{args.instruments:,} instruments cached and watched, QQ feed; median of "
           f"{args.rounds} ({', '.join(f'{t:.2f}' for t in ours)}); process start to imports "
           f"{imports:.2f} s, engine start {engine:.2f} s, window to first paint {window:.2f} s; "
           f"target 1.5 s")  # fmt: skip
    result("reference.startup_default_config_s", f"{statistics.median(reference):.2f}", "s",
           "the default config's window (simulated feed), same run")


def part_heartbeat(args: argparse.Namespace, scratch: Path) -> None:
    for moving, name in ((True, "market.heartbeat"), (False, "reference.heartbeat_unchanged")):
        p99s, reports = [], []
        for round_ in range(args.rounds):
            data = scratch / f"beat-{moving}-{round_}"
            data.mkdir()
            server, url = start_server(data, moving)
            try:
                config = prepare(data, market(args.instruments), url)
                args.data = data / "data"
                report = child(args, ["--child", "heartbeat", "--config", str(config),
                                      "--seconds", str(args.seconds), "--warmup",
                                      str(args.warmup)])  # fmt: skip
            finally:
                server.terminate()
                server.wait()
            p99s.append(report["p99"])
            reports.append(report)
        middle = reports[p99s.index(statistics.median_low(p99s))]
        result(f"{name}_p99_ms", f"{statistics.median(p99s):.1f}", "ms",
               f"median of {args.rounds} ({', '.join(f'{p:.1f}' for p in p99s)}); "
               f"{middle['instruments']:,} instruments, {middle['ticks_per_s']:,.0f} ticks/s, "
               f"p50 {middle['p50']:.1f} ms, max {middle['max']:.1f} ms, {middle['beats']} beats "
               f"over {args.seconds:.0f} s after {args.warmup:.0f} s; "
               + ("target 30 ms" if moving else "answers never change: no tick"))  # fmt: skip


def part_search(args: argparse.Namespace) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from terminal.domain.enums import AssetClass
    from terminal.domain.instrument import Instrument
    from terminal.engine.universe.search import SymbolSearch
    from terminal.engine.universe.store import Universe
    from terminal.ui.app import make_application
    from terminal.ui.watch.search_box import SymbolSearchBox

    app = make_application()
    with tempfile.TemporaryDirectory() as scratch:
        prepare(Path(scratch), market(args.instruments), "http://127.0.0.1:1/q=")
        universe = Universe(Path(scratch) / "data" / "universe.json")
        universe.load()
    instruments = {f"S{n}.SIM": Instrument(f"S{n}.SIM", f"Sim {n}", "SIM", AssetClass.STOCK, 0.01)
                   for n in range(22)}  # fmt: skip
    search = SymbolSearch(universe, instruments)
    box = SymbolSearchBox(search.search)
    box.show()
    box.setFocus()
    app.processEvents()  # focus builds the index
    timings, plain = [], []
    names = [(entry.code, entry.name) for entry in universe.entries.values()]
    for _ in range(args.rounds):
        for query in QUERIES:
            for end in range(1, len(query) + 1):
                box.setText(query[:end])
                box.offer(query[:end])
                timings.append(box.search_ms)
                app.processEvents()
                started = time.perf_counter()
                _ = [code for code, name in names if query[:end] in code or query[:end] in name]
                plain.append((time.perf_counter() - started) * 1000)
    box.close()
    result("market.search_ms", f"{statistics.median(timings):.2f}", "ms",
           f"per keystroke, {len(universe):,} instruments + 22 of a feed, {len(timings)} "
           f"keystrokes; worst {max(timings):.2f} ms; target 5 ms")  # fmt: skip
    result("reference.plain_scan_ms", f"{statistics.median(plain):.2f}", "ms",
           "a scan of every code and name for the typed text, no initials, no ranking")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--instruments", type=int, default=5500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--only", choices=["startup", "heartbeat", "search"])
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--moving", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=["startup", "heartbeat"], help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.moving)
        return
    if args.child:
        gui(args.child, args.config, args.seconds, args.warmup)
        return
    with tempfile.TemporaryDirectory() as scratch:
        if args.only in (None, "search"):
            part_search(args)
        if args.only in (None, "startup"):
            part_startup(args, Path(scratch))
        if args.only in (None, "heartbeat"):
            part_heartbeat(args, Path(scratch))


if __name__ == "__main__":
    main()
