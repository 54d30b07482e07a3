"""The strategy manager dock: add, edit, start and stop strategy instances, and watch them.

The parameter form is generated from the chosen strategy's ``Params`` struct and validated
before anything is sent; the engine validates again and a refusal is shown here. The table
shows each instance's state, position, P&L, orders and chosen variables; below it, the log of
the selected instance.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.enums import PluginKind
from terminal.domain.events import (
    AddStrategy,
    CommandRejected,
    EditStrategy,
    ReloadStrategy,
    RemoveStrategy,
    StartStrategy,
    StopStrategy,
    StrategyStateEvent,
)
from terminal.engine.feed import NoOptions
from terminal.ui.bridge import EngineBridge
from terminal.ui.monitors import Monitor
from terminal.ui.params_form import ParamsForm
from terminal.ui.record_table import Column

STRATEGY_COMMANDS = {
    "AddStrategy", "StartStrategy", "StopStrategy", "RemoveStrategy", "EditStrategy",
    "ReloadStrategy",
}
SNAPSHOT_EVERY = 5  # refreshes between two reads of positions, P&L and variables
ACTIVE = ("running", "warming up")


def _variables(state: StrategyStateEvent) -> str:
    return ", ".join(f"{k}={v}" for k, v in state.variables.items())


class StrategyManager(QWidget):
    """Instances with their state; buttons send commands to the engine."""

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
        self._refreshes = 0
        self.editing: str | None = None
        self.class_box = QComboBox()
        self.class_box.addItems(strategies)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("instance name")
        self.symbol_box = QComboBox()
        self.symbol_box.addItems(symbols)
        self.broker_box = QComboBox()
        self.broker_box.addItems(brokers)
        self.warmup = QSpinBox()
        self.warmup.setRange(-1, 100_000)
        self.warmup.setSpecialValueText("class default")
        self.warmup.setValue(-1)
        self.auto_start = QCheckBox("Auto-start")
        self.auto_start.setToolTip("Start again after a restart if it was running")
        self.params_form = ParamsForm(NoOptions)
        self._params_holder = QVBoxLayout()
        self._params_holder.addWidget(self.params_form)
        self.message = QLabel()
        self.message.setObjectName("errorLabel")
        self.message.setWordWrap(True)
        self.instances = Monitor(
            [
                Column("Instance", lambda s: s.instance),
                Column("Strategy", lambda s: s.strategy),
                Column("Symbol", lambda s: s.symbol),
                Column("State", lambda s: s.state),
                Column("Position", lambda s: f"{s.position:g}", numeric=True),
                Column("P&L", lambda s: f"{s.pnl:,.2f}", numeric=True),
                Column("Orders", lambda s: f"{s.orders} ({s.working} working)", numeric=True),
                Column("Variables", _variables),
                Column("Detail", lambda s: s.detail),
            ],
            key=lambda s: s.instance,
        )
        self.log_view = QPlainTextEdit()
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(500)
        self._shown_log: tuple[str, int] = ("", 0)
        self._build_layout()
        self.class_box.currentTextChanged.connect(self._on_class)
        self._on_class(self.class_box.currentText())
        self.instances.table.selectionModel().currentRowChanged.connect(
            lambda *_: self._refresh_log()
        )
        bridge.strategies_changed.connect(self._on_states)
        bridge.command_rejected.connect(self._on_rejected)
        bridge.refreshed.connect(self._on_refresh)

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.addRow("Strategy", self.class_box)
        form.addRow("Name", self.name_edit)
        form.addRow("Symbol", self.symbol_box)
        form.addRow("Broker", self.broker_box)
        form.addRow("Warm-up bars", self.warmup)
        form.addRow("", self.auto_start)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(self._params_holder)
        self.add_button = self._button("Add", self.add)
        self.save_button = self._button("Save edit", self.save_edit)
        self.save_button.setEnabled(False)
        self.reload_button = self._button("Reload code", self.reload)
        self.start_button = self._button("Start", lambda: self._for_selected(StartStrategy))
        self.stop_button = self._button("Stop", lambda: self._for_selected(StopStrategy))
        self.edit_button = self._button("Edit", self.edit_selected)
        self.remove_button = self._button("Remove", self.remove_selected)
        self.start_all_button = self._button("Start all", self.start_all)
        self.stop_all_button = self._button("Stop all", self.stop_all)
        for row in (
            (self.add_button, self.save_button, self.reload_button),
            (self.start_button, self.stop_button, self.edit_button, self.remove_button),
            (self.start_all_button, self.stop_all_button),
        ):
            buttons = QHBoxLayout()
            for button in row:
                buttons.addWidget(button)
            layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.instances, 2)
        layout.addWidget(QLabel("Log (selected)"))
        layout.addWidget(self.log_view, 1)

    def _button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda *_: slot())
        return button

    # ---- the form ---------------------------------------------------------------------------
    def _on_class(self, name: str) -> None:
        cls = self._bridge.engine.registry.get(PluginKind.STRATEGY, name) if name else None
        params_type = getattr(cls, "Params", NoOptions)
        self._params_holder.removeWidget(self.params_form)
        self.params_form.deleteLater()
        self.params_form = ParamsForm(params_type)
        self._params_holder.addWidget(self.params_form)

    def add(self) -> None:
        problem = self.params_form.check()
        if problem:
            self.message.setText(problem)
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
                self.params_form.values(),
                self.warmup.value(),
                self.auto_start.isChecked(),
            )
        )

    def edit_selected(self) -> None:
        state = self._selected()
        if state is None:
            self.message.setText("Select an instance first")
            return
        if state.state in ACTIVE:
            self.message.setText(f"Stop {state.instance} before editing it")
            return
        self.class_box.setCurrentText(state.strategy)
        self.params_form.set_values(dict(state.params))
        self.warmup.setValue(state.warmup)
        self.name_edit.setText(state.instance)
        self._set_editing(state.instance)
        self.message.setText(f"Editing {state.instance}: change parameters, then Save edit")

    def save_edit(self) -> None:
        if self.editing is None:
            return
        problem = self.params_form.check()
        if problem:
            self.message.setText(problem)
            return
        self._bridge.send(
            EditStrategy(self.editing, self.params_form.values(), self.warmup.value())
        )
        self.message.setText("")
        self._set_editing(None)

    def _set_editing(self, name: str | None) -> None:
        self.editing = name
        for widget in (self.class_box, self.name_edit, self.symbol_box, self.broker_box):
            widget.setEnabled(name is None)
        self.add_button.setEnabled(name is None)
        self.save_button.setEnabled(name is not None)

    def reload(self) -> None:
        # Said first: a refusal (bad source file) arrives synchronously and replaces it.
        self.message.setText(
            f"Reloaded {self.class_box.currentText()}: stopped instances run the new code"
        )
        self._bridge.send(ReloadStrategy(self.class_box.currentText()))
        self._on_class(self.class_box.currentText())

    # ---- instances ------------------------------------------------------------------------
    def start_all(self) -> None:
        for state in self.instances.model.records():
            if state.state not in ACTIVE:
                self._bridge.send(StartStrategy(state.instance))

    def stop_all(self) -> None:
        for state in self.instances.model.records():
            if state.state in ACTIVE:
                self._bridge.send(StopStrategy(state.instance))

    def remove_selected(self) -> None:
        state = self._selected()
        if state is not None:
            self._bridge.send(RemoveStrategy(state.instance))
            self.instances.model.replace_all(
                [s for s in self.instances.model.records() if s.instance != state.instance]
            )

    def _for_selected(self, command: type[StartStrategy] | type[StopStrategy]) -> None:
        state = self._selected()
        if state is None:
            self.message.setText("Select an instance first")
            return
        self._bridge.send(command(state.instance))

    def _selected(self) -> StrategyStateEvent | None:
        index = self.instances.table.currentIndex()
        if not index.isValid():
            return None
        state: StrategyStateEvent = self.instances.record_at(index.row())
        return state

    def _on_states(self, states: list[StrategyStateEvent]) -> None:
        self.instances.model.upsert(states)
        if self.instances.table.currentIndex().row() < 0 and self.instances.model.rowCount():
            self.instances.table.selectRow(0)
        for state in states:
            if state.state == "error":
                self.message.setText(
                    f"Strategy {state.instance} stopped by an error: {state.detail} (its log "
                    f"has the traceback)"
                )
        self._refresh_log()

    def _on_refresh(self) -> None:
        self._refreshes += 1
        if self._refreshes % SNAPSHOT_EVERY == 0 and self.instances.model.rowCount():
            self.instances.model.upsert(self._bridge.engine.strategies.snapshots())
            self._refresh_log()

    def _refresh_log(self) -> None:
        state = self._selected()
        if state is None:
            return
        try:
            lines = self._bridge.engine.strategies.get(state.instance).log_lines
        except KeyError:
            return
        shown = (state.instance, len(lines) and id(lines[-1]))
        if shown == self._shown_log:
            return
        self._shown_log = shown
        self.log_view.setPlainText(
            "\n".join(f"{line.level:<7} {line.message}" for line in lines)
        )
        self.log_view.verticalScrollBar().setValue(self.log_view.verticalScrollBar().maximum())

    def _on_rejected(self, rejected: CommandRejected) -> None:
        if rejected.command in STRATEGY_COMMANDS:
            self.message.setText(rejected.reason)
