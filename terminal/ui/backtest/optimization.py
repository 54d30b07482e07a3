"""An optimisation's results in a dock: every parameter set with its statistics in a table the
user sorts by any column, the heat map of the objective over two parameters, and the
walk-forward folds (in sample beside out of sample: over-fitting shows as the gap)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from terminal.adapters.report.html import heat_map_grid
from terminal.engine.backtest.background import OptimizationOutcome
from terminal.engine.backtest.stats import LABELS
from terminal.ui import layouts
from terminal.ui.backtest.stat_labels import label, value_text
from terminal.ui.i18n import translate
from terminal.ui.i18n.dates import day_text

SHOWN = ("sharpe", "total_return", "annual_return", "max_drawdown", "sortino", "calmar",
         "win_rate", "profit_factor", "trades", "exposure")  # fmt: skip


class NumberItem(QTableWidgetItem):
    """A cell shown as text and sorted by its number (NaN last either way)."""

    def __init__(self, value: float, text: str) -> None:
        super().__init__(text)
        self.value = value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine = self.value if not math.isnan(self.value) else -math.inf
        theirs = getattr(other, "value", -math.inf)
        return mine < (theirs if not math.isnan(theirs) else -math.inf)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


class OptimizationView(QWidget):
    """The outcome of one optimisation; ``backtest_requested`` carries the selected row's
    parameters (the dialog runs that backtest, whose report can start it live)."""

    backtest_requested = Signal(object)  # dict[str, Any]

    def __init__(self, outcome: OptimizationOutcome, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outcome = outcome
        table = outcome.table
        self.results = self._results(table, outcome.names)
        self.heat_map = heat_map_table(table, outcome.names, outcome.objective)
        self.folds = folds_table(outcome)
        tabs = QTabWidget()
        tabs.addTab(self.results, self.tr("Results ({count})").format(count=len(table)))
        if self.heat_map is not None:
            tabs.addTab(self.heat_map, self.tr("Heat map: {objective}").format(
                objective=label(outcome.objective)))
        if outcome.folds:
            tabs.addTab(self.folds, self.tr("Walk-forward ({count} folds)").format(
                count=len(outcome.folds)))
        self.tabs = tabs
        self.backtest_button = QPushButton(self.tr("Backtest the selected parameters"))
        self.backtest_button.clicked.connect(lambda *_: self._backtest_selected())
        self.summary = QLabel(_summary(outcome))
        self.summary.setWordWrap(True)
        top = layouts.row((self.summary, 1), self.backtest_button)
        layouts.column(top, (tabs, 1), owner=self, margins=4)

    def _results(self, table: pd.DataFrame, names: list[str]) -> QTableWidget:
        objective = self.outcome.objective
        columns = [*names, objective, *(c for c in SHOWN if c != objective), "error"]
        widget = QTableWidget(len(table), len(columns))
        widget.setHorizontalHeaderLabels(
            [self.tr("Error") if c == "error" else label(c) for c in columns]
        )
        for row, record in enumerate(table.to_dict("records")):
            for column, name in enumerate(columns):
                value = record.get(name)
                if name == "error":
                    item = QTableWidgetItem(str(value or ""))
                elif name in LABELS:
                    number = _number(value)
                    item = NumberItem(number, value_text(name, number))
                else:
                    number = _number(value)
                    item = NumberItem(number, f"{number:g}")
                widget.setItem(row, column, item)
        widget.setSortingEnabled(True)  # best first, as ranked; a header click sorts another way
        widget.sortByColumn(len(names), Qt.SortOrder.DescendingOrder)
        widget.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        widget.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        widget.resizeColumnsToContents()
        if len(table):
            widget.selectRow(0)
        widget.doubleClicked.connect(lambda *_: self._backtest_selected())
        return widget

    def selected_params(self) -> dict[str, Any] | None:
        row = self.results.currentRow()
        if row < 0:
            return None
        params = {}
        for column, name in enumerate(self.outcome.names):
            item = self.results.item(row, column)
            value = getattr(item, "value", math.nan)
            params[name] = int(value) if float(value).is_integer() else value
        return params

    def _backtest_selected(self) -> None:
        params = self.selected_params()
        if params is not None:
            self.backtest_requested.emit(params)


def _summary(outcome: OptimizationOutcome) -> str:
    table = outcome.table
    ok = table[table["error"] == ""]
    if ok.empty:
        return translate("OptimizationView", "{count} parameter sets, none ran: {error}").format(
            count=len(table), error=table.iloc[0]["error"])
    best = ok.iloc[0]
    params = ", ".join(f"{n}={best[n]:g}" for n in outcome.names)
    return translate(
        "OptimizationView", "{count} parameter sets; best by {objective}: {params} ({value})"
    ).format(
        count=len(table), objective=label(outcome.objective), params=params,
        value=value_text(outcome.objective, best[outcome.objective]),
    )  # fmt: skip


def heat_map_table(table: pd.DataFrame, names: list[str], objective: str) -> QTableWidget | None:
    """The objective's best value for each pair of the first two parameters, coloured from
    red (low) to green (high); None with fewer than two parameters."""
    if len(names) < 2:
        return None
    xs, ys, grid = heat_map_grid(table, names[0], names[1], objective)
    widget = QTableWidget(len(ys), len(xs))
    widget.setHorizontalHeaderLabels([f"{names[0]}={x:g}" for x in xs])
    widget.setVerticalHeaderLabels([f"{names[1]}={y:g}" for y in ys])
    finite = grid[np.isfinite(grid)]
    low, high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    for r in range(len(ys)):
        for c in range(len(xs)):
            value = float(grid[r, c])
            item = NumberItem(value, f"{value:.2f}" if math.isfinite(value) else "–")
            item.setBackground(_heat(value, low, high))
            widget.setItem(r, c, item)
    widget.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    widget.resizeColumnsToContents()
    return widget


def _heat(value: float, low: float, high: float) -> QColor:
    if not math.isfinite(value):
        return QColor(120, 120, 120)
    t = 0.5 if high <= low else (value - low) / (high - low)
    return QColor(int(215 - 150 * max(0.0, t - 0.5) * 2), int(60 + 150 * min(1.0, t * 2)), 70)


def folds_table(outcome: OptimizationOutcome) -> QTableWidget:
    objective = label(outcome.objective)
    headers = [
        translate("OptimizationView", "In sample"), translate("OptimizationView", "Out of sample"),
        translate("OptimizationView", "Best parameters"),
        translate("OptimizationView", "{objective} in").format(objective=objective),
        translate("OptimizationView", "{objective} out").format(objective=objective),
        translate("OptimizationView", "Return out"),
    ]  # fmt: skip
    widget = QTableWidget(len(outcome.folds), len(headers))
    widget.setHorizontalHeaderLabels(headers)

    def day(ns: int) -> str:
        return day_text(pd.Timestamp(ns, tz="UTC").tz_convert(outcome.timezone).date())

    for row, fold in enumerate(outcome.folds):
        cells = [
            QTableWidgetItem(f"{day(fold.in_start)} – {day(fold.in_end)}"),
            QTableWidgetItem(f"{day(fold.out_start)} – {day(fold.out_end)}"),
            QTableWidgetItem(", ".join(f"{k}={v}" for k, v in fold.best.items())),
            NumberItem(fold.in_sample, value_text(outcome.objective, fold.in_sample)),
            NumberItem(fold.out_of_sample, value_text(outcome.objective, fold.out_of_sample)),
            NumberItem(fold.out_return, value_text("total_return", fold.out_return)),
        ]
        for column, item in enumerate(cells):
            widget.setItem(row, column, item)
    widget.resizeColumnsToContents()
    return widget
