"""The strategy manager dock: add instances of discovered strategies, start and stop them."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.events import (
    AddStrategy,
    CommandRejected,
    RemoveStrategy,
    StartStrategy,
    StopStrategy,
    StrategyStateEvent,
)
from terminal.ui.bridge import EngineBridge
from terminal.ui.monitors import Monitor
from terminal.ui.record_table import Column

STRATEGY_COMMANDS = {"AddStrategy", "StartStrategy", "StopStrategy", "RemoveStrategy"}


def parse_params(text: str) -> dict[str, Any]:
    """``fast=5, slow=20`` → ``{"fast": 5, "slow": 20}`` (numbers become numbers)."""
    params: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        if "=" not in part:
            raise ValueError(f"parameter '{part}' is not of the form name=value")
        name, value = (x.strip() for x in part.split("=", 1))
        for convert in (int, float):
            try:
                params[name] = convert(value)
                break
            except ValueError:
                continue
        else:
            params[name] = value
    return params


class StrategyManager(QWidget):
    """Instances with their state; Add/Start/Stop/Remove send commands to the engine."""

    def __init__(
        self,
        bridge: EngineBridge,
        strategies: list[str],
        symbols: list[str],
        brokers: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.class_box = QComboBox()
        self.class_box.addItems(strategies)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("instance name")
        self.symbol_box = QComboBox()
        self.symbol_box.addItems(symbols)
        self.broker_box = QComboBox()
        self.broker_box.addItems(brokers)
        self.params_edit = QLineEdit()
        self.params_edit.setPlaceholderText("e.g. fast=5, slow=20, quantity=1")
        self.message = QLabel()
        self.message.setObjectName("errorLabel")
        self.message.setWordWrap(True)
        self.instances = Monitor(
            [
                Column("Instance", lambda s: s.instance),
                Column("Strategy", lambda s: s.strategy),
                Column("Symbol", lambda s: s.symbol),
                Column("State", lambda s: s.state),
                Column("Detail", lambda s: s.detail),
            ],
            key=lambda s: s.instance,
        )
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add")
        self.start_button = QPushButton("Start")
        self.stop_button = QPushButton("Stop")
        self.remove_button = QPushButton("Remove")
        for button, slot in (
            (self.add_button, self.add),
            (self.start_button, self.start_selected),
            (self.stop_button, self.stop_selected),
            (self.remove_button, self.remove_selected),
        ):
            button.clicked.connect(slot)
            buttons.addWidget(button)
        form = QFormLayout()
        form.addRow("Strategy", self.class_box)
        form.addRow("Name", self.name_edit)
        form.addRow("Symbol", self.symbol_box)
        form.addRow("Broker", self.broker_box)
        form.addRow("Parameters", self.params_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.instances, 1)
        bridge.strategies_changed.connect(self._on_states)
        bridge.command_rejected.connect(self._on_rejected)

    def add(self) -> None:
        try:
            params = parse_params(self.params_edit.text())
        except ValueError as exc:
            self.message.setText(f"Parameters: {exc}")
            return
        name = self.name_edit.text().strip() or (
            f"{self.class_box.currentText()}-{self.instances.model.rowCount() + 1}"
        )
        self.message.setText("")
        self._bridge.send(
            AddStrategy(
                name,
                self.class_box.currentText(),
                self.symbol_box.currentText(),
                self.broker_box.currentText(),
                params,
            )
        )

    def start_selected(self) -> None:
        self._for_selected(StartStrategy)

    def stop_selected(self) -> None:
        self._for_selected(StopStrategy)

    def remove_selected(self) -> None:
        name = self._selected()
        if name is not None:
            self._bridge.send(RemoveStrategy(name))
            self.instances.model.replace_all(
                [s for s in self.instances.model.records() if s.instance != name]
            )

    def _for_selected(self, command: type[StartStrategy] | type[StopStrategy]) -> None:
        name = self._selected()
        if name is None:
            self.message.setText("Select an instance first")
            return
        self._bridge.send(command(name))

    def _selected(self) -> str | None:
        index = self.instances.table.currentIndex()
        if not index.isValid():
            return None
        state: StrategyStateEvent = self.instances.model.record(index.row())
        return state.instance

    def _on_states(self, states: list[StrategyStateEvent]) -> None:
        self.instances.model.upsert(states)
        if self.instances.table.currentIndex().row() < 0 and self.instances.model.rowCount():
            self.instances.table.selectRow(0)

    def _on_rejected(self, rejected: CommandRejected) -> None:
        if rejected.command in STRATEGY_COMMANDS:
            self.message.setText(rejected.reason)
