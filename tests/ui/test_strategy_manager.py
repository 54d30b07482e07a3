"""The strategy manager: add, start and stop an instance as a user would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from terminal.domain.enums import PluginKind
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.strategy_manager import StrategyManager, parse_params


@pytest.fixture
def manager(engine: Engine, bridge: EngineBridge, qtbot: QtBot) -> Iterator[StrategyManager]:
    widget = StrategyManager(
        bridge,
        engine.registry.names(PluginKind.STRATEGY),
        sorted(engine.instruments),
        sorted(engine.brokers),
    )
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.close()


def test_add_start_stop(manager: StrategyManager, engine: Engine, qtbot: QtBot) -> None:
    manager.class_box.setCurrentText("sma_cross")
    manager.symbol_box.setCurrentText("ETHUSDT.BINANCE")
    qtbot.keyClicks(manager.name_edit, "eth-fast")
    qtbot.keyClicks(manager.params_edit, "fast=3, slow=8, quantity=0.5")
    qtbot.mouseClick(manager.add_button, Qt.MouseButton.LeftButton)
    model = manager.instances.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=3000)
    assert model.record(0).state == "stopped"
    assert engine.strategies.get("eth-fast").strategy.params.slow == 8
    manager.instances.table.selectRow(0)
    qtbot.mouseClick(manager.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.record(0).state == "running", timeout=3000)
    qtbot.mouseClick(manager.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.record(0).state == "stopped", timeout=3000)
    qtbot.mouseClick(manager.remove_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 0


def test_bad_parameters_are_explained(manager: StrategyManager, qtbot: QtBot) -> None:
    manager.class_box.setCurrentText("sma_cross")
    qtbot.keyClicks(manager.params_edit, "fast=30, slow=10")
    qtbot.mouseClick(manager.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "need 0 < fast < slow" in manager.message.text(), timeout=3000)
    manager.params_edit.setText("fast")
    qtbot.mouseClick(manager.add_button, Qt.MouseButton.LeftButton)
    assert manager.message.text() == "Parameters: parameter 'fast' is not of the form name=value"
    assert manager.instances.model.rowCount() == 0


def test_parse_params() -> None:
    assert parse_params("fast=5, slow=20.5, mode=trend") == {
        "fast": 5,
        "slow": 20.5,
        "mode": "trend",
    }
    assert parse_params("") == {}
