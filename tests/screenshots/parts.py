"""The docs' screenshots of each part in both languages: ``python -m tests.screenshots.parts
docs/img`` writes <part>-en.png and <part>-zh_CN.png (chart with drawings and order lines,
alerts, P&L, backtest report, strategy manager) from the default engine (simulated feed,
paper broker) in scratch data folders, offscreen."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PARTS = ("chart", "alerts", "pnl", "backtest-report", "strategies")
SETTLE_S = 4.0  # live ticks for the watch, the chart and the P&L samples


async def _shoot(language: str, folder: Path) -> None:
    from PySide6.QtCore import QPointF, QSettings
    from PySide6.QtWidgets import QApplication, QDockWidget

    from plugins.strategies.sma_cross import SmaCross
    from terminal.domain.enums import OrderType, Side
    from terminal.domain.events import AddStrategy, StartStrategy, SubmitOrder
    from terminal.domain.market_alerts import AddAlert, Alert
    from terminal.domain.orders import OrderRequest
    from terminal.engine.config import load_config
    from terminal.engine.engine import Engine
    from terminal.ui.backtest.docks import show_in_dock
    from terminal.ui.backtest.report import BacktestReport
    from terminal.ui.bridge import EngineBridge
    from terminal.ui.chart.drawing_store import DrawingKind
    from terminal.ui.i18n import install_language
    from terminal.ui.main_window import MainWindow
    from terminal.ui.theme import apply_theme, up_is_red
    from tests.engine.backtest.helpers import DAY_NS, frame, run, walk

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    install_language(app, "zh_CN" if language == "zh_CN" else "en")
    apply_theme(app, "dark", up_is_red("auto", language))
    config = load_config()
    engine = Engine(config)
    bridge = EngineBridge(engine, config.ui.refresh_hz)
    await engine.start()
    window = MainWindow(bridge, QSettings(str(folder / "layout.ini"), QSettings.Format.IniFormat))
    window.resize(1366, 768)
    window.show()
    try:
        await asyncio.sleep(SETTLE_S)
        symbol = window.chart.symbol
        last = bridge.latest(symbol).last
        quantity = 1 if last > 1000 else 100  # within the default risk limit's notional
        for n, (side, price) in enumerate(((Side.BUY, last * 0.995), (Side.SELL, last * 1.005))):
            limit = round(price, 2)
            request = OrderRequest("paper", symbol, side, quantity, OrderType.LIMIT, limit)
            bridge.send(SubmitOrder(f"shot-{n}", request))
        bridge.send(SubmitOrder("shot-m", OrderRequest("paper", symbol, Side.BUY, quantity)))
        bridge.send(AddStrategy("sma-1", "sma_cross", symbol, "paper", {}))
        bridge.send(StartStrategy("sma-1"))
        bridge.send(AddAlert(Alert(symbol=symbol, price=round(last * 1.003, 2))))
        await asyncio.sleep(SETTLE_S)
        bridge.flush()
        pane = window.chart.panes()[0]
        (x0, x1), (y0, y1) = pane.viewRange()
        at = lambda fx, fy: QPointF(x0 + fx * (x1 - x0), y0 + fy * (y1 - y0))  # noqa: E731
        window.chart.drawings.place(DrawingKind.TREND, [at(0.2, 0.3), at(0.6, 0.7)])
        window.chart.drawings.place(DrawingKind.FIB, [at(0.65, 0.2), at(0.8, 0.8)])
        await asyncio.sleep(0.5)
        for part, dock in (("chart", "chart"), ("alerts", "alerts"), ("pnl", "pnl"),
                           ("strategies", "strategies")):  # fmt: skip
            shown = window.docks[dock]
            shown.raise_()
            await asyncio.sleep(0.3)
            widget = window if part == "chart" else shown
            widget.grab().save(str(OUT / f"{part}-{language}.png"))
        result = run(SmaCross, frame(walk(400, seed=4), step=DAY_NS), capital=2_000.0,
                     params={"fast": 3, "slow": 8})  # fmt: skip
        dock = show_in_dock(window, "backtest", BacktestReport(result, bridge))
        if isinstance(dock, QDockWidget):
            dock.setFloating(True)  # at the report's own size, in the window's theme
        dock.resize(1366, 768)
        await asyncio.sleep(0.5)
        dock.grab().save(str(OUT / f"backtest-report-{language}.png"))
    finally:
        window.close()
        bridge.close()
        await engine.stop()


OUT = Path("docs/img")


def shoot(language: str, out: Path) -> None:
    """One language's screenshots, in this process (the Qt application is per process)."""
    global OUT
    OUT = out.resolve()
    import qasync

    from terminal.ui.app import make_application

    app = make_application()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["TERMINAL_CONFIG_DIR"] = str(Path(scratch) / "config")
        os.environ["TERMINAL_DATA_DIR"] = str(Path(scratch) / "data")
        loop = qasync.QEventLoop(app)
        with loop:
            loop.run_until_complete(_shoot(language, Path(scratch)))


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/img")
    out.mkdir(parents=True, exist_ok=True)
    if len(argv) > 1:
        shoot(argv[1], out)
        return 0
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    for language in ("en", "zh_CN"):
        subprocess.run([sys.executable, "-m", "tests.screenshots.parts", str(out), language],
                       check=True, env=env)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
