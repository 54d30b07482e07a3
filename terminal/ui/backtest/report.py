"""One backtest's report in a dock: the statistics, the charts, the monthly returns and the
fills; export to HTML and CSV; and "Start live with these parameters", which adds the instance
to the engine (stopped: the user starts it in the strategy manager)."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from terminal.adapters.report.html import backtest_html
from terminal.domain.enums import Side
from terminal.domain.events import AddStrategy, CommandRejected
from terminal.engine.backtest.result import BacktestResult
from terminal.engine.backtest.stats import NAMES, monthly_returns
from terminal.ui import layouts
from terminal.ui.backtest.charts import ReportCharts
from terminal.ui.backtest.stat_labels import fill_column, label, value_text
from terminal.ui.bridge import EngineBridge
from terminal.ui.i18n import names, translate
from terminal.ui.i18n.dates import day_text, month_name
from terminal.ui.theme import THEMES, Theme

MAX_FILL_ROWS = 5000


class BacktestReport(QWidget):
    """What one backtest did, as a trader reads it at a glance."""

    def __init__(
        self, result: BacktestResult, bridge: EngineBridge, warmup: int = -1,
        theme: Theme | None = None, parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.result = result
        self._bridge = bridge
        self._warmup = warmup
        theme = theme or THEMES["dark"]
        self.title = QLabel(_title(result))
        self.title.setWordWrap(True)
        self.stats = QGridLayout()
        self.values: dict[str, QLabel] = {}
        for n, name in enumerate(NAMES):
            value = QLabel(value_text(name, result.stats.get(name, math.nan)))
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            value.setObjectName(f"stat_{name}")
            self.values[name] = value
            row, column = divmod(n, 3)
            self.stats.addWidget(QLabel(label(name)), row, column * 2)
            self.stats.addWidget(value, row, column * 2 + 1)
        self.export_html_button = QPushButton(self.tr("Export HTML…"))
        self.export_csv_button = QPushButton(self.tr("Export CSV…"))
        self.start_live_button = QPushButton(self.tr("Start live with these parameters"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.export_html_button.clicked.connect(lambda *_: self.export_html())
        self.export_csv_button.clicked.connect(lambda *_: self.export_csv())
        self.start_live_button.clicked.connect(lambda *_: self.start_live())
        self._adding = ""
        bridge.command_rejected.connect(self._on_rejected)
        self.charts = ReportCharts(result, theme)
        self.monthly = monthly_table(result)
        self.fills = fills_table(result)
        self.error = QPlainTextEdit(result.error)
        self.error.setReadOnly(True)
        self._build(result)

    def _build(self, result: BacktestResult) -> None:
        tabs = QTabWidget()
        tabs.addTab(self.charts, self.tr("Charts"))
        tabs.addTab(self.monthly, self.tr("Monthly returns"))
        tabs.addTab(self.fills, self.tr("Fills ({count})").format(count=f"{len(result.fills):,}"))
        log = QPlainTextEdit("\n".join(result.log))
        log.setReadOnly(True)
        tabs.addTab(log, self.tr("Strategy log"))
        if result.error:
            tabs.insertTab(0, self.error, self.tr("Error"))
            tabs.setCurrentIndex(0)
        self.tabs = tabs
        stats_box = QWidget()
        buttons = layouts.row(
            self.start_live_button, self.export_html_button, self.export_csv_button
        )
        layouts.column(self.title, self.stats, 1, buttons, self.message, owner=stats_box)
        layouts.column(layouts.side_by_side(stats_box, tabs, (380, 900)), owner=self, margins=4)

    # ---- actions -----------------------------------------------------------------------------
    def export_html(self, path: Path | None = None) -> Path | None:
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, self.tr("Export the report"), "report.html",
                                                  self.tr("HTML (*.html)"))  # fmt: skip
            if not name:
                return None
            path = Path(name)
        path.write_text(backtest_html(self.result), encoding="utf-8")
        self.message.setText(self.tr("Report written to {path}").format(path=path))
        return path

    def export_csv(self, folder: Path | None = None) -> list[Path]:
        if folder is None:
            name = QFileDialog.getExistingDirectory(
                self, self.tr("Folder for trades.csv and equity.csv")
            )
            if not name:
                return []
            folder = Path(name)
        written = self.result.write(folder)
        self.message.setText(self.tr("Written: {files} in {folder}").format(
            files=", ".join(p.name for p in written), folder=folder))
        return written

    def start_live(self) -> str:
        """Add an instance with the backtest's class, symbols and parameters (stopped)."""
        brokers = self._bridge.broker_names()
        if not brokers:
            self.message.setText(self.tr("No broker is running: nothing to trade with"))
            return ""
        taken = {s.instance for s in self._bridge.strategy_snapshots()}
        base = f"{self.result.strategy}-bt"
        name = next(f"{base}{n}" for n in range(1, 10_000) if f"{base}{n}" not in taken)
        symbols = list(self.result.symbols)
        self._adding = name
        self._bridge.send(AddStrategy(name, self.result.strategy, symbols[0], brokers[0],
                                      dict(self.result.params), self._warmup,
                                      symbols=symbols if len(symbols) > 1 else []))  # fmt: skip
        if self._adding == name:  # not refused while it was sent (a refusal is synchronous)
            self.message.setText(
                self.tr("Added {name} on {symbols} with broker {broker}: start it in the "
                        "strategy manager").format(
                    name=name, symbols=", ".join(symbols), broker=brokers[0])
            )
        return name

    def _on_rejected(self, rejected: CommandRejected) -> None:
        if rejected.command == "AddStrategy" and self._adding:
            self.message.setText(self.tr("Not added: {reason}").format(reason=rejected.reason))
            self._adding = ""


