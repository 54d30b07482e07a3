"""Paints the market watch's rows straight from the model's cached texts.

``QTableView`` paints cell by cell: per cell it asks the model for flags and selection, has the
(style-sheet) style draw the row panel, then calls the delegate, which asks for eight roles —
each a call into Python. This painter is one Python call per repaint: per dirty row it fills
the background, per visible column it draws the flash and the text. With the model telling
the view about changed rows only, a refresh repaints a few rows, each cheaply.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QRegion
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QTableView

from terminal.ui.watch.columns import COLUMNS
from terminal.ui.watch.model import MarketWatchModel

PADDING = 5
FLASH_ALPHA = 70
_ALIGN = [
    (
        (Qt.AlignmentFlag.AlignLeft if c.value is None else Qt.AlignmentFlag.AlignRight)
        | Qt.AlignmentFlag.AlignVCenter
    ).value
    for c in COLUMNS
]


class RowPainter:
    """Draws visible rows of a :class:`MarketWatchModel` into its view's viewport."""

    def __init__(self, view: QTableView, model: MarketWatchModel) -> None:
        self._view = view
        self._model = model
        self.update_colors()

    def update_colors(self) -> None:
        """Re-read the up/down colours after a theme change."""
        self._flash_up = QColor(self._model.up_color())
        self._flash_up.setAlpha(FLASH_ALPHA)
        self._flash_down = QColor(self._model.down_color())
        self._flash_down.setAlpha(FLASH_ALPHA)

    def paint(self, event: QPaintEvent) -> None:
        view, model = self._view, self._model
        rows = model.rowCount()
        if rows == 0:
            return
        region: QRegion = event.region()
        bounds = event.rect()
        first = view.rowAt(bounds.top())
        last = view.rowAt(bounds.bottom())
        if first < 0:
            return
        last = rows - 1 if last < 0 else last
        header = view.horizontalHeader()
        columns = []
        for visual in range(header.count()):
            column = header.logicalIndex(visual)
            if header.isSectionHidden(column):
                continue
            x, width = view.columnViewportPosition(column), header.sectionSize(column)
            if x + width > bounds.left() and x < bounds.right() + 1:
                columns.append((column, x + PADDING, width - 2 * PADDING, x + width - 1))
        if not columns:
            return
        palette = view.palette()
        base, alternate = palette.base().color(), palette.alternateBase().color()
        highlight, highlighted_text = palette.highlight().color(), palette.highlightedText().color()
        text_color = palette.text().color()
        option = QStyleOptionViewItem()
        grid = QColor.fromRgba(
            view.style().styleHint(QStyle.StyleHint.SH_Table_GridLineColor, option, view)
            & 0xFFFFFFFF
        )
        selection = view.selectionModel()
        selected = (
            {i.row() for i in selection.selectedRows()} if selection.hasSelection() else set()
        )
        current = view.currentIndex().row()
        alternating = view.alternatingRowColors()
        show_grid = view.showGrid()
        left, right = bounds.left(), bounds.right()
        row_height = view.rowHeight(first)
        painter = QPainter(view.viewport())
        text_at, color_at, flash_at = model.text_at, model.color_at, model.flash_at
        flash_up, flash_down = self._flash_up, self._flash_down
        for row in range(first, last + 1):
            y = view.rowViewportPosition(row)
            if not region.intersects(QRect(left, y, right - left + 1, row_height)):
                continue
            is_selected = row in selected
            if is_selected:
                background = highlight
            else:
                background = alternate if alternating and row % 2 else base
            painter.fillRect(left, y, right - left + 1, row_height, background)
            text_y, text_h = y, row_height - 1
            for column, text_x, text_w, cell_right in columns:
                if is_selected:
                    pen = highlighted_text
                else:
                    flash = flash_at(row, column)
                    if flash:
                        painter.fillRect(
                            text_x - PADDING,
                            y,
                            text_w + 2 * PADDING,
                            row_height - 1,
                            flash_up if flash > 0 else flash_down,
                        )
                    pen = color_at(row, column) or text_color
                painter.setPen(pen)
                painter.drawText(
                    text_x, text_y, text_w, text_h, _ALIGN[column], text_at(row, column)
                )
                if show_grid:
                    painter.setPen(grid)
                    painter.drawLine(cell_right, y, cell_right, y + row_height - 1)
            if show_grid:
                painter.setPen(grid)
                painter.drawLine(left, y + row_height - 1, right, y + row_height - 1)
            if row == current and view.hasFocus():
                painter.setPen(highlighted_text if is_selected else text_color)
                painter.drawRect(left, y, right - left, row_height - 2)
        painter.end()
