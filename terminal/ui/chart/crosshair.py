"""The chart's crosshair: a vertical line through every pane, a horizontal one in the pane under
the cursor with its value on that pane's axis, and a readout of the bar under the cursor."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from terminal.ui import formatting as fmt
from terminal.ui.chart.items import PriceAxis

if TYPE_CHECKING:
    from terminal.ui.chart.chart import CandleChart

# (index) -> [(name, value text, colour)] shown after the bar's own figures
ReadoutSource = Callable[[int], list[tuple[str, str, str]]]


class Crosshair:
    """Follows the mouse over ``chart``; ``show_at`` places it by bar index (tests, keys)."""

    def __init__(self, chart: CandleChart) -> None:
        self.chart = chart
        self.sources: list[ReadoutSource] = []
        self._vertical: dict[int, pg.InfiniteLine] = {}
        self._horizontal: dict[int, pg.InfiniteLine] = {}
        self.index: int | None = None
        self.text = ""  # the readout as plain text, for the log and tests
        chart.graphics.scene().sigMouseMoved.connect(self._on_mouse)
        chart.graphics.scene().sigMouseClicked.connect(self._on_click)
        # Other bars now: what the crosshair read out belongs to the previous ones.
        chart.symbol_changed.connect(self.clear)
        chart.timeframe_changed.connect(self.clear)

    def clear(self) -> None:
        """Hide the lines, the axis label and the readout until the mouse moves again."""
        self.index = None
        for line in (*self._vertical.values(), *self._horizontal.values()):
            line.setVisible(False)
        for plot in self._plots():
            axis = plot.getAxis("right")
            if isinstance(axis, PriceAxis):
                axis.set_marker("cross", None)
        self.chart.readout.setText("")
        self.text = ""

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
                label = f"{y:.{decimals}f}" if here and y is not None else ""
                axis.set_marker("cross", y if here else None, label, theme.grid, theme.foreground)
        self.show_readout(index)

    def _decimals(self) -> int:
        chart = self.chart
        return chart.instruments[chart.symbol].price_decimals if chart.symbol else 2

    def show_readout(self, index: int) -> None:
        chart = self.chart
        row = chart.buffer.row(index)
        if row is None:
            chart.readout.setText("")
            self.text = ""
            return
        start, o, h, low, c, v = row
        decimals = self._decimals()
        previous = chart.buffer.row(index - 1)
        base = previous[4] if previous is not None else o
        change = (c / base - 1.0) * 100.0 if base else 0.0
        theme = chart.theme
        color = theme.up if c >= o else theme.down
        when = chart.time_axis.time_text(start, "%Y-%m-%d %H:%M")  # in the exchange's time
        fields: list[tuple[str, str, str]] = [
            (name, fmt.price(value, decimals), color)
            for name, value in (("O", o), ("H", h), ("L", low), ("C", c))
        ]
        fields += [("V", fmt.big(v), theme.foreground), ("", fmt.percent(change), color)]
        for source in self.sources:
            fields += source(index)
        html = [when] + [f"{n} <span style='color:{col}'>{t}</span>" for n, t, col in fields]
        chart.readout.setText("&nbsp;&nbsp;".join(html))
        self.text = "  ".join([when] + [f"{n} {t}".strip() for n, t, _ in fields])
