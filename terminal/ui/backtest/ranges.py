"""The optimisation settings of the backtest dialog: a range per numeric parameter (from the
parameter struct, editable, each one on or off), grid or random search, the statistic to rank
by, worker processes, and the walk-forward split."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from terminal.engine.backtest.optimize import ParamRange, combinations, default_ranges
from terminal.engine.backtest.stats import NAMES
from terminal.engine.backtest.workers import cpu_count
from terminal.engine.strategy.base import Strategy
from terminal.ui.backtest.stat_labels import label

LIMIT = 1e9


class OptimizeSettings(QGroupBox):
    """Checked: the dialog optimises instead of running one backtest."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Optimise over parameter ranges"))
        self.setCheckable(True)
        self.setChecked(False)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Parameter"), self.tr("From"), self.tr("To"), self.tr("Step")]
        )
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(110)
        self.random = QSpinBox()
        self.random.setRange(0, 100_000)
        self.random.setSpecialValueText(self.tr("whole grid"))
        self.objective = QComboBox()
        for name in NAMES:
            self.objective.addItem(label(name), name)
        self.objective.setCurrentIndex(NAMES.index("sharpe"))
        self.processes = QSpinBox()
        self.processes.setRange(1, 256)
        self.processes.setValue(cpu_count())
        self.folds = QSpinBox()
        self.folds.setRange(0, 20)
        self.folds.setSpecialValueText(self.tr("none"))
        self.in_sample = QDoubleSpinBox()
        self.in_sample.setRange(0.1, 0.95)
        self.in_sample.setSingleStep(0.05)
        self.in_sample.setValue(0.7)
        self.cluster = QLineEdit()
        self.cluster.setPlaceholderText(self.tr("tcp://scheduler:8786 (empty: processes here)"))
        self._ranges: list[ParamRange] = []
        form = QFormLayout()
        form.addRow(self.tr("Random sets"), self.random)
        form.addRow(self.tr("Rank by"), self.objective)
        form.addRow(self.tr("Processes"), self.processes)
        form.addRow(self.tr("Dask cluster"), self.cluster)
        split = QHBoxLayout()
        split.addWidget(self.folds)
        split.addWidget(self.in_sample)
        form.addRow(self.tr("Walk-forward folds, in-sample share"), split)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(form)

    def set_strategy(self, cls: type[Strategy] | None) -> None:
        """One row per numeric parameter of ``cls``, its range from the struct."""
        self._ranges = default_ranges(cls) if cls is not None else []
        self.table.setRowCount(len(self._ranges))
        for row, found in enumerate(self._ranges):
            use = QCheckBox(found.name)
            use.setChecked(row < 2)  # the first two: what the heat map shows
            self.table.setCellWidget(row, 0, use)
            for column, value in enumerate((found.low, found.high, found.step), 1):
                spin = QDoubleSpinBox()
                spin.setRange(-LIMIT, LIMIT)
                spin.setDecimals(0 if found.integer else 4)
                spin.setValue(value)
                self.table.setCellWidget(row, column, spin)
        self.table.resizeColumnsToContents()

    def ranges(self) -> list[ParamRange]:
        """The ranges switched on, as edited."""
        chosen = []
        for row, found in enumerate(self._ranges):
            use = self.table.cellWidget(row, 0)
            if not (isinstance(use, QCheckBox) and use.isChecked()):
                continue
            low, high, step = (self._spin(row, column) for column in (1, 2, 3))
            chosen.append(ParamRange(found.name, low, high, step, found.integer))
        return chosen

    def set_range(self, name: str, low: float, high: float, step: float) -> None:
        """Switch ``name`` on with this range (tests and callers that know what they want)."""
        for row, found in enumerate(self._ranges):
            use = self.table.cellWidget(row, 0)
            if found.name == name and isinstance(use, QCheckBox):
                use.setChecked(True)
                for column, value in zip((1, 2, 3), (low, high, step), strict=True):
                    spin = self.table.cellWidget(row, column)
                    if isinstance(spin, QDoubleSpinBox):
                        spin.setValue(value)

    def _spin(self, row: int, column: int) -> float:
        spin = self.table.cellWidget(row, column)
        return spin.value() if isinstance(spin, QDoubleSpinBox) else 0.0

    def problem(self) -> str:
        """ "" when the ranges make a search, else what is wrong (in one line)."""
        ranges = self.ranges()
        if not ranges:
            return self.tr("Optimise: switch on at least one parameter range")
        try:
            combinations(ranges, samples=self.random.value())
        except ValueError as exc:
            return self.tr("Optimise: {problem}").format(problem=exc)
        return ""
