"""The chart's stacked panes: price on top, volume under it, then one pane per oscillator.

They share one x axis (the bar index); the lowest pane carries the time labels, and every
pane's value scale is as wide as the widest, so the panes stay aligned.
"""

from __future__ import annotations

from datetime import tzinfo

import pyqtgraph as pg

from terminal.ui.chart.axes import PriceAxis, TimeAxis
from terminal.ui.chart.data import BarBuffer
from terminal.ui.theme import Theme

PRICE_AXIS_PX = 70


class ChartPanes:
    """The plots of one chart's ``graphics`` over its ``buffer``."""

    def __init__(self, graphics: pg.GraphicsLayoutWidget, buffer: BarBuffer, theme: Theme) -> None:
        self.graphics, self.buffer, self.theme = graphics, buffer, theme
        self.price_axis = PriceAxis()
        self.time_axis = TimeAxis(buffer)
        self.price = self.add(0, 4, {"bottom": self.time_axis, "right": self.price_axis})
        self.volume_axis = TimeAxis(buffer)
        self.volume = self.add(1, 1, {"bottom": self.volume_axis, "right": PriceAxis(compact=True)})
        self.price.getAxis("bottom").setStyle(showValues=False)
        self.price.getAxis("bottom").setHeight(0)

    def add(self, row: int, stretch: int, axes: dict[str, pg.AxisItem]) -> pg.PlotItem:
        """A plot in ``row`` sharing the price plot's x axis, value scale on the right."""
        plot = self.graphics.addPlot(row=row, col=0, axisItems=axes)
        self.graphics.ci.layout.setRowStretchFactor(row, stretch)
        plot.showAxis("right")
        plot.hideAxis("left")
        plot.showGrid(x=False, y=False)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        right = plot.getAxis("right")
        right.setWidth(self.price_axis.fixedWidth if row else PRICE_AXIS_PX)  # as the others
        if isinstance(right, PriceAxis):
            right.widen = self.widen
        view = plot.getViewBox()
        view.setMouseEnabled(x=True, y=False)
        view.disableAutoRange()
        self._color_axes(plot)
        if row > 0:
            plot.setXLink(self.graphics.getItem(0, 0))
        return plot

    def widen(self, width: int) -> None:
        """Every pane's value scale ``width`` wide, so the panes stay aligned."""
        for pane in self.all():
            pane.getAxis("right").setWidth(width)

    def add_indicator_pane(self) -> pg.PlotItem:
        """A new pane at the bottom for an oscillator; it takes over the time labels."""
        row = self.graphics.ci.layout.rowCount()
        pane = self.add(row, 1, {"bottom": TimeAxis(self.buffer), "right": PriceAxis()})
        pane.getAxis("bottom").set_time(self.time_axis.bar_seconds, self.time_axis.tz)
        self._label_bottom_pane()
        return pane

    def remove(self, pane: pg.PlotItem) -> None:
        self.graphics.removeItem(pane)
        self._label_bottom_pane()

    def all(self) -> list[pg.PlotItem]:
        """The plots top to bottom: price, volume, then indicator panes."""
        items = [item for item in self.graphics.ci.items if isinstance(item, pg.PlotItem)]
        return sorted(items, key=lambda item: self.graphics.ci.items[item][0][0])

    def _label_bottom_pane(self) -> None:
        panes = self.all()
        for pane in panes[1:]:
            axis = pane.getAxis("bottom")
            last = pane is panes[-1]
            axis.setStyle(showValues=last)
            axis.setHeight(None if last else 0)

    def set_time(self, bar_seconds: float, tz: tzinfo | None) -> None:
        """Every pane's time labels for bars ``bar_seconds`` long, in ``tz`` (None: local)."""
        for pane in self.all():
            pane.getAxis("bottom").set_time(bar_seconds, tz)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.graphics.setBackground(theme.background)
        for pane in self.all():
            self._color_axes(pane)

    def _color_axes(self, plot: pg.PlotItem) -> None:
        for name in ("right", "bottom"):
            plot.getAxis(name).setPen(self.theme.grid)
            plot.getAxis(name).setTextPen(self.theme.foreground)
