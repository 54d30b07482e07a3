"""Where the labels of a pane's price lines go: inside the plot, against its right edge, each at
its line's height, pushed apart so none covers another.

The rule (#20.3): labels sit inside the plot, readable, and never hide the last-price tag. The
last-price tag lives on the price axis, outside the plot, so a label placed inside the view
box can never cover it; a line above or below the visible prices keeps its label at the top or
bottom edge with an arrow, so an order out of view is still seen.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor

from terminal.ui.chart.price_line import PriceLine

EDGE_PX = 2.0  # between a label and the plot's edges
GAP_PX = 1.0  # between two stacked labels


class LineLabels:
    """The price lines of one view box and the placing of their labels."""

    def __init__(self, view: pg.ViewBox, background: str) -> None:
        self.view = view
        self.lines: list[PriceLine] = []
        self.background = background
        view.sigRangeChanged.connect(lambda *_: self.relayout())
        view.sigResized.connect(lambda *_: self.relayout())

    def add(self, line: PriceLine) -> PriceLine:
        """Show ``line`` in this view (its label placed with the others)."""
        self.view.addItem(line.line, ignoreBounds=True)
        line.label.setParentItem(self.view)  # pixel coordinates: not scaled with the view
        line.label.background = QColor(self.background)
        line.label.set_text(line.text())
        line.on_layout = self.relayout
        self.lines.append(line)
        self.relayout()
        return line

    def remove(self, line: PriceLine) -> None:
        if line not in self.lines:
            return
        self.lines.remove(line)
        line.on_layout = lambda: None
        if line.label.hasFocus():
            line.label.clearFocus()
        self.view.removeItem(line.line)
        scene = line.label.scene()
        line.label.setParentItem(None)
        if scene is not None:
            scene.removeItem(line.label)
        self.relayout()

    def set_background(self, background: str) -> None:
        self.background = background
        for line in self.lines:
            line.label.background = QColor(background)
            line.label.update()

    def relayout(self) -> None:
        """Place every visible label: at its line, clear of the others, inside the plot."""
        height, width = float(self.view.height()), float(self.view.width())
        if height <= 0 or width <= 0:
            return
        wanted: list[tuple[float, PriceLine]] = []
        for line in self.lines:
            if not line.is_visible():
                continue
            y = self.view.mapFromView(QPointF(0.0, line.shown_price)).y()
            label = line.label
            label.set_arrow("▲" if y < 0 else "▼" if y > height else "")
            wanted.append((y - label.size().height() / 2, line))
        wanted.sort(key=lambda entry: entry[0])
        tops = _spread([top for top, _ in wanted], [ln.label.size().height() for _, ln in wanted],
                       height)  # fmt: skip
        for top, (_, line) in zip(tops, wanted, strict=True):
            label = line.label
            label.setPos(max(EDGE_PX, width - label.size().width() - EDGE_PX), top)

    def label_rects(self) -> list[QRectF]:
        """The scene rectangles of the visible labels (tests check the rule with them)."""
        return [line.label.sceneBoundingRect() for line in self.lines if line.is_visible()]


def _spread(tops: list[float], heights: list[float], room: float) -> list[float]:
    """Tops as near ``tops`` (sorted) as they can be with no two boxes overlapping and all
    inside ``[EDGE_PX, room - EDGE_PX]``; when there is not room for all, the lowest overlap."""
    placed: list[float] = []
    floor = EDGE_PX
    for top, height in zip(tops, heights, strict=True):  # downwards: push below the previous
        top = max(top, floor)
        placed.append(top)
        floor = top + height + GAP_PX
    ceiling = room - EDGE_PX
    for i in range(len(placed) - 1, -1, -1):  # upwards: pull back inside the bottom edge
        placed[i] = max(EDGE_PX, min(placed[i], ceiling - heights[i]))
        ceiling = placed[i] - GAP_PX
    return placed
