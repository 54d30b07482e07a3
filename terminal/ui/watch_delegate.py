"""Paints market-watch cells straight from the model's cached texts.

Qt's default delegate asks the model for eight roles per cell, each a call into Python; this
one makes one call per cell, which is most of a repaint's cost on a large watchlist.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from terminal.ui.market_watch_model import MarketWatchModel
from terminal.ui.watch_columns import COLUMNS

_SELECTED = QStyle.StateFlag.State_Selected
_ALIGN = [
    (Qt.AlignmentFlag.AlignLeft if c.value is None else Qt.AlignmentFlag.AlignRight)
    | Qt.AlignmentFlag.AlignVCenter
    for c in COLUMNS
]
PADDING = 5
FLASH_ALPHA = 90


class QuoteDelegate(QStyledItemDelegate):
    """Selection, flash background, up/down colour and right-aligned numbers in one pass."""

    def __init__(self, model: MarketWatchModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.update_colors()

    def update_colors(self) -> None:
        """Re-read the up/down colours after a theme change."""
        self._flash_up = QColor(self._model.up_color())
        self._flash_up.setAlpha(FLASH_ALPHA)
        self._flash_down = QColor(self._model.down_color())
        self._flash_down.setAlpha(FLASH_ALPHA)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        model = self._model
        row, column = index.row(), index.column()
        rect = option.rect
        palette = option.palette
        if option.state & _SELECTED:
            painter.fillRect(rect, palette.highlight())
            color: QColor | None = palette.highlightedText().color()
        else:
            flash = model.flash_at(row, column)
            if flash:
                painter.fillRect(rect, self._flash_up if flash > 0 else self._flash_down)
            color = model.color_at(row, column)
            if color is None:
                color = palette.text().color()
        painter.setPen(color)
        painter.drawText(
            rect.adjusted(PADDING, 0, -PADDING, 0), _ALIGN[column], model.text_at(row, column)
        )
