"""The dialog that adds an alert or edits one: symbol, condition and its values, re-arming,
mail and a note. What cannot be watched is named in the dialog, which stays open; what is
accepted goes to the engine as ``AddAlert`` or ``ModifyAlert``."""

from __future__ import annotations

import inspect
import logging

import msgspec
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from terminal.domain.market_alerts import (
    AddAlert,
    Alert,
    AlertCondition,
    AlertDirection,
    AlertField,
    IndicatorLine,
    ModifyAlert,
)
from terminal.engine.alerts.rules import alert_problem, overlay_kinds
from terminal.engine.indicators import INDICATORS
from terminal.ui.alerts.book import condition_names, direction_names, field_name
from terminal.ui.bridge import EngineBridge
from terminal.ui.chart.chart import TIMEFRAMES
from terminal.ui.chart.indicator_dialog import line_name, parameter_editor, parameter_name
from terminal.ui.dialogs import ok_cancel
from terminal.ui.symbol_box import symbol_box

log = logging.getLogger("terminal.ui")


class AlertDialog(QDialog):
    """Adds ``alert`` (no id yet) or edits it (an alert the engine has)."""

    def __init__(
        self, bridge: EngineBridge, alert: Alert, error_color: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._bridge, self._alert = bridge, alert
        self.editing = bool(alert.alert_id)
        self.setWindowTitle(self.tr("Edit alert") if self.editing else self.tr("New alert"))
        self.form = form = QFormLayout(self)
        self.symbol = symbol_box(bridge.symbols())
        self.symbol.setCurrentText(alert.symbol)
        self.symbol.setEnabled(not self.editing)  # another symbol is another alert
        self.condition = QComboBox()
        for condition, name in condition_names().items():
            self.condition.addItem(name, condition)
        self.field = QComboBox()
        for field in AlertField:
            self.field.addItem(field_name(field), field)
        self.direction = QComboBox()
        self.price = QDoubleSpinBox()
        self.price.setRange(0.0, 1e9)
        self.percent = QDoubleSpinBox()
        self.percent.setRange(0.01, 1000.0)
        self.percent.setSuffix(" %")
        self.timeframe = QComboBox()
        self.timeframe.addItems(TIMEFRAMES)
        self.indicator = QComboBox()
        self.indicator.addItems(overlay_kinds())
        self.line = QComboBox()
        self.params_row = QWidget()
        self.params_layout = QHBoxLayout(self.params_row)
        self.params_layout.setContentsMargins(0, 0, 0, 0)
        self.params: dict[str, QSpinBox | QDoubleSpinBox] = {}
        self.rearm = QCheckBox(self.tr("Re-arm after it fires (once the condition has cleared)"))
        self.mail = QComboBox()
        self.mail.addItem(self.tr("No mail"), "")
        for broker in bridge.broker_names(plugin="mail"):
            self.mail.addItem(self.tr("Mail through {broker}").format(broker=broker), broker)
        self.note = QLineEdit()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {error_color}")
        rows = [
            (self.tr("Symbol"), self.symbol), (self.tr("Condition"), self.condition),
            (self.tr("Quote"), self.field), (self.tr("When it"), self.direction),
            (self.tr("Price"), self.price), (self.tr("Percent"), self.percent),
            (self.tr("Timeframe"), self.timeframe), (self.tr("Indicator"), self.indicator),
            (self.tr("Parameters"), self.params_row), (self.tr("Line"), self.line),
            (self.tr("Mail"), self.mail), (self.tr("Note"), self.note),
        ]  # fmt: skip
        for label, editor in rows:
            form.addRow(label, editor)
        form.addRow(self.rearm)
        form.addRow(self.error)
        form.addRow(ok_cancel(self, self.apply))
        self.condition.currentIndexChanged.connect(lambda _: self._show_condition())
        self.indicator.currentTextChanged.connect(lambda _: self._show_indicator())
        self.symbol.currentTextChanged.connect(lambda _: self._fit_price())
        self._fill(alert)

    # ---- showing -------------------------------------------------------------------------
    def _fill(self, alert: Alert) -> None:
        self.condition.setCurrentIndex(self.condition.findData(alert.condition))
        self.field.setCurrentIndex(self.field.findData(alert.field))
        self._show_condition()
        self.direction.setCurrentIndex(self.direction.findData(alert.direction))
        self._fit_price()
        self.price.setValue(alert.price)
        self.percent.setValue(alert.percent or 3.0)
        self.timeframe.setCurrentText(alert.timeframe)
        indicator = alert.indicator or IndicatorLine("SMA", {"period": 20})
        self.indicator.setCurrentText(indicator.kind)
        self._show_indicator(indicator)
        self.rearm.setChecked(alert.rearm)
        self.mail.setCurrentIndex(max(0, self.mail.findData(alert.mail)))
        self.note.setText(alert.note)

    def chosen_condition(self) -> AlertCondition:
        return AlertCondition(self.condition.currentData())

    def _show_condition(self) -> None:
        condition = self.chosen_condition()
        chosen = self.direction.currentData()
        self.direction.clear()
        for direction, name in direction_names(condition).items():
            self.direction.addItem(name, direction)
        self.direction.setCurrentIndex(max(0, self.direction.findData(chosen)))
        price, move, bars = (condition is c for c in AlertCondition)
        for editor, shown in ((self.field, price), (self.price, price), (self.percent, move),
                              (self.timeframe, bars), (self.indicator, bars),
                              (self.params_row, bars), (self.line, bars)):  # fmt: skip
            self.form.setRowVisible(editor, shown)
        self.adjustSize()

    def _show_indicator(self, line: IndicatorLine | None = None) -> None:
        """The parameters and lines of the chosen indicator (``line``'s values, if given)."""
        cls = INDICATORS[self.indicator.currentText()]
        for old in self.params.values():
            self.params_layout.removeWidget(old)
            old.deleteLater()
        self.params = {}
        given = line.params if line is not None and line.kind == cls.kind else {}
        for name, parameter in inspect.signature(cls).parameters.items():
            default = parameter.default
            value = given.get(name, default)
            editor = parameter_editor(int(value) if isinstance(default, int) else float(value))
            editor.setPrefix(f"{parameter_name(name)} ")
            self.params[name] = editor
            self.params_layout.addWidget(editor)
        self.line.clear()
        for output in cls.outputs:
            self.line.addItem(line_name(output), output)
        if line is not None and line.line:
            self.line.setCurrentIndex(max(0, self.line.findData(line.line)))

    def _fit_price(self) -> None:
        instrument = self._bridge.instrument(self.symbol.currentText().strip())
        if instrument is not None:
            self.price.setDecimals(instrument.price_decimals)
            self.price.setSingleStep(instrument.tick_size)

    # ---- accepting ------------------------------------------------------------------------
    def alert(self) -> Alert:
        """The alert as the dialog now says."""
        condition = self.chosen_condition()
        indicator = None
        if condition is AlertCondition.BAR_CLOSE:
            kind = self.indicator.currentText()
            params = {name: float(editor.value()) for name, editor in self.params.items()}
            first = INDICATORS[kind].outputs[0]
            line = str(self.line.currentData() or first)
            indicator = IndicatorLine(kind, params, "" if line == first else line)
        return msgspec.structs.replace(
            self._alert, symbol=self.symbol.currentText().strip(), condition=condition,
            direction=AlertDirection(self.direction.currentData()),
            field=AlertField(self.field.currentData()),
            price=self.price.value() if condition is AlertCondition.PRICE else 0.0,
            percent=self.percent.value() if condition is AlertCondition.DAY_MOVE else 0.0,
            timeframe=self.timeframe.currentText(), indicator=indicator,
            rearm=self.rearm.isChecked(), mail=str(self.mail.currentData()),
            note=self.note.text().strip(),
        )  # fmt: skip

    def apply(self) -> None:
        alert = self.alert()
        problem = alert_problem(alert)
        if not problem and self._bridge.instrument(alert.symbol) is None:
            problem = self.tr("symbol '{symbol}': no instrument of that name").format(
                symbol=alert.symbol)
        if problem:
            self.error.setText(problem)
            log.warning("alert refused: %s", problem)
            return
        self._bridge.send(ModifyAlert(alert) if self.editing else AddAlert(alert))
        self.accept()
