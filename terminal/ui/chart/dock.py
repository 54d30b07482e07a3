"""A dock holding one more chart (View ▸ New chart); closing it lets go of the chart's
engine subscription and bridge signals."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDockWidget, QWidget

from terminal.ui.chart.chart import CandleChart


class ChartDock(QDockWidget):
    """A closable dock titled after its chart's symbol and timeframe."""

    def __init__(self, chart: CandleChart, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.setObjectName(f"dock_chart_{number}")
        self.setWidget(chart)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chart.symbol_changed.connect(lambda _: self._retitle())
        chart.timeframe_changed.connect(lambda _: self._retitle())
        self._retitle()

    def _retitle(self) -> None:
        self.setWindowTitle(
            self.tr("Chart · {symbol} {timeframe}").format(
                symbol=self.chart.symbol, timeframe=self.chart.timeframe
            )
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.chart.close_chart()
        super().closeEvent(event)
