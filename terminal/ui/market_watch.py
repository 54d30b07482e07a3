"""The market watch dock: live quotes for the watchlist."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from terminal.domain.enums import Side
from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.ui.market_watch_model import MarketWatchModel
from terminal.ui.theme import Theme


class _WatchTable(QTableView):
    enter_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)


class MarketWatch(QWidget):
    """Quotes table. Double-click opens the chart; Enter fills the order ticket (buy at ask)."""

    symbol_activated = Signal(str)
    order_requested = Signal(str, object)  # symbol, Side

    def __init__(
        self,
        instruments: dict[str, Instrument],
        symbols: list[str],
        theme: Theme,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = MarketWatchModel(instruments, theme, self)
        self.model.set_symbols(symbols or sorted(instruments))
        self.table = _WatchTable(self)
        self.table.setObjectName("marketWatchTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        self.table.setColumnWidth(0, 130)
        self.table.setColumnWidth(1, 120)
        for column in range(2, self.model.columnCount()):
            self.table.setColumnWidth(column, 82)
        self.table.doubleClicked.connect(
            lambda index: self.symbol_activated.emit(self.model.symbol_at(index.row()))
        )
        self.table.enter_pressed.connect(self._request_order)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def update_ticks(self, ticks: dict[str, Tick]) -> None:
        self.model.update(ticks)

    def selected_symbol(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.symbol_at(index.row()) if index.isValid() else None

    def _request_order(self) -> None:
        symbol = self.selected_symbol()
        if symbol is not None:
            self.order_requested.emit(symbol, Side.BUY)
