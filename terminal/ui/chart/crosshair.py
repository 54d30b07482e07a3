"""The chart's crosshair: a vertical line through every pane, a horizontal one in the pane under
the cursor with its value on that pane's axis; the panes' legends read the bar under it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from terminal.ui import formatting as fmt
from terminal.ui.chart.axes import PriceAxis

if TYPE_CHECKING:
    from terminal.ui.chart.chart import CandleChart


class Crosshair:
    """Follows the mouse over ``chart``; ``show_at`` places it by bar index (tests, keys)."""

    def __init__(self, chart: CandleChart) -> None:
        self.chart = chart
        self._vertical: dict[int, pg.InfiniteLine] = {}
        self._horizontal: dict[int, pg.InfiniteLine] = {}
        self.index: int | None = None
        chart.graphics.scene().sigMouseMoved.connect(self._on_mouse)
        chart.graphics.scene().sigMouseClicked.connect(self._on_click)
        # Other bars now: what the crosshair read out belongs to the previous ones.
        chart.symbol_changed.connect(self.clear)
        chart.timeframe_changed.connect(self.clear)

    @property
    def text(self) -> str:
        """What the legends read at the crosshair, as plain text ("" while it is hidden)."""
        return "" if self.index is None else self.chart.legends.text()

    def clear(self) -> None:
        """Hide the lines and the axis label until the mouse moves again; the legends go back
        to the latest bar."""
        self.index = None
        for line in (*self._vertical.values(), *self._horizontal.values()):
            line.setVisible(False)
        for plot in self._plots():
            axis = plot.getAxis("right")
            if isinstance(axis, PriceAxis):
                axis.set_marker("cross", None)
        self.chart.legends.show(None)

    def _pen(self) -> object:
        return pg.mkPen(self.chart.theme.foreground, width=1, style=Qt.PenStyle.DotLine)

    def _plots(self) -> list[pg.PlotItem]:
        items = self.chart.graphics.ci.items
        return [item for item in items if isinstance(item, pg.PlotItem)]

    def _lines(self, plot: pg.PlotItem) -> tuple[pg.InfiniteLine, pg.InfiniteLine]:
        key = id(plot)
        if key not in self._vertical:
            self._vertical[key] = pg.InfiniteLine(angle=90, movable=False, pen=self._pen())
            self._horizontal[key] = pg.InfiniteLine(angle=0, movable=False, pen=self._pen())
            plot.addItem(self._vertical[key], ignoreBounds=True)
            plot.addItem(self._horizontal[key], ignoreBounds=True)
        return self._vertical[key], self._horizontal[key]

    def _on_click(self, event: object) -> None:
        if getattr(event, "double", lambda: False)():
            self.chart.go_latest()

    def _on_mouse(self, position: QPointF) -> None:
        for plot in self._plots():
            if plot.sceneBoundingRect().contains(position):
                point = plot.getViewBox().mapSceneToView(position)
                self.show_at(round(point.x()), plot, point.y())
                return

    def show_at(self, index: int, plot: pg.PlotItem | None = None, y: float | None = None) -> None:
        """Put the vertical line on bar ``index`` in every pane; the horizontal one at ``y``
        in ``plot`` (hidden elsewhere)."""
        self.index = index
        for each in self._plots():
            vertical, horizontal = self._lines(each)
            vertical.setValue(index)
            vertical.setVisible(True)
            here = each is plot and y is not None
            horizontal.setVisible(here)
            axis = each.getAxis("right")
            if here and y is not None:
                horizontal.setValue(y)
            if isinstance(axis, PriceAxis):
                theme = self.chart.theme
                decimals = self._decimals()
                label = "" if not here or y is None else (
                    fmt.big(y) if axis.compact else f"{y:.{decimals}f}")
                axis.set_marker("cross", y if here else None, label, theme.grid, theme.foreground)
        self.show_readout(index)

    def _decimals(self) -> int:
        return self.chart.price_decimals()

    def show_readout(self, index: int) -> None:
        self.chart.legends.show(index if self.chart.buffer.row(index) is not None else None)
