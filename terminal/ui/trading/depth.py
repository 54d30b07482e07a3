"""Five levels of bid/ask depth for the symbol selected in the market watch; clicking a price
puts it in the order ticket."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.market import Tick
from terminal.ui import formatting as fmt
from terminal.ui.bridge import EngineBridge
from terminal.ui.i18n import QT_TRANSLATE_NOOP, translate
from terminal.ui.theme import Theme

LEVELS = 5
HEADERS = (  # translated where shown, in the context "Depth"
    QT_TRANSLATE_NOOP("Depth", "Bid size"), QT_TRANSLATE_NOOP("Depth", "Bid"),
    QT_TRANSLATE_NOOP("Depth", "Ask"), QT_TRANSLATE_NOOP("Depth", "Ask size"),
)  # fmt: skip
PRICE_COLUMNS = (1, 2)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class DepthPanel(QWidget):
    """Level 1 on top; bids in the up colour, asks in the down colour. Updated per refresh."""

    price_clicked = Signal(str, float)
    """(symbol, price) of a bid or ask price cell the user clicked."""

    def __init__(self, bridge: EngineBridge, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.symbol = ""
        self._shown: Tick | None = None
        self.title = QLabel(self.tr("No symbol selected"))
        self.title.setObjectName("depthTitle")
        self.table = QTableWidget(LEVELS, len(HEADERS), self)
        self.table.setObjectName("depthTable")
        self.table.setHorizontalHeaderLabels([translate("Depth", title) for title in HEADERS])
        self.table.setVerticalHeaderLabels([str(level + 1) for level in range(LEVELS)])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self._cells = [[QTableWidgetItem() for _ in HEADERS] for _ in range(LEVELS)]
        for level, row in enumerate(self._cells):
            for column, item in enumerate(row):
                item.setTextAlignment(_RIGHT)
                if column in PRICE_COLUMNS:
                    item.setToolTip(self.tr("Click to put this price in the order ticket"))
                self.table.setItem(level, column, item)
        self.table.clicked.connect(self._on_click)
        self.set_theme(theme)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        bridge.ticks_changed.connect(self._on_ticks)

    def set_theme(self, theme: Theme) -> None:
        for row in self._cells:
            for column, item in enumerate(row):
                item.setForeground(theme.color("up" if column < 2 else "down"))

    def set_symbol(self, symbol: str) -> None:
        """Show the depth of ``symbol``, from its latest quote on."""
        self.symbol = symbol
        instrument = self._bridge.instrument(symbol)
        self.title.setText(f"{symbol}  {instrument.name}" if instrument else symbol)
        self.show_tick(self._bridge.latest(symbol))

    def _on_ticks(self, ticks: dict[str, Tick]) -> None:
        tick = ticks.get(self.symbol)
        if tick is not None:
            self.show_tick(tick)

    def show_tick(self, tick: Tick | None) -> None:
        self._shown = tick
        instrument = self._bridge.instrument(self.symbol)
        decimals = instrument.price_decimals if instrument else 2
        for level, row in enumerate(self._cells):
            values = (
                _level(tick.bid_sizes, level, fmt.quantity) if tick else "",
                _level(tick.bid_prices, level, lambda v: fmt.price(v, decimals)) if tick else "",
                _level(tick.ask_prices, level, lambda v: fmt.price(v, decimals)) if tick else "",
                _level(tick.ask_sizes, level, fmt.quantity) if tick else "",
            )
            for item, text in zip(row, values, strict=True):
                if item.text() != text:
                    item.setText(text)

    def _on_click(self, index: QModelIndex) -> None:
        """The price the user sees in that cell (the tick shown), not a newer one."""
        tick, level = self._shown, index.row()
        if tick is None or index.column() not in PRICE_COLUMNS:
            return
        prices = tick.bid_prices if index.column() == 1 else tick.ask_prices
        if level < len(prices) and not math.isnan(prices[level]):
            self.price_clicked.emit(self.symbol, prices[level])

    def cell_text(self, level: int, column: int) -> str:
        return self._cells[level][column].text()


def _level(values: tuple[float, ...], level: int, show: Callable[[float], str]) -> str:
    if level >= len(values) or math.isnan(values[level]):
        return ""
    return show(values[level])
