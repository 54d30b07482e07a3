"""The strategy manager: add, start, stop, edit and watch instances as a user would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox
from pytestqt.qtbot import QtBot

from terminal.domain.enums import PluginKind
from terminal.domain.events import AddStrategy, RemoveStrategy
from terminal.domain.market import Tick
from terminal.engine.engine import Engine
from terminal.engine.strategy import Strategy
from terminal.ui.bridge import EngineBridge
from terminal.ui.strategies.manager import StrategyManager

LEFT = Qt.MouseButton.LeftButton


class Explodes(Strategy):
    plugin_name = "explodes"
    warmup_bars = 0

    def on_tick(self, tick: Tick) -> None:
        raise RuntimeError(f"bad data at {tick.last}")


@pytest.fixture
def manager(engine: Engine, bridge: EngineBridge, qtbot: QtBot) -> Iterator[StrategyManager]:
    engine.registry.replace(PluginKind.STRATEGY, "explodes", Explodes)
    widget = StrategyManager(bridge)
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
    manager.symbols_edit.setText("ETHUSDT.BINANCE")
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
    qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=3000)
    with pytest.raises(KeyError):
        engine.strategies.get("eth-twap")


def test_an_instance_removed_elsewhere_leaves_the_table(
    manager: StrategyManager, engine: Engine, qtbot: QtBot
) -> None:
    """Removed from another window attached to the same engine: this one drops the row."""
    engine.bus.publish(AddStrategy("elsewhere", "sma_cross", "ETHUSDT.BINANCE", "paper"))
    model = manager.instances.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=3000)
    engine.bus.publish(RemoveStrategy("elsewhere"))
    qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=3000)


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


PAIR = ("BTCUSDT.BINANCE", "ETHUSDT.BINANCE")


def test_symbols_are_checked_and_completed_in_the_form(
    manager: StrategyManager, qtbot: QtBot
) -> None:
    manager.class_box.setCurrentText("pairs")
    assert manager.symbols_label.text() == "Symbols"
    assert "2 symbols" in manager.symbols_edit.toolTip()
    manager.symbols_edit.setText("BTCUSDT.BINANCE, NOPE.X")
    qtbot.mouseClick(manager.add_button, LEFT)
    assert manager.message.text() == (
        "Symbols: unknown symbol 'NOPE.X' (no feed has this instrument)"
    )
    manager.symbols_edit.setText("BTCUSDT.BINANCE")
    qtbot.mouseClick(manager.add_button, LEFT)
    assert manager.message.text() == (
        "Symbols: strategy 'pairs' trades exactly 2 symbols, got 1 (BTCUSDT.BINANCE)"
    )
    manager.symbols_edit.clear()
    manager.activateWindow()
    manager.symbols_edit.setFocus()
    qtbot.waitUntil(manager.symbols_edit.hasFocus, timeout=2000)
    qtbot.keyClicks(manager.symbols_edit, "BTCUSDT.BINANCE, ethusdt")
    popup = manager.symbols_edit.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert manager.symbols_edit.text() == "BTCUSDT.BINANCE, ETHUSDT.BINANCE"
    assert manager.symbols_edit.problem() == ""
    manager.class_box.setCurrentText("dual_ma")
    assert manager.symbols_label.text() == "Symbol"
    qtbot.mouseClick(manager.add_button, LEFT)
    assert manager.message.text() == (
        "Symbols: strategy 'dual_ma' trades exactly 1 symbol, got 2 "
        "(BTCUSDT.BINANCE, ETHUSDT.BINANCE)"
    )
    assert manager.instances.model.rowCount() == 0


def test_a_two_symbol_instance_added_from_the_form_trades_both_legs(
    manager: StrategyManager, engine: Engine, qtbot: QtBot
) -> None:
    manager.class_box.setCurrentText("pairs")
    manager.symbols_edit.clear()
    qtbot.keyClicks(manager.symbols_edit, "btcusdt.binance, ETHUSDT.BINANCE")
    qtbot.keyClicks(manager.name_edit, "pair")
    spin(manager, "window").setValue(30)
    spin(manager, "entry_z").setValue(0.1)  # enters on the first live tick, never exits
    spin(manager, "exit_z").setValue(0.0)
    spin(manager, "quantity").setValue(0.1)
    qtbot.mouseClick(manager.add_button, LEFT)
    assert manager.message.text() == ""
    model = manager.instances.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=3000)
    assert model.data(model.index(0, 2)) == ", ".join(PAIR)
    assert engine.strategies.get("pair").symbols == PAIR
    manager.instances.table.selectRow(0)
    assert [leg.symbol for leg in manager.legs.model.records()] == list(PAIR)
    qtbot.mouseClick(manager.start_button, LEFT)

    def both_legs_filled() -> bool:
        legs = model.record(0).legs
        return len(legs) == 2 and all(leg.position != 0 for leg in legs)

    qtbot.waitUntil(both_legs_filled, timeout=8000)
    orders = [o for o in engine.order_book.all() if o.origin == "strategy:pair"]
    assert {o.symbol for o in orders} == set(PAIR)
    first, second = (engine.strategies.get("pair").strategy.position_of(s) for s in PAIR)
    assert abs(first) == pytest.approx(0.1) and first * second < 0  # long one, short the other
    qtbot.waitUntil(
        lambda: model.data(model.index(0, 4)) == f"{first:g} / {second:g}", timeout=3000
    )
    qtbot.waitUntil(
        lambda: [manager.legs.model.data(manager.legs.model.index(r, 1)) for r in range(2)]
        == [f"{first:g}", f"{second:g}"],
        timeout=3000,
    )
    assert manager.legs.title.text() == "Per symbol: pair"
    pnl = sum(leg.pnl for leg in manager.legs.model.records())
    assert model.record(0).pnl == pytest.approx(pnl)
    qtbot.mouseClick(manager.stop_button, LEFT)
    qtbot.waitUntil(lambda: model.record(0).state == "stopped", timeout=3000)
    qtbot.mouseClick(manager.edit_button, LEFT)
    assert manager.symbols_edit.text() == ", ".join(PAIR) and not manager.symbols_edit.isEnabled()
