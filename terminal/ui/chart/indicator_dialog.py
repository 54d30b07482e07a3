"""The chart's indicator menu and the dialog that edits an indicator's parameters."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QMenu,
    QSpinBox,
    QToolButton,
    QWidget,
)

from terminal.engine.indicators import INDICATORS, Indicator
from terminal.ui.dialogs import ok_cancel
from terminal.ui.i18n import QT_TRANSLATE_NOOP, installed_language, translate

if TYPE_CHECKING:
    from terminal.ui.chart.indicators import ChartIndicators, IndicatorSeries

log = logging.getLogger("terminal.ui")
NAMES = {
    "SMA": QT_TRANSLATE_NOOP("Indicators", "Simple moving average"),
    "EMA": QT_TRANSLATE_NOOP("Indicators", "Exponential moving average"),
    "BB": QT_TRANSLATE_NOOP("Indicators", "Bollinger bands"),
    "MACD": "MACD",
    "RSI": "RSI",
}
PARAMETERS = {  # the indicators' fields, as the dialog labels them
    "period": QT_TRANSLATE_NOOP("Indicators", "Period"),
    "deviations": QT_TRANSLATE_NOOP("Indicators", "Deviations"),
    "fast": QT_TRANSLATE_NOOP("Indicators", "Fast"),
    "slow": QT_TRANSLATE_NOOP("Indicators", "Slow"),
    "signal": QT_TRANSLATE_NOOP("Indicators", "Signal"),
}
LINES = {  # the indicators' output lines, in English as their keys read
    "upper": QT_TRANSLATE_NOOP("Indicators", "upper"),
    "middle": QT_TRANSLATE_NOOP("Indicators", "middle"),
    "lower": QT_TRANSLATE_NOOP("Indicators", "lower"),
    "signal": QT_TRANSLATE_NOOP("Indicators", "signal"),
    "hist": QT_TRANSLATE_NOOP("Indicators", "hist"),
}


def parameter_name(field: str) -> str:
    """An indicator parameter's label ("Period", 周期)."""
    label = PARAMETERS.get(field)
    return translate("Indicators", label) if label else field


def line_name(output: str) -> str:
    """An indicator output line's name (lower, 下轨); a line named after its indicator
    (sma, macd, rsi) reads as the indicator's abbreviation in Chinese."""
    label = LINES.get(output)
    if label:
        return translate("Indicators", label)
    return output.upper() if installed_language() == "zh_CN" else output


def parameter_editor(value: float) -> QSpinBox | QDoubleSpinBox:
    """An editor of one indicator parameter, showing ``value``: a whole number's a spin box
    (the indicator itself refuses a value out of its range, naming it)."""
    if isinstance(value, int):
        whole = QSpinBox()
        whole.setRange(0, 10_000)
        whole.setValue(value)
        return whole
    editor = QDoubleSpinBox()
    editor.setRange(-100.0, 100.0)
    editor.setSingleStep(0.1)
    editor.setValue(value)
    return editor


class IndicatorDialog(QDialog):
    """Edits one indicator's parameters; a bad value is named and the dialog stays open."""

    def __init__(
        self,
        indicator: Indicator,
        on_apply: Callable[[Indicator], object],
        parent: QWidget | None,
        error_color: str,
    ) -> None:
        super().__init__(parent)
        name = translate("Indicators", NAMES.get(indicator.kind, indicator.kind))
        self.setWindowTitle(self.tr("{indicator} parameters").format(indicator=name))
        self._cls, self._on_apply = type(indicator), on_apply
        form = QFormLayout(self)
        self.editors: dict[str, QSpinBox | QDoubleSpinBox] = {}
        for field in fields(indicator):
            if not field.init:
                continue
            editor = parameter_editor(getattr(indicator, field.name))
            self.editors[field.name] = editor
            form.addRow(parameter_name(field.name), editor)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {error_color}")
        form.addRow(self.error)
        form.addRow(ok_cancel(self, self.apply))

    def apply(self) -> None:
        values: dict[str, Any] = {name: e.value() for name, e in self.editors.items()}
        try:
            indicator = self._cls(**values)
        except ValueError as exc:
            self.error.setText(str(exc))
            log.warning("indicator parameters refused: %s", exc)
            return
        self._on_apply(indicator)
        self.accept()


class IndicatorMenu(QToolButton):
    """Toolbar button: add an indicator, edit or remove one already shown."""

    def __init__(self, indicators: ChartIndicators, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(self.tr("Indicators"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._indicators = indicators
        self.dialog: IndicatorDialog | None = None
        self.setMenu(QMenu(self))
        self.menu().aboutToShow.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        menu = self.menu()
        menu.clear()
        for kind, cls in INDICATORS.items():
            name = translate("Indicators", NAMES[kind])
            menu.addAction(self.tr("Add {indicator}").format(indicator=name)).triggered.connect(
                lambda _=False, c=cls: self._indicators.add(c())
            )
        if self._indicators.series:
            menu.addSeparator()
        for series in list(self._indicators.series):
            label = series.indicator.label
            menu.addAction(self.tr("Edit {indicator}…").format(indicator=label)).triggered.connect(
                lambda _=False, s=series: self.edit(s)
            )
            menu.addAction(self.tr("Remove {indicator}").format(indicator=label)).triggered.connect(
                lambda _=False, s=series: self._indicators.remove(s)
            )

    def edit(self, series: IndicatorSeries) -> IndicatorDialog:
        self.dialog = IndicatorDialog(
            series.indicator,
            lambda new: self._indicators.replace(series, new),
            self,
            self._indicators.theme.bad,
        )
        self.dialog.open()  # not exec(): no nested event loop under qasync
        return self.dialog
