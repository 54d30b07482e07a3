"""The circuit breakers in the Health dock: all armed, or each trip with its figures, and the
one way to lift a trip — a person selects it and presses Re-arm."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from terminal.domain.events import BreakerTripped
from terminal.ui import layouts
from terminal.ui.theme import Theme

ARMED = "Circuit breakers: all armed"


def trip_text(trip: BreakerTripped) -> str:
    """One line per trip: which breaker, on what, what it stopped, and the figures."""
    stopped = "everything" if trip.scope == "all" else trip.target
    return f"{trip.breaker} ({trip.target}) stopped {stopped}: {trip.reason}"


class BreakersBox(QWidget):
    """Shows the trips; ``rearm_requested`` carries the one a person chose to re-arm."""

    rearm_requested = Signal(object)  # BreakerTripped

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        self.summary = QLabel(ARMED)
        # A one-column table, not a list: it takes the theme's table colours.
        self.trips = QTableWidget(0, 1)
        self.trips.horizontalHeader().hide()
        self.trips.verticalHeader().hide()
        self.trips.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.trips.verticalHeader().setDefaultSectionSize(22)
        self.trips.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trips.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.trips.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.trips.setMaximumHeight(72)
        self.rearm_button = QPushButton("Re-arm…")
        self.rearm_button.setToolTip("Lift the selected trip: its strategies may start again")
        self.rearm_button.clicked.connect(self._rearm_selected)
        self.trips.itemSelectionChanged.connect(self._update_button)
        layouts.column(layouts.row((self.summary, 1), self.rearm_button), self.trips, owner=self)
        self.show_trips([])

    def show_trips(self, trips: list[BreakerTripped]) -> None:
        self.trips.setRowCount(len(trips))
        for row, trip in enumerate(trips):
            item = QTableWidgetItem(trip_text(trip))
            item.setData(Qt.ItemDataRole.UserRole, trip)
            item.setForeground(self._theme.color("bad"))
            item.setToolTip(trip_text(trip))
            self.trips.setItem(row, 0, item)
        self.trips.setVisible(bool(trips))
        if trips:
            count = len(trips)
            self.summary.setText(f"⚠ {count} circuit breaker(s) tripped: select one to re-arm")
            self.summary.setStyleSheet(f"color: {self._theme.bad}")
            self.trips.setCurrentCell(0, 0)
        else:
            self.summary.setText(ARMED)
            self.summary.setStyleSheet("")
        self._update_button()

    def _update_button(self) -> None:
        self.rearm_button.setEnabled(self.trips.currentItem() is not None)

    def _rearm_selected(self) -> None:
        item = self.trips.currentItem()
        if item is not None:
            self.rearm_requested.emit(item.data(Qt.ItemDataRole.UserRole))
