"""The backtest dialog: what to test (class, parameters, symbols, timeframe, dates, capital,
the bars), run in a background process with a progress bar and Cancel, and the report opened in
a dock; with the optimisation settings switched on, the same for a search over ranges.

A strategy that raises stops its backtest, not the window: the traceback shows here and in
the report. Input the run cannot use (no bars, bad parameters) is one line under the buttons.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from terminal.engine.backtest.background import (
    BackgroundRun,
    OptimizationOutcome,
    OptimizationRequest,
)
from terminal.engine.backtest.request import BacktestRequest, StrategyRef, instrument_for
from terminal.engine.bars.timeframes import SUPPORTED
from terminal.engine.feed import NoOptions
from terminal.engine.paths import user_data_dir
from terminal.ui.backtest.docks import show_in_dock
from terminal.ui.backtest.optimization import OptimizationView
from terminal.ui.backtest.ranges import OptimizeSettings
from terminal.ui.backtest.report import BacktestReport
from terminal.ui.bridge import EngineBridge
from terminal.ui.i18n import QT_TRANSLATE_NOOP
from terminal.ui.i18n.dates import day_text
from terminal.ui.strategies.params_form import ParamsForm
from terminal.ui.strategies.symbols_edit import SymbolsEdit

log = logging.getLogger("terminal.ui.backtest")
# The bars' sources: each item's data, its text translated.
STORED = QT_TRANSLATE_NOOP("BacktestDialog", "Stored bars (data folder)")
SESSION = QT_TRANSLATE_NOOP("BacktestDialog", "This session's bars")
FILE = QT_TRANSLATE_NOOP("BacktestDialog", "Bars file")
POLL_MS = 50


class BacktestDialog(QDialog):
    """Set up and run backtests and optimisations; each finished run opens its report."""

    report_opened = Signal(object)  # BacktestReport or OptimizationView

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Backtest"))
        self._bridge = bridge
        self.run: BackgroundRun | None = None
        self._scratch = tempfile.TemporaryDirectory(prefix="terminal-backtest-")
        self.class_box = QComboBox()
        self.class_box.addItems(bridge.strategy_names())
        self.params_form = ParamsForm(NoOptions)
        self._params_holder = QVBoxLayout()
        self._params_holder.addWidget(self.params_form)
        self.symbols_edit = SymbolsEdit(bridge.symbols())
        self.timeframe_box = QComboBox()
        self.timeframe_box.addItems([tf for tf in SUPPORTED if tf != "1s"])
        self.source_box = QComboBox()
        for source in (STORED, SESSION, FILE):
            self.source_box.addItem(self.tr(source), source)
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText(
            self.tr("CSV or Parquet: symbol,datetime,open,high,low,close")
        )
        self.browse_button = QPushButton(self.tr("Browse…"))
        self.browse_button.clicked.connect(lambda *_: self._browse())
        today = QDate.currentDate()
        self.start_date = QDateEdit(today.addYears(-1))
        self.end_date = QDateEdit(today)
        for edit in (self.start_date, self.end_date):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.capital = QDoubleSpinBox()
        self.capital.setRange(1.0, 1e13)
        self.capital.setDecimals(2)
        self.capital.setValue(bridge.config().backtest.capital)
        self.warmup = QSpinBox()
        self.warmup.setRange(-1, 1_000_000)
        self.warmup.setSpecialValueText(self.tr("class default"))
        self.warmup.setValue(-1)
        self.optimize = OptimizeSettings()
        self.run_button = QPushButton(self.tr("Run backtest"))
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.error = QPlainTextEdit()
        self.error.setReadOnly(True)
        self.error.hide()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self.run_button.clicked.connect(lambda *_: self.start())
        self.cancel_button.clicked.connect(lambda *_: self.cancel())
        self.class_box.currentTextChanged.connect(self._on_class)
        self.optimize.toggled.connect(self._on_mode)
        self._build()
        self._on_class(self.class_box.currentText())

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Strategy"), self.class_box)
        form.addRow(self.tr("Symbols"), self.symbols_edit)
        form.addRow(self.tr("Timeframe"), self.timeframe_box)
        source = QHBoxLayout()
        source.addWidget(self.source_box)
        source.addWidget(self.file_edit, 1)
        source.addWidget(self.browse_button)
        form.addRow(self.tr("Bars"), source)
        dates = QHBoxLayout()
        dates.addWidget(self.start_date)
        dates.addWidget(QLabel(self.tr("to")))
        dates.addWidget(self.end_date)
        form.addRow(self.tr("From"), dates)
        form.addRow(self.tr("Capital"), self.capital)
        form.addRow(self.tr("Warm-up bars"), self.warmup)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Parameters")))
        layout.addLayout(self._params_holder)
        layout.addWidget(self.optimize)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.error, 1)
        self.resize(620, 720)

    # ---- the form ---------------------------------------------------------------------------
    def set_up(self, strategy: str, params: dict[str, Any], symbols: list[str]) -> None:
        """Start from what the strategy manager's form holds."""
        if strategy:
            self.class_box.setCurrentText(strategy)
        self.params_form.set_values(params)
        if symbols:
            self.symbols_edit.setText(", ".join(symbols))

    def _on_class(self, name: str) -> None:
        cls = self._bridge.strategy_class(name)
        self._params_holder.removeWidget(self.params_form)
        self.params_form.deleteLater()
        self.params_form = ParamsForm(getattr(cls, "Params", NoOptions))
        self._params_holder.addWidget(self.params_form)
        self.optimize.set_strategy(cls)
        timeframes = getattr(cls, "timeframes", ("1m",))
        self.timeframe_box.setCurrentText(timeframes[0])

    def _on_mode(self, optimizing: bool) -> None:
        self.run_button.setText(self.tr("Optimise") if optimizing else self.tr("Run backtest"))

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Bars file"), "", self.tr("Bars (*.csv *.parquet)")
        )
        if name:
            self.file_edit.setText(name)
            self.source_box.setCurrentIndex(self.source_box.findData(FILE))

    # ---- running ------------------------------------------------------------------------------
    def request(self) -> BacktestRequest | str:
        """The backtest the form describes, or what is wrong with it."""
        name = self.class_box.currentText()
        cls = self._bridge.strategy_class(name)
        if cls is None:
            return self.tr("Strategy: choose one")
        problem = self.params_form.check()
        if problem:
            return problem
        symbols = self.symbols_edit.symbols()
        source = self.source_box.currentData()
        if not symbols and source != FILE:
            return self.tr("Symbols: enter at least one symbol")
        data_file = self.file_edit.text().strip() if source == FILE else ""
        if source == FILE and not data_file:
            return self.tr("Bars: choose a bars file")
        if source == SESSION:
            data_file = self._session_bars(symbols)
        start, end = _day(self.start_date.date()), _day(self.end_date.date())
        if start > end:
            return self.tr("From: {start} is after {end}").format(
                start=day_text(start), end=day_text(end))
        return BacktestRequest(
            strategy=StrategyRef.of(cls), symbols=symbols,
            timeframe=self.timeframe_box.currentText(), start=start, end=end,
            data_file=data_file, store=str(user_data_dir() / "bars"),
            params=self.params_form.values(), capital=self.capital.value(),
            warmup=self.warmup.value(),
        )  # fmt: skip

    def _session_bars(self, symbols: list[str]) -> str:
        """The running engine's bars of ``symbols``, written where the backtest reads them."""
        timeframe = self.timeframe_box.currentText()
        parts = []
        for symbol in symbols:
            starts, values = self._bridge.bar_arrays(symbol, timeframe)
            frame = pd.DataFrame(values[:, :5], columns=["open", "high", "low", "close", "volume"])
            parts.append(frame.assign(symbol=symbol, timeframe=timeframe, start=starts))
        path = Path(self._scratch.name) / "session.parquet"
        pd.concat(parts, ignore_index=True).to_parquet(path)
        return str(path)

    def start(self) -> bool:
        """Start the run the form describes; False (and the reason shown) if it cannot."""
        if self.run is not None and not self.run.finished:
            return False
        request = self.request()
        task: BacktestRequest | OptimizationRequest
        if isinstance(request, str):
            return self._refuse(request)
        if self.optimize.isChecked():
            problem = self.optimize.problem()
            if problem:
                return self._refuse(problem)
            task = OptimizationRequest(
                request, self.optimize.ranges(), self.optimize.random.value(),
                self.optimize.objective.currentData(), self.optimize.processes.value(),
                self.optimize.folds.value(), self.optimize.in_sample.value(),
                self.optimize.cluster.text().strip(),
            )  # fmt: skip
        else:
            task = request
        known = self._bridge.instruments()
        instruments = {s: instrument_for(s, known) for s in request.symbols}
        self.run = BackgroundRun(task, self._bridge.config(), instruments)
        self.run.start()
        self._task = task
        self.error.hide()
        self.status.setText(
            self.tr("Optimising…") if isinstance(task, OptimizationRequest) else self.tr("Running…")
        )
        self.progress.setValue(0)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._timer.start()
        return True

    def cancel(self) -> None:
        if self.run is not None and not self.run.finished:
            self.run.cancel()
            self._done(self.tr("Cancelled"), finished=False)

    def _refuse(self, problem: str) -> bool:
        self.status.setText(problem)
        log.warning("backtest: %s", problem)
        return False

    def _poll(self) -> None:
        if self.run is None:
            return
        for message in self.run.poll():
            kind = message[0]
            if kind == "progress":
                done, total = message[1], message[2]
                self.progress.setValue(int(100 * done / max(total, 1)))
            elif kind == "result":
                self._show(message[1])
            elif kind in ("refused", "failed"):
                self._done(message[1], finished=False)
                log.warning("backtest: %s", message[1])

    def _show(self, value: Any) -> None:
        if isinstance(value, OptimizationOutcome):
            optimization = OptimizationView(value)
            optimization.backtest_requested.connect(self._backtest_params)
            view: QWidget = optimization
            strategy = self.class_box.currentText()
            title = self.tr("Optimisation: {strategy}").format(strategy=strategy)
            self._done(self.tr("Done: {count} parameter sets").format(count=len(value.table)))
        else:
            warmup = self.warmup.value()
            view = BacktestReport(value, self._bridge, warmup)
            title = self.tr("Backtest: {strategy}").format(strategy=value.strategy)
            if value.error:
                self.error.setPlainText(value.error)
                self.error.show()
                self._done(self.tr("{strategy} raised and stopped the backtest (traceback below "
                                   "and in the report)").format(strategy=value.strategy))
            else:
                self._done(self.tr("Done: {fills} fills in {seconds} s").format(
                    fills=f"{value.stats['fills']:,.0f}", seconds=f"{value.seconds:.2f}"))
        show_in_dock(self.parentWidget() or self, title, view)
        self.report_opened.emit(view)

    def _backtest_params(self, params: dict[str, Any]) -> None:
        self.optimize.setChecked(False)
        self.params_form.set_values(params)
        self.start()

    def _done(self, text: str, finished: bool = True) -> None:
        """The run is over: ``finished`` (to its end) or not (cancelled, refused, failed)."""
        self._timer.stop()
        self.status.setText(text)
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setValue(100 if finished else 0)

    def closeEvent(self, event: Any) -> None:
        self.cancel()
        self._scratch.cleanup()
        super().closeEvent(event)

    def reject(self) -> None:
        self.cancel()
        super().reject()


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def open_backtest(
    parent: QWidget, bridge: EngineBridge, strategy: str, params: dict[str, Any],
    symbols: list[str],
) -> BacktestDialog:  # fmt: skip
    """The dialog, set up from the strategy manager's form, shown beside it."""
    dialog = BacktestDialog(bridge, parent)
    dialog.setWindowFlag(Qt.WindowType.Window)
    dialog.set_up(strategy, params, symbols)
    dialog.show()
    return dialog
