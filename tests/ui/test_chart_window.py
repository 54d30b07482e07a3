"""Several charts in the main window, each on its own symbol and timeframe, live together."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow


@pytest.fixture
def window(
    engine: Engine, bridge: EngineBridge, settings: QSettings, qtbot: QtBot
) -> Iterator[MainWindow]:
    window = MainWindow(engine, bridge, settings)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()


def test_new_chart_docks_each_follow_their_own_symbol_and_timeframe(
    window: MainWindow, engine: Engine, qtbot: QtBot
) -> None:
    window.new_chart_action.trigger()
    dock = window.new_chart("600519.SSE", "5m")
    first, second = window.extra_charts
    assert first.symbol == window.chart.symbol and first.timeframe == "1m"
    assert (second.symbol, second.timeframe) == ("600519.SSE", "5m")
    assert dock.windowTitle() == "Chart · 600519.SSE 5m"
    assert "5m" in engine.bars.subscriptions("600519.SSE")
    first.set_timeframe("15m")
    qtbot.waitUntil(lambda: first.buffer.forming is not None, timeout=8000)
    assert first.buffer.forming[0] % (15 * 60_000_000_000) == 0  # a 15-minute bar
    assert window.chart.timeframe == "1m"  # the others keep theirs
    window.set_theme("light")
    assert second.theme.name == "light"
    dock.close()
    qtbot.waitUntil(lambda: len(window.extra_charts) == 1, timeout=2000)
