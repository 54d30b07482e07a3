"""A window over an engine without feeds whose quotes the test makes by hand: one symbol with
bar history, the paper broker, records kept in the test's data folder (a restart finds them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from terminal.domain.market import Tick
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow
from tests.ui.chart_helpers import history_frame, instruments

SYMBOL = "AAA.SIM"


def desk_engine(run_async: Callable[..., Any], brokers: list[dict[str, Any]] | None = None,
                **ui: Any) -> Engine:  # fmt: skip
    """Started; ``brokers`` besides the paper broker; ``ui``: [ui] settings."""
    paper = {"name": "paper", "plugin": "paper", "options": {"commission_rate": 0.0}}
    config = load_config(overrides={
        "feeds": [], "brokers": [paper, *(brokers or [])], "watchlist": [SYMBOL],
        "ui": {"chart_symbol": SYMBOL, "alert_sound": True, **ui},
    })  # fmt: skip
    engine = Engine(config)
    engine.instruments.update(instruments())
    engine.bars.store.merge(history_frame(SYMBOL, 200))
    run_async(engine.start())
    return engine


def quote(engine: Engine, *lasts: float, symbol: str = SYMBOL) -> None:
    """Quotes straight onto the engine's bus, in order: last, bid a cent under, ask a cent over."""
    for last in lasts:
        engine.bus.publish(Tick(symbol, engine.clock.now_ns(), last, 1.0,
                                bid_prices=(round(last - 0.01, 2),), bid_sizes=(1e6,),
                                ask_prices=(round(last + 0.01, 2),), ask_sizes=(1e6,)))  # fmt: skip


def open_window(engine: Engine, settings: QSettings, qtbot: QtBot) -> MainWindow:
    bridge = EngineBridge(engine, refresh_hz=30)
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


def close_window(window: MainWindow) -> None:
    window.close()
    window.bridge.close()
