"""The ticket's quote line and five-level depth: clicking a price puts it in the ticket."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from terminal.domain.market import Tick
from terminal.ui import formatting as fmt
from terminal.ui.i18n import translate
from terminal.ui.trading.depth import HEADERS

DEPTH_LEVELS = 5


class PriceLabel(QLabel):
    """A depth price: clicking it puts the price in the ticket."""

    clicked = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self.value = math.nan
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not math.isnan(self.value):
            self.clicked.emit(self.value)
        super().mousePressEvent(event)


class QuoteDepth(QWidget):
    """Last, bid and ask on one line, then the depth: bid size, bid, ask, ask size per level."""

    price_clicked = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.quote = QLabel()
        self.levels: list[tuple[QLabel, PriceLabel, PriceLabel, QLabel]] = []
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        for column, title in enumerate(HEADERS):
            header = QLabel(translate("Depth", title))
            header.setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(header, 0, column)
        for level in range(DEPTH_LEVELS):
            bid, ask = PriceLabel(), PriceLabel()
            bid.clicked.connect(self.price_clicked)
            ask.clicked.connect(self.price_clicked)
            row = (QLabel(), bid, ask, QLabel())
            for column, label in enumerate(row):
                label.setAlignment(Qt.AlignmentFlag.AlignRight)
                grid.addWidget(label, level + 1, column)
            self.levels.append(row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.quote)
        layout.addLayout(grid)

    def show_tick(self, tick: Tick | None, decimals: int) -> None:
        """Show ``tick`` with prices on ``decimals``; None empties everything (no quote yet)."""
        if tick is None:
            self.quote.setText("")
            for row in self.levels:
                _level(row[0], row[1], (), (), 0, decimals)
                _level(row[3], row[2], (), (), 0, decimals)
            return
        self.quote.setText(
            self.tr("Last {last}   Bid {bid}   Ask {ask}").format(
                last=fmt.price(tick.last, decimals), bid=fmt.price(tick.bid, decimals),
                ask=fmt.price(tick.ask, decimals))
        )
        for level, (bid_size, bid, ask_price, ask_size) in enumerate(self.levels):
            _level(bid_size, bid, tick.bid_sizes, tick.bid_prices, level, decimals)
            _level(ask_size, ask_price, tick.ask_sizes, tick.ask_prices, level, decimals)


def _level(
    size_label: QLabel,
    price_label: PriceLabel,
    sizes: tuple[float, ...],
    prices: tuple[float, ...],
    level: int,
    decimals: int,
) -> None:
    if level < len(prices):
        price_label.value = prices[level]
        price_label.setText(fmt.price(prices[level], decimals))
        size_label.setText(fmt.quantity(sizes[level]) if level < len(sizes) else "")
    else:
        price_label.value = math.nan
        price_label.setText("")
        size_label.setText("")
