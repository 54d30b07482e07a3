"""The docs' screenshots of each part in both languages: ``python -m tests.screenshots.parts
docs/img`` writes <part>-en.png and <part>-zh_CN.png (chart with drawings and order lines,
alerts, P&L, backtest report, strategy manager, price ladder) from the default engine
(simulated feed, paper broker) in scratch data folders, offscreen."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDockWidget

    from terminal.ui.bridge import EngineBridge
    from terminal.ui.main_window import MainWindow

PARTS = ("chart", "alerts", "pnl", "backtest-report", "strategies", "ladder")
SETTLE_S = 4.0  # live ticks for the watch, the chart and the P&L samples


async def _shoot(language: str, folder: Path) -> None:
    from PySide6.QtCore import QPointF, QSettings
    from PySide6.QtWidgets import QApplication, QDockWidget, QSplitter

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
    from terminal.ui.strategies.legs import StrategyLegsView
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
        bridge.send(AddStrategy("sma-1", "sma_cross", symbol, "paper", {}))
        bridge.send(StartStrategy("sma-1"))
        bridge.send(AddAlert(Alert(symbol=symbol, price=round(last * 1.003, 2))))
        await _trade_for_the_pnl(bridge, symbol, quantity)
        bridge.flush()
        pane = window.chart.panes()[0]
        (x0, x1), (y0, y1) = pane.viewRange()
        at = lambda fx, fy: QPointF(x0 + fx * (x1 - x0), y0 + fy * (y1 - y0))  # noqa: E731
        window.chart.drawings.place(DrawingKind.TREND, [at(0.2, 0.3), at(0.6, 0.7)])
        window.chart.drawings.place(DrawingKind.FIB, [at(0.65, 0.2), at(0.8, 0.8)])
        await asyncio.sleep(0.5)
        window.grab().save(str(OUT / f"chart-{language}.png"))
        await _grab_dock(window.docks["alerts"], f"alerts-{language}", None)
        # The low row's tabs are too small to read these: each floated at a useful size.
        await _grab_dock(window.docks["pnl"], f"pnl-{language}", (900, 460))
        legs = window.docks["strategies"].findChild(StrategyLegsView)
        assert legs is not None
        beside = legs.parentWidget()
        if isinstance(beside, QSplitter):  # every column of the per-symbol table in sight
            width = legs.table.horizontalHeader().length() + 2 * legs.table.frameWidth()
            beside.setSizes([width, max(300, beside.width() - width)])
        await _grab_dock(window.docks["strategies"], f"strategies-{language}", (1366, 600))
        await _shoot_ladder(window, bridge, f"ladder-{language}")
        result = run(SmaCross, frame(walk(400, seed=4), step=DAY_NS), capital=2_000.0,
                     params={"fast": 3, "slow": 8, "quantity": 90})  # fmt: skip
        dock = show_in_dock(window, "backtest", BacktestReport(result, bridge))
        assert isinstance(dock, QDockWidget)
        await _grab_dock(dock, f"backtest-report-{language}", (1366, 768))
    finally:
        window.close()
        bridge.close()
        await engine.stop()


OUT = Path("docs/img")
LADDER_SYMBOL = "rb2605.SHFE"
TRADES = (1, 1, -1, 1, -2, 1)  # market orders, in units of the quantity, a few seconds apart
TRADE_EVERY_S = 2.5


async def _trade_for_the_pnl(bridge: EngineBridge, symbol: str, quantity: float) -> None:
    """Buys and sells at the market a few seconds apart: realised P&L steps on each sale and
    the unrealised moves between (the recorder samples at most once a second)."""
    from terminal.domain.enums import Side
    from terminal.domain.events import SubmitOrder
    from terminal.domain.orders import OrderRequest

    for n, lots in enumerate(TRADES):
        side = Side.BUY if lots > 0 else Side.SELL
        request = OrderRequest("paper", symbol, side, abs(lots) * quantity)
        bridge.send(SubmitOrder(f"shot-m{n}", request))
        await asyncio.sleep(TRADE_EVERY_S)


async def _shoot_ladder(window: MainWindow, bridge: EngineBridge, name: str) -> None:
    """The ladder on a future whose five levels a side show row by row (Auto: a tick a row),
    two buys resting at one price and a sell (a future: no T+1 rule against selling)."""
    from terminal.domain.enums import OrderType, Side
    from terminal.domain.events import SubmitOrder
    from terminal.domain.orders import OrderRequest

    window.ladder.set_symbol(LADDER_SYMBOL)
    window.ladder.broker_box.setCurrentText("paper")
    tick, instrument = bridge.latest(LADDER_SYMBOL), bridge.instrument(LADDER_SYMBOL)
    assert tick is not None and instrument is not None
    step = instrument.tick_size
    for n, (side, price) in enumerate(((Side.BUY, tick.bid - 4 * step),
                                       (Side.BUY, tick.bid - 4 * step),
                                       (Side.SELL, tick.ask + 5 * step))):  # fmt: skip
        limit = round(price, instrument.price_decimals)
        request = OrderRequest("paper", LADDER_SYMBOL, side, n + 1, OrderType.LIMIT, limit)
        bridge.send(SubmitOrder(f"shot-l{n}", request))
    await asyncio.sleep(1.0)
    await _grab_dock(window.docks["ladder"], name, (440, 660))


async def _grab_dock(dock: QDockWidget, name: str, size: tuple[int, int] | None) -> None:
    """``dock`` as OUT/<name>.png: where it is, or floated at ``size`` then put back."""
    if size is not None:
        dock.setFloating(True)
        dock.resize(*size)
    dock.show()
    dock.raise_()
    await asyncio.sleep(0.6)
    dock.grab().save(str(OUT / f"{name}.png"))
    if size is not None:
        dock.setFloating(False)


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
