"""The strategy manager dock: add, edit, start and stop strategy instances, and watch them.

The parameter form is generated from the chosen strategy's ``Params`` struct and validated
before anything is sent, as are the symbols (one, or several for a multi-symbol strategy,
the primary first); the engine validates again and a refusal is shown here. The table shows
each instance's state, position, P&L, orders and chosen variables; below it, the selected
instance's position, last price and P&L per symbol, and its log. The form sits on the left,
the instances on the right: the dock lives in the wide bottom area.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
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
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.enums import StrategyState
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
from terminal.ui import formatting as fmt
from terminal.ui import layouts
from terminal.ui.backtest.dialog import BacktestDialog, open_backtest
from terminal.ui.bridge import EngineBridge
from terminal.ui.dock_window import scrollable
from terminal.ui.formatting import PriceDecimals
from terminal.ui.i18n import names, translate
from terminal.ui.monitors.blotters import Monitor
from terminal.ui.monitors.record_table import Column
from terminal.ui.strategies.legs import StrategyLegsView
from terminal.ui.strategies.params_form import ParamsForm
from terminal.ui.strategies.symbols_edit import SymbolsEdit

log = logging.getLogger("terminal.ui.strategies")

STRATEGY_COMMANDS = {
    "AddStrategy",
    "StartStrategy",
    "StopStrategy",
    "RemoveStrategy",
    "EditStrategy",
    "ReloadStrategy",
}
FORM_WIDTH = 260  # the form column's least width (its fields scroll, never sideways)
SNAPSHOT_EVERY = 5  # refreshes between two reads of positions, P&L and variables


def _variables(state: StrategyStateEvent) -> str:
    return ", ".join(f"{k}={v}" for k, v in state.variables.items())


def _pnl(state: StrategyStateEvent) -> float:
    return state.pnl


def _positions(state: StrategyStateEvent) -> str:
    """The position, or one per symbol in the order of the Symbols column."""
    if len(state.legs) > 1:
        return " / ".join(fmt.amount(leg.position) for leg in state.legs)
    return fmt.amount(state.position)


def _symbols_hint(cls: Any) -> str:
    if getattr(cls, "max_symbols", 1) == 1 or not hasattr(cls, "symbols_wanted"):
        return translate("StrategyManager", "One symbol")
    wanted = cls.symbols_wanted()
    return translate(
        "StrategyManager", "{wanted}, comma separated; the first is the primary"
    ).format(wanted=f"{wanted[0].upper()}{wanted[1:]}")


class StrategyManager(QWidget):
    """Instances with their state; buttons send commands to the engine. The strategy classes,
    symbols and brokers offered are those the bridge lists."""

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._refreshes = 0
        self.editing: str | None = None
        self.class_box = QComboBox()
        self.class_box.addItems(bridge.strategy_names())
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("instance name"))
        self.symbols_edit = SymbolsEdit(bridge.symbols())
        self.symbols_label = QLabel(self.tr("Symbol"))
        self.broker_box = QComboBox()
        self.broker_box.addItems(bridge.broker_names())
        self.warmup = QSpinBox()
        self.warmup.setRange(-1, 100_000)
        self.warmup.setSpecialValueText(self.tr("class default"))
        self.warmup.setValue(-1)
        self.auto_start = QCheckBox(self.tr("Auto-start"))
        self.auto_start.setToolTip(self.tr("Start again after a restart if it was running"))
        self.params_form = ParamsForm(NoOptions)
        self._params_holder = QVBoxLayout()
        self._params_holder.addWidget(self.params_form)
        self.message = QLabel()
        self.message.setObjectName("errorLabel")
        self.message.setWordWrap(True)
        self.instances = Monitor(
            [
                Column(self.tr("Instance"), lambda s: s.instance),
                Column(self.tr("Strategy"), lambda s: s.strategy),
                Column(self.tr("Symbols"), lambda s: ", ".join(s.symbols)),
                Column(self.tr("State"), lambda s: names.name(s.state)),
                Column(
                    self.tr("Position"), _positions, numeric=True, sort_key=lambda s: s.position
                ),
                Column(self.tr("P&L"), lambda s: fmt.money(s.pnl), numeric=True, sort_key=_pnl),
                Column(
                    self.tr("Orders"),
                    lambda s: self.tr("{orders} ({working} working)").format(
                        orders=s.orders, working=s.working
                    ),
                    numeric=True,
                ),
                Column(self.tr("Variables"), _variables),
                Column(self.tr("Detail"), lambda s: s.detail),
            ],
            key=lambda s: s.instance,
        )
        self.legs = StrategyLegsView(PriceDecimals(bridge.instrument))
        self.log_view = QPlainTextEdit()
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(500)
        self._shown_log: tuple[str, int] = ("", 0)
        self._build_layout()
        self.class_box.currentTextChanged.connect(self._on_class)
        self._on_class(self.class_box.currentText())
        self.instances.table.selectionModel().currentRowChanged.connect(
            lambda *_: self._refresh_selected()
        )
        bridge.strategies_changed.connect(self._on_states)
        bridge.command_rejected.connect(self._on_rejected)
        bridge.refreshed.connect(self._on_refresh)

    def _build_layout(self) -> None:
        """The form on the left (it scrolls on its own); the instances take the rest, with
        the selected one's symbols and log below: the table is what is watched."""
        self.add_button = self._button(self.tr("Add"), self.add)
        self.save_button = self._button(self.tr("Save edit"), self.save_edit)
        self.save_button.setEnabled(False)
        self.reload_button = self._button(self.tr("Reload code"), self.reload)
        self.backtest_button = self._button(self.tr("Backtest…"), self.backtest)
        self.backtest_button.setToolTip(
            self.tr("Test this class and these parameters on history first")
        )
        self.start_button = self._button(
            self.tr("Start"), lambda: self._for_selected(StartStrategy)
        )
        self.stop_button = self._button(self.tr("Stop"), lambda: self._for_selected(StopStrategy))
        self.edit_button = self._button(self.tr("Edit"), self.edit_selected)
        self.remove_button = self._button(self.tr("Remove"), self.remove_selected)
        self.start_all_button = self._button(self.tr("Start all"), self.start_all)
        self.stop_all_button = self._button(self.tr("Stop all"), self.stop_all)

        form = QFormLayout()
        form.addRow(self.tr("Strategy"), self.class_box)
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.symbols_label, self.symbols_edit)
        form.addRow(self.tr("Broker"), self.broker_box)
        form.addRow(self.tr("Warm-up bars"), self.warmup)
        form.addRow("", self.auto_start)
        form_panel = QWidget()
        form_layout = QVBoxLayout(form_panel)
        form_layout.setContentsMargins(0, 0, 4, 0)
        form_layout.addLayout(form)
        form_layout.addLayout(self._params_holder)
        form_layout.addStretch(1)
        # The fields scroll; the buttons and the message stay below them, in sight in a low
        # dock (a laptop's bottom row of tabs).
        form_scroll = scrollable(form_panel)
        form_scroll.setMinimumWidth(max(form_scroll.minimumWidth(), FORM_WIDTH))
        form_column = QWidget()
        column_layout = QVBoxLayout(form_column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.addWidget(form_scroll, 1)
        buttons = _row(self.add_button, self.save_button, self.reload_button, self.backtest_button)
        column_layout.addLayout(buttons)
        column_layout.addWidget(self.message)

        log_box = QWidget()
        log_layout = QVBoxLayout(log_box)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_layout.addWidget(QLabel(self.tr("Log (selected)")))
        log_layout.addWidget(self.log_view)
        details = QSplitter(Qt.Orientation.Horizontal)
        details.setChildrenCollapsible(False)
        details.addWidget(self.legs)
        details.addWidget(log_box)
        details.setStretchFactor(1, 1)
        details.setSizes([420, 600])
        lower = QSplitter(Qt.Orientation.Vertical)
        lower.setChildrenCollapsible(False)
        self.instances.setMinimumHeight(90)  # its filter, the header and a row or two
        self.log_view.setMinimumHeight(60)
        details_scroll = scrollable(details)  # scrolls in a low dock rather than push it up
        details_scroll.setMinimumHeight(24)
        lower.addWidget(self.instances)
        lower.addWidget(details_scroll)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        instances_panel = QWidget()
        instances_layout = QVBoxLayout(instances_panel)
        instances_layout.setContentsMargins(4, 0, 0, 0)
        actions = _row(self.start_button, self.stop_button, self.edit_button,
                       self.remove_button)  # fmt: skip
        actions.addStretch(1)
        actions.addWidget(self.start_all_button)
        actions.addWidget(self.stop_all_button)
        self._actions, self._form_column = actions, form_column
        instances_layout.addLayout(actions)
        instances_layout.addWidget(lower, 1)

        split = layouts.side_by_side(form_column, instances_panel, (340, 1000), collapsible=False)
        layouts.column(split, owner=self, margins=4)

    def watch_only(self, note: str) -> None:
        """Instances, symbols and logs without the form and command buttons, and ``note``
        saying why (a replay, whose strategies follow its journal)."""
        self._form_column.hide()
        buttons = (self.start_button, self.stop_button, self.edit_button, self.remove_button)
        for button in (*buttons, self.start_all_button, self.stop_all_button):
            button.hide()
        self._actions.insertWidget(0, QLabel(note))

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda *_: slot())
        return button

    # ---- the form ---------------------------------------------------------------------------
    def _on_class(self, name: str) -> None:
        cls = self._bridge.strategy_class(name)
        params_type = getattr(cls, "Params", NoOptions)
        self._params_holder.removeWidget(self.params_form)
        self.params_form.deleteLater()
        self.params_form = ParamsForm(params_type)
        self._params_holder.addWidget(self.params_form)
        hint = _symbols_hint(cls)
        several = getattr(cls, "max_symbols", 1) != 1
        self.symbols_label.setText(self.tr("Symbols") if several else self.tr("Symbol"))
        self.symbols_edit.setToolTip(hint)
        self.symbols_label.setToolTip(hint)

    def _strategy_class(self) -> Any:
        return self._bridge.strategy_class(self.class_box.currentText())

    def _refuse(self, problem: str) -> None:
        self.message.setText(problem)
        log.warning("strategy form: %s", problem)

    def add(self) -> None:
        problem = self.params_form.check() or self.symbols_edit.problem()
        symbols = self.symbols_edit.symbols()
        check = getattr(self._strategy_class(), "symbols_problem", None)
        if not problem and check is not None and check(symbols):
            problem = self.tr("Symbols: {problem}").format(problem=check(symbols))
        if problem:
            self._refuse(problem)
            return
        name = self.name_edit.text().strip() or (
            f"{self.class_box.currentText()}-{self.instances.model.rowCount() + 1}"
        )
        self.message.setText("")
        self._bridge.send(
            AddStrategy(
                name,
                self.class_box.currentText(),
                symbols[0],
                self.broker_box.currentText(),
                self.params_form.values(),
                self.warmup.value(),
                self.auto_start.isChecked(),
                symbols=symbols if len(symbols) > 1 else [],
            )
        )

    def edit_selected(self) -> None:
        state = self._selected()
        if state is None:
            self.message.setText(self.tr("Select an instance first"))
            return
        if state.state.is_active:
            self.message.setText(
                self.tr("Stop {instance} before editing it").format(instance=state.instance)
            )
            return
        self.class_box.setCurrentText(state.strategy)
        self.symbols_edit.setText(", ".join(state.symbols))
        self.params_form.set_values(dict(state.params))
        self.warmup.setValue(state.warmup)
        self.name_edit.setText(state.instance)
        self._set_editing(state.instance)
        self.message.setText(
            self.tr("Editing {instance}: change parameters, then Save edit").format(
                instance=state.instance)
        )

    def save_edit(self) -> None:
        if self.editing is None:
            return
        problem = self.params_form.check()
        if problem:
            self._refuse(problem)
            return
        self._bridge.send(
            EditStrategy(self.editing, self.params_form.values(), self.warmup.value())
        )
        self.message.setText("")
        self._set_editing(None)

    def _set_editing(self, name: str | None) -> None:
        self.editing = name
        for widget in (self.class_box, self.name_edit, self.symbols_edit, self.broker_box):
            widget.setEnabled(name is None)
        self.add_button.setEnabled(name is None)
        self.save_button.setEnabled(name is not None)

    def backtest(self) -> BacktestDialog:
        """The strategy tester, set up with this form's class, parameters and symbols."""
        return open_backtest(self, self._bridge, self.class_box.currentText(),
                             self.params_form.values(), self.symbols_edit.symbols())  # fmt: skip

    def reload(self) -> None:
        # Said first: a refusal (bad source file) arrives synchronously and replaces it.
        self.message.setText(
            self.tr("Reloaded {strategy}: stopped instances run the new code").format(
                strategy=self.class_box.currentText())
        )
        self._bridge.send(ReloadStrategy(self.class_box.currentText()))
        self._on_class(self.class_box.currentText())

    # ---- instances ------------------------------------------------------------------------
    def start_all(self) -> None:
        for state in self.instances.model.records():
            if not state.state.is_active:
                self._bridge.send(StartStrategy(state.instance))

    def stop_all(self) -> None:
        for state in self.instances.model.records():
            if state.state.is_active:
                self._bridge.send(StopStrategy(state.instance))

    def remove_selected(self) -> None:
        state = self._selected()
        if state is not None:
            # The row goes when the engine says the instance is removed (as in every other
            # window): a refused or undelivered removal leaves it where it is.
            self._bridge.send(RemoveStrategy(state.instance))

    def _for_selected(self, command: type[StartStrategy] | type[StopStrategy]) -> None:
        state = self._selected()
        if state is None:
            self.message.setText(self.tr("Select an instance first"))
            return
        self._bridge.send(command(state.instance))

    def _selected(self) -> StrategyStateEvent | None:
        index = self.instances.table.currentIndex()
        if not index.isValid():
            return None
        state: StrategyStateEvent = self.instances.record_at(index.row())
        return state

    def _on_states(self, states: list[StrategyStateEvent]) -> None:
        removed = {state.instance for state in states if state.state is StrategyState.REMOVED}
        if removed:  # by this window or another one attached to the engine
            kept = [s for s in self.instances.model.records() if s.instance not in removed]
            self.instances.model.replace_all(kept)
            states = [state for state in states if state.state is not StrategyState.REMOVED]
        self.instances.model.upsert(states)
        if self.instances.table.currentIndex().row() < 0 and self.instances.model.rowCount():
            self.instances.table.selectRow(0)
        for state in states:
            if state.state is StrategyState.ERROR:
                self.message.setText(
                    self.tr("Strategy {instance} stopped by an error: {detail} (its log has "
                            "the traceback)").format(instance=state.instance, detail=state.detail)
                )
        self._refresh_selected()

    def _on_refresh(self) -> None:
        self._refreshes += 1
        if self._refreshes % SNAPSHOT_EVERY == 0 and self.instances.model.rowCount():
            self.instances.model.upsert(self._bridge.strategy_snapshots())
            self._refresh_selected()

    def _refresh_selected(self) -> None:
        self.legs.show_state(self._selected())
        self._refresh_log()

    def _refresh_log(self) -> None:
        state = self._selected()
        if state is None:
            return
        lines = self._bridge.strategy_log(state.instance)
        if lines is None:
            return
        shown = (state.instance, len(lines) and id(lines[-1]))
        if shown == self._shown_log:
            return
        self._shown_log = shown
        self.log_view.setPlainText("\n".join(f"{line.level:<7} {line.message}" for line in lines))
        self.log_view.verticalScrollBar().setValue(self.log_view.verticalScrollBar().maximum())

    def _on_rejected(self, rejected: CommandRejected) -> None:
        if rejected.command in STRATEGY_COMMANDS:
            self.message.setText(rejected.reason)


def _row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    return row