def _title(result: BacktestResult) -> str:
    daily = result.daily
    period = (
        translate("Report", "{first} to {last}").format(
            first=day_text(daily.index[0]), last=day_text(daily.index[-1]))
        if len(daily) else translate("Report", "no bars after warm-up")
    )  # fmt: skip
    params = ", ".join(f"{k}={v}" for k, v in result.params.items())
    return translate(
        "Report", "<b>{strategy}</b> on {symbols} ({timeframe}), {period}<br>parameters "
        "{params}; capital {capital} {currency}; {bars} bars in {seconds} s"
    ).format(
        strategy=result.strategy, symbols=", ".join(result.symbols), timeframe=result.timeframe,
        period=period, params=params or translate("Report", "defaults"),
        capital=f"{result.capital:,.0f}", currency=result.currency, bars=f"{result.bars:,}",
        seconds=f"{result.seconds:.2f}",
    )  # fmt: skip


def monthly_table(result: BacktestResult) -> QTableWidget:
    table = monthly_returns(result.daily["equity"], result.capital) if len(result.daily) else None
    widget = QTableWidget(0 if table is None else len(table), 13)
    widget.setHorizontalHeaderLabels([*map(month_name, range(1, 13)), translate("Report", "Year")])
    if table is None:
        return widget
    widget.setVerticalHeaderLabels([str(year) for year in table.index])
    for row, (_, values) in enumerate(table.iterrows()):
        for column, key in enumerate([*range(1, 13), "year"]):
            value = values.get(key, math.nan)
            if value is None or math.isnan(value):
                continue
            item = QTableWidgetItem(f"{value * 100:.2f}%")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            shade = min(1.0, abs(value) / 0.1)
            color = QColor(38, 166, 154) if value >= 0 else QColor(239, 83, 80)
            color.setAlphaF(0.2 + 0.6 * shade)
            item.setBackground(color)
            widget.setItem(row, column, item)
    widget.resizeColumnsToContents()
    return widget


def fills_table(result: BacktestResult) -> QTableWidget:
    frame = result.trades_frame().head(MAX_FILL_ROWS)
    widget = QTableWidget(len(frame), len(frame.columns))
    widget.setHorizontalHeaderLabels([fill_column(c) for c in frame.columns])
    sides = list(frame.columns).index("side")
    for row, values in enumerate(frame.itertuples(index=False)):
        for column, value in enumerate(values):
            text = f"{value:g}" if isinstance(value, float) else str(value)
            if column == sides:
                text = names.name(Side(value))
            widget.setItem(row, column, QTableWidgetItem(text))
    widget.setSortingEnabled(True)
    widget.resizeColumnsToContents()
    return widget
