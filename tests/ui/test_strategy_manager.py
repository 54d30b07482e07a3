"""The strategy manager: add, start, stop, edit and watch instances as a user would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox
from pytestqt.qtbot import QtBot

from terminal.domain.enums import PluginKind
from terminal.domain.market import Tick
from terminal.engine.engine import Engine
from terminal.engine.strategy import Strategy
from terminal.ui.bridge import EngineBridge
from terminal.ui.strategy_manager import StrategyManager

LEFT = Qt.MouseButton.LeftButton


class Explodes(Strategy):
    plugin_name = "explodes"
    warmup_bars = 0

    def on_tick(self, tick: Tick) -> None:
        raise RuntimeError(f"bad data at {tick.last}")


@pytest.fixture
def manager(engine: Engine, bridge: EngineBridge, qtbot: QtBot) -> Iterator[StrategyManager]:
    engine.registry.replace(PluginKind.STRATEGY, "explodes", Explodes)
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


def spin(manager: StrategyManager, name: str) -> QSpinBox | QDoubleSpinBox:
    editor = manager.params_form.editors[name]
    assert isinstance(editor, QSpinBox | QDoubleSpinBox)
    return editor


def test_the_form_follows_the_strategy_class(manager: StrategyManager) -> None:
    manager.class_box.setCurrentText("twap")
    editors = list(manager.params_form.editors)
    assert editors == ["side", "quantity", "slices", "interval_s", "limit"]
    assert spin(manager, "slices").value() == 10  # the Params default
    manager.class_box.setCurrentText("sma_cross")
    assert list(manager.params_form.editors) == ["fast", "slow", "quantity"]


def test_start_from_the_manager_and_see_orders_appear(
    manager: StrategyManager, engine: Engine, qtbot: QtBot
) -> None:
    manager.class_box.setCurrentText("twap")
    manager.symbol_box.setCurrentText("ETHUSDT.BINANCE")
    qtbot.keyClicks(manager.name_edit, "eth-twap")
    spin(manager, "quantity").setValue(3.0)
    spin(manager, "slices").setValue(3)
    spin(manager, "interval_s").setValue(0.05)
    qtbot.mouseClick(manager.add_button, LEFT)
    model = manager.instances.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=3000)
    assert model.record(0).state == "stopped"
    assert engine.strategies.get("eth-twap").strategy.params.slices == 3
    manager.instances.table.selectRow(0)
    qtbot.mouseClick(manager.start_button, LEFT)
    qtbot.waitUntil(lambda: model.record(0).state == "running", timeout=3000)
    qtbot.waitUntil(lambda: model.record(0).orders == 3 and model.record(0).position == 3,
                    timeout=5000)
    orders = [o for o in engine.order_book.all() if o.origin == "strategy:eth-twap"]
    assert [o.note for o in orders] == [f"TWAP slice {n}/3 of 3" for n in (1, 2, 3)]
    qtbot.waitUntil(lambda: "all 3 slices sent" in manager.log_view.toPlainText(), timeout=3000)
    text = manager.instances.model.data(manager.instances.model.index(0, 6))
    assert text == "3 (0 working)"
    qtbot.mouseClick(manager.stop_button, LEFT)
    qtbot.waitUntil(lambda: model.record(0).state == "stopped", timeout=3000)
    qtbot.mouseClick(manager.remove_button, LEFT)
    assert model.rowCount() == 0
    with pytest.raises(KeyError):
        engine.strategies.get("eth-twap")


def test_bad_parameters_are_explained_before_sending(
    manager: StrategyManager, qtbot: QtBot
) -> None:
    manager.class_box.setCurrentText("sma_cross")
    spin(manager, "fast").setValue(30)
    spin(manager, "slow").setValue(10)
    qtbot.mouseClick(manager.add_button, LEFT)
    assert "need 0 < fast < slow, got fast=30, slow=10" in manager.message.text()
    manager.class_box.setCurrentText("twap")
    spin(manager, "quantity").setValue(-2)
    qtbot.mouseClick(manager.add_button, LEFT)
    assert manager.message.text() == (
        "Parameters: quantity must be positive, got -2.0"
    )
    manager.params_form.set_values({"quantity": 2, "side": "sell"})
    line = manager.params_form.editors["side"]
    assert manager.params_form.values()["side"] == "sell" and line.isEnabled()
    assert manager.instances.model.rowCount() == 0


def test_start_all_stop_all_and_edit_when_stopped(
    manager: StrategyManager, engine: Engine, qtbot: QtBot
) -> None:
    manager.class_box.setCurrentText("sma_cross")
    for name in ("a", "b"):
        manager.name_edit.setText(name)
        qtbot.mouseClick(manager.add_button, LEFT)
    model = manager.instances.model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=3000)
    qtbot.mouseClick(manager.start_all_button, LEFT)
    qtbot.waitUntil(lambda: {s.state for s in model.records()} == {"running"}, timeout=3000)
    shown = [manager.instances.record_at(row).instance for row in range(2)]
    manager.instances.table.selectRow(shown.index("a"))
    qtbot.mouseClick(manager.edit_button, LEFT)
    assert manager.message.text() == "Stop a before editing it"
    qtbot.mouseClick(manager.stop_all_button, LEFT)
    qtbot.waitUntil(lambda: {s.state for s in model.records()} == {"stopped"}, timeout=3000)
    qtbot.mouseClick(manager.edit_button, LEFT)
    assert manager.editing == "a" and not manager.add_button.isEnabled()
    spin(manager, "slow").setValue(30)
    qtbot.mouseClick(manager.save_button, LEFT)
    assert engine.strategies.get("a").strategy.params.slow == 30
    assert engine.strategies.get("b").strategy.params.slow == 20
    assert manager.editing is None and manager.add_button.isEnabled()


def test_an_error_stops_the_instance_and_says_so(
    manager: StrategyManager, engine: Engine, qtbot: QtBot
) -> None:
    manager.class_box.setCurrentText("explodes")
    manager.name_edit.setText("boom")
    qtbot.mouseClick(manager.add_button, LEFT)
    model = manager.instances.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=3000)
    manager.instances.table.selectRow(0)
    qtbot.mouseClick(manager.start_button, LEFT)
    qtbot.waitUntil(lambda: model.record(0).state == "error", timeout=5000)
    assert manager.message.text().startswith("Strategy boom stopped by an error: RuntimeError:")
    qtbot.waitUntil(lambda: "Traceback" in manager.log_view.toPlainText(), timeout=3000)
    assert engine.running  # the app goes on
