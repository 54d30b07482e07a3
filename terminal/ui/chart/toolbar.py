"""The chart's toolbar: symbol, timeframe, indicators, drawing tools, the clock of the time
axis, and the history line."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QMenu, QToolButton, QWidget

from terminal.ui.chart.history_status import HistoryStatus
from terminal.ui.symbol_box import symbol_box

if TYPE_CHECKING:
    from terminal.ui.chart.chart import CandleChart


class TimeZoneButton(QToolButton):
    """Which clock the time axis, the legend and the drawings' times speak: the exchange's
    (the default: sessions read right) or this machine's."""

    def __init__(self, chart: CandleChart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chart = chart
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        group = QActionGroup(self)
        self.exchange_action = self.menu().addAction("")
        self.local_action = self.menu().addAction("")
        for action, local in ((self.exchange_action, False), (self.local_action, True)):
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _=False, loc=local: chart.set_local_time(loc))
        self.menu().aboutToShow.connect(self.show_state)
        self.setText(self.tr("Exchange time"))  # the chart names the zones once it has a symbol

    def show_state(self) -> None:
        """The button names the clock in use; the menu names both zones."""
        chart = self._chart
        exchange = _zone_name(chart.exchange_tz())
        local = datetime.now().astimezone().tzname() or ""
        self.exchange_action.setText(self.tr("Exchange time ({zone})").format(zone=exchange))
        self.local_action.setText(self.tr("Local time ({zone})").format(zone=local))
        self.exchange_action.setChecked(not chart.local_time)
        self.local_action.setChecked(chart.local_time)
        self.setText(self.tr("Local time") if chart.local_time else self.tr("Exchange time"))
        self.setToolTip(self.tr("Times on the chart are in {zone}").format(
            zone=local if chart.local_time else exchange))  # fmt: skip


def _zone_name(tz: tzinfo | None) -> str:
    return str(getattr(tz, "key", None) or tz or "")


class ChartToolbar(QHBoxLayout):
    """The row above the panes; the chart reads its boxes and buttons."""

    def __init__(self, chart: CandleChart, symbols: list[str]) -> None:
        super().__init__()
        self.setContentsMargins(4, 2, 4, 0)
        self.symbol_box = symbol_box(symbols)
        self.symbol_box.activated.connect(lambda _: chart.set_symbol(self.symbol_box.currentText()))
        self.symbol_box.setMinimumWidth(175)
        self.symbol_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.symbol_box.setMinimumContentsLength(8)
        self.timeframe_box = QComboBox()
        self.timeframe_box.activated.connect(
            lambda _: chart.set_timeframe(self.timeframe_box.currentText())
        )
        self.addWidget(self.symbol_box)
        self.addWidget(self.timeframe_box)
        self.zone_button = TimeZoneButton(chart)
        self.history_status = HistoryStatus(chart.bridge)

    def finish(self, *buttons: QWidget) -> None:
        """Add the chart's menu buttons, then the clock and the history line at the right."""
        for button in buttons:
            self.addWidget(button)
        self.addStretch(1)
        self.addWidget(self.history_status)
        self.addWidget(self.zone_button)
