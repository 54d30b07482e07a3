"""Indicators on the chart: overlays on the price pane, oscillators in panes of their own.

Values come from ``terminal.engine.indicators``: computed vectorized when bars load, pushed
bar by bar as bars close, peeked for the forming bar each refresh. Curves draw only the
visible bars; zoomed out, one sample per level-of-detail bucket (its last bar), so a curve
costs about one point per pixel column whatever the history length.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter

from terminal.engine.indicators import Indicator
from terminal.ui.chart.data import CLOSE
from terminal.ui.chart.items import (
    BODY_WIDTH,
    ViewBoundItem,
    device_rects,
    device_scale,
    mix,
    visible_span,
)
from terminal.ui.theme import Theme

if TYPE_CHECKING:
    from terminal.ui.chart.chart import CandleChart

class IndicatorSeries:
    """One indicator's output lines over the chart's bars, kept in step with them."""

    def __init__(self, indicator: Indicator) -> None:
        self.indicator = indicator
        self.values: dict[str, np.ndarray] = {}
        self.count = 0
        self.forming: dict[str, float] = {}

    def load(self, close: np.ndarray) -> None:
        self.values = {k: v.copy() for k, v in self.indicator.compute(close).items()}
        self.count = len(close)

    def extend(self, closes: np.ndarray) -> None:
        for close in closes.tolist():
            row = self.indicator.push(close)
            if self.count == len(next(iter(self.values.values()))):
                self.values = {
                    k: np.concatenate([v, np.full(max(256, len(v)), np.nan)])
                    for k, v in self.values.items()
                }
            for name, value in row.items():
                self.values[name][self.count] = value
            self.count += 1

    def value_at(self, name: str, index: int) -> float:
        if 0 <= index < self.count:
            return float(self.values[name][index])
        if index == self.count:
            return self.forming.get(name, math.nan)
        return math.nan

    def samples(self, name: str, first: int, stop: int, step: int) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the visible bars, one per ``step`` bars (the bucket's last)."""
        closed = self.values[name][: self.count]
        first, end = max(0, first), min(stop, self.count)
        if step > 1:
            first = (first // step) * step + step - 1
        x = np.arange(first, end, step, dtype=np.float64) if end > first else np.empty(0)
        y = closed[first:end:step] if end > first else np.empty(0)
        if stop > self.count and name in self.forming:
            x, y = np.append(x, self.count), np.append(y, self.forming[name])
        return x, y


class IndicatorCurve(ViewBoundItem):
    """One output line of an indicator, drawn over the visible bars only."""

    def __init__(self, series: IndicatorSeries, name: str, color: str) -> None:
        super().__init__()
        self.series, self.name, self.color = series, name, color
        self._pen = pg.mkPen(color, width=1.3)

    def samples(self) -> tuple[np.ndarray, np.ndarray]:
        view = self.getViewBox()
        if view is None or not self.series.values:
            return np.empty(0), np.empty(0)
        return self.series.samples(self.name, *visible_span(view))

    def paint(self, painter: QPainter, *_: Any) -> None:
        x, y = self.samples()
        if len(x) < 2:
            return
        painter.setPen(self._pen)
        painter.drawPath(pg.arrayToQPath(x, y, connect="finite"))


class HistogramBars(IndicatorCurve):
    """An output drawn as bars from zero (MACD's histogram), in the up colour above zero and
    the down colour below, softened like the volume bars; one call per colour."""

    def __init__(self, series: IndicatorSeries, name: str, theme: Theme) -> None:
        super().__init__(series, name, theme.foreground)
        self._rects = {True: PrimitiveArray(QRectF, 4), False: PrimitiveArray(QRectF, 4)}
        self.set_theme(theme)

    def set_theme(self, theme: Theme) -> None:
        background = theme.color("background")
        self._colors = {True: mix(theme.color("up"), background),
                        False: mix(theme.color("down"), background)}  # fmt: skip
        self.update()

    def paint(self, painter: QPainter, *_: Any) -> None:
        x, y = self.samples()
        finite = np.isfinite(y)
        x, y = x[finite], y[finite]
        if not len(x):
            return
        view = self.getViewBox()
        step = visible_span(view)[2] if view is not None else 1
        scale = device_scale(painter)
        painter.save()
        painter.resetTransform()
        painter.setPen(Qt.PenStyle.NoPen)
        for up in (True, False):
            mask = (y >= 0) if up else (y < 0)
            if mask.any():
                painter.setBrush(self._colors[up])
                half = BODY_WIDTH * step / 2
                ys = y[mask]
                painter.drawRects(*device_rects(self._rects[up], scale, x[mask], half,
                                                np.zeros_like(ys), ys))  # fmt: skip
        painter.restore()


HISTOGRAMS = {("MACD", "hist")}  # (indicator kind, output) drawn as bars


class ChartIndicators:
    """The indicators shown on one chart, with their curves, panes and readout."""

    def __init__(self, chart: CandleChart) -> None:
        self.chart = chart
        self.series: list[IndicatorSeries] = []
        self._curves: dict[int, list[IndicatorCurve]] = {}
        self._panes: dict[int, pg.PlotItem] = {}
        self._generation = -1
        chart.after_refresh.append(self.sync)
        chart.price_plot.sigXRangeChanged.connect(lambda *_: self.fit_panes())
        chart.price_extents.append(self.overlay_extent)

    @property
    def theme(self) -> Theme:
        """The chart's theme (the dialogs editing an indicator draw with it)."""
        return self.chart.theme

    def add(self, indicator: Indicator) -> IndicatorSeries:
        series = IndicatorSeries(indicator)
        series.load(self.chart.buffer.column(CLOSE))
        self.series.append(series)
        palette = list(self.chart.theme.series)  # each new indicator starts one colour on
        colors = iter(palette[(len(self.series) - 1) % len(palette) :] + palette)
        plot = self.chart.price_plot if indicator.overlay else self._new_pane(series)
        curves = [
            HistogramBars(series, name, self.chart.theme)
            if (indicator.kind, name) in HISTOGRAMS
            else IndicatorCurve(series, name, next(colors))
            for name in indicator.outputs
        ]
        for curve in curves:
            plot.addItem(curve)
        self._curves[id(series)] = curves
        self._peek(series)
        self.fit_panes()
        return series

    def remove(self, series: IndicatorSeries) -> None:
        for curve in self._curves.pop(id(series), []):
            if curve.scene() is not None:
                curve.getViewBox().removeItem(curve)
        pane = self._panes.pop(id(series), None)
        if pane is not None:
            self.chart.remove_pane(pane)
        self.series.remove(series)

    def replace(self, series: IndicatorSeries, indicator: Indicator) -> IndicatorSeries:
        """New parameters: the same place in the list, recomputed on the held bars."""
        position = self.series.index(series)
        self.remove(series)
        added = self.add(indicator)
        self.series.insert(position, self.series.pop())
        return added

    def _new_pane(self, series: IndicatorSeries) -> pg.PlotItem:
        pane = self.chart.add_indicator_pane()
        if series.indicator.kind == "RSI":
            for level in (30.0, 70.0):
                line = pg.InfiniteLine(level, angle=0, pen=pg.mkPen(self.chart.theme.grid))
                pane.addItem(line, ignoreBounds=True)
        self._panes[id(series)] = pane
        return pane

    def set_theme(self, theme: Theme) -> None:
        for curves in self._curves.values():
            for curve in curves:
                if isinstance(curve, HistogramBars):
                    curve.set_theme(theme)

    # ---- live ------------------------------------------------------------------------------
    def sync(self) -> None:
        """Follow the chart's bars: recompute on reload, push closed bars, peek the forming."""
        buffer = self.chart.buffer
        reload = buffer.generation != self._generation
        self._generation = buffer.generation
        for series in self.series:
            if reload or series.count > buffer.size:
                series.load(buffer.column(CLOSE))
            elif series.count < buffer.size:
                series.extend(buffer.column(CLOSE)[series.count :])
            self._peek(series)
        for curves in self._curves.values():
            for curve in curves:
                curve.update()
        self.fit_panes()

    def _peek(self, series: IndicatorSeries) -> None:
        forming = self.chart.buffer.forming
        series.forming = series.indicator.peek(forming[4]) if forming is not None else {}

    def fit_panes(self) -> None:
        for key, pane in self._panes.items():
            curves = self._curves.get(key, [])
            extent = _extent(curves)
            if extent is not None:
                low, high = extent
                if any(isinstance(curve, HistogramBars) for curve in curves):
                    low, high = min(low, 0.0), max(high, 0.0)  # bars stand on zero
                pad = (high - low) * 0.08 or 1.0
                pane.setYRange(low - pad, high + pad, padding=0)

    def overlay_extent(self) -> tuple[float, float] | None:
        """Lowest and highest visible value of the overlays on the price pane."""
        overlays = [id(series) for series in self.series if series.indicator.overlay]
        return _extent([curve for key in overlays for curve in self._curves.get(key, [])])

    def legend_rows(self, index: int) -> list[tuple[pg.PlotItem, list[tuple[str, str, str]]]]:
        """(pane, legend row) of each indicator at bar ``index``: its label, then the value
        of each line in the line's colour (a histogram's in the colour of its sign)."""
        rows = []
        decimals = self.chart.price_decimals()
        for series in self.series:
            kind = series.indicator.kind
            places = {"RSI": 2, "MACD": decimals + 2}.get(kind, decimals)
            row = []
            for curve in self._curves.get(id(series), []):
                value = series.value_at(curve.name, index)
                color = curve.color
                if isinstance(curve, HistogramBars) and not math.isnan(value):
                    color = self.chart.theme.up if value >= 0 else self.chart.theme.down
                row.append(("", "–" if math.isnan(value) else f"{value:.{places}f}", color))
            if row:
                row[0] = (series.indicator.label, *row[0][1:])
            rows.append((self._panes.get(id(series), self.chart.price_plot), row))
        return rows


def _extent(curves: list[IndicatorCurve]) -> tuple[float, float] | None:
    """Lowest and highest finite visible value of ``curves`` (None if there is none)."""
    values = [curve.samples()[1] for curve in curves]
    data = np.concatenate(values) if values else np.empty(0)
    data = data[np.isfinite(data)]
    return (float(data.min()), float(data.max())) if len(data) else None
