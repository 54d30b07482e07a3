"""pyqtgraph items for candles and volume, and the chart's axes.

The items draw only what is visible, at the level of detail the zoom allows (see
``chart_data``): a million bars zoomed out cost about one candle per pixel column. Rectangles
and lines go to Qt in one call per colour from numpy-filled arrays, with no Python per bar.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter

from terminal.ui.chart.data import EMPTY, BarBuffer, Buckets, lod_step

BODY_WIDTH = 0.7


def visible_span(view: pg.ViewBox) -> tuple[int, int, int]:
    """(first bar, stop bar, bars per candle) of what ``view`` shows."""
    (left, right), _ = view.viewRange()
    width = max(1.0, float(view.width()))
    step = lod_step((right - left) / width)
    return math.floor(left), math.ceil(right) + 1, step


Scale = tuple[float, float, float, float]  # view -> device: sx, sy, dx, dy


class ViewBoundItem(pg.GraphicsObject):
    """An item that draws only within its view: bounded by the visible area, never by all
    the data, and left out of auto-range (the chart fits its ranges itself)."""

    def boundingRect(self) -> QRectF:
        view = self.getViewBox()
        return QRectF() if view is None else view.viewRect()

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()
        super().viewRangeChanged()

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Any = None) -> tuple[Any, Any]:
        return (None, None)


class _BucketItem(ViewBoundItem):
    """Shared plumbing: reads a BarBuffer, paints the visible buckets, bounded by the view."""

    def __init__(self, buffer: BarBuffer, up: QColor, down: QColor) -> None:
        super().__init__()
        self.buffer = buffer
        self._up, self._down = QColor(up), QColor(down)
        self._arrays: dict[tuple[bool, int], PrimitiveArray] = {}
        self.last_drawn = 0  # candles drawn by the last paint (tests read it)

    def set_colors(self, up: QColor, down: QColor) -> None:
        self._up, self._down = QColor(up), QColor(down)
        self.update()

    def visible(self) -> Buckets:
        view = self.getViewBox()
        if view is None:
            return EMPTY
        first, stop, step = visible_span(view)
        return self.buffer.buckets(first, stop, step)

    def paint(self, painter: QPainter, *_: Any) -> None:
        buckets = self.visible()
        self.last_drawn = len(buckets)
        if not len(buckets):
            return
        # Draw in device pixels with whole-pixel rectangles and no pen: Qt's fast fill path,
        # several times quicker than stroking transformed rectangles with a cosmetic pen.
        t = painter.transform()
        scale = (t.m11(), t.m22(), t.dx(), t.dy())
        painter.save()
        painter.resetTransform()
        painter.setPen(Qt.PenStyle.NoPen)
        rising = buckets.close >= buckets.open
        for up in (True, False):
            mask = rising if up else ~rising
            if mask.any():
                painter.setBrush(self._color(up))
                self._draw(painter, buckets, mask, up, scale)
        painter.restore()

    def _color(self, up: bool) -> QColor:
        return self._up if up else self._down

    def _draw(
        self, painter: QPainter, b: Buckets, mask: np.ndarray, up: bool, scale: Scale
    ) -> None:
        raise NotImplementedError

    def _rects(
        self, key: tuple[bool, int], scale: Scale, x: np.ndarray, half: float,
        y0: np.ndarray, y1: np.ndarray, min_width: float = 1.0,
    ) -> Any:
        """Rectangles [x-half, x+half] x [y0, y1] (view units) as whole device pixels."""
        sx, sy, dx, dy = scale
        left = np.floor((x - half) * sx + dx)
        width = np.maximum(min_width, np.floor((x + half) * sx + dx) - left)
        top_a, top_b = y0 * sy + dy, y1 * sy + dy
        top = np.floor(np.minimum(top_a, top_b))
        height = np.maximum(1.0, np.ceil(np.maximum(top_a, top_b)) - top)
        rects = self._arrays.setdefault(key, PrimitiveArray(QRectF, 4))
        rects.resize(len(x))
        memory = rects.ndarray()
        memory[:, 0] = left
        memory[:, 1] = top
        memory[:, 2] = width
        memory[:, 3] = height
        return rects.drawargs()


class CandleItem(_BucketItem):
    """Candles at x = bar index (no gaps for nights, weekends or lunch breaks)."""

    def _draw(
        self, painter: QPainter, b: Buckets, mask: np.ndarray, up: bool, scale: Scale
    ) -> None:
        x = b.x[mask]
        painter.drawRects(*self._rects((up, 0), scale, x, 0.0, b.high[mask], b.low[mask]))
        half = BODY_WIDTH * b.width / 2
        bodies = self._rects((up, 1), scale, x, half, b.open[mask], b.close[mask])
        painter.drawRects(*bodies)


class VolumeItem(_BucketItem):
    """Volume bars coloured like their candles (summed per bucket when zoomed out), mixed
    with the chart's ``background``."""

    def __init__(self, buffer: BarBuffer, up: QColor, down: QColor, background: QColor) -> None:
        super().__init__(buffer, up, down)
        self.background = QColor(background)

    def _color(self, up: bool) -> QColor:
        # Opaque, mixed with the background by hand: alpha-blended fills cost ~2 ms a frame.
        base, back = QColor(self._up if up else self._down), self.background
        return QColor(
            *(round(0.65 * a + 0.35 * b) for a, b in (
                (base.red(), back.red()), (base.green(), back.green()), (base.blue(), back.blue())
            ))
        )

    def _draw(
        self, painter: QPainter, b: Buckets, mask: np.ndarray, up: bool, scale: Scale
    ) -> None:
        v = b.volume[mask]
        half = BODY_WIDTH * b.width / 2
        painter.drawRects(*self._rects((up, 0), scale, b.x[mask], half, np.zeros_like(v), v))


class TimeAxis(pg.AxisItem):
    """Bottom axis that labels bar indices with their start times in the exchange's time zone
    (``tz``, set by the chart); the format follows zoom, the spacing the labels' width."""

    def __init__(self, buffer: BarBuffer, **kwargs: Any) -> None:
        super().__init__(orientation="bottom", **kwargs)
        self.buffer = buffer
        self.bar_seconds = 60.0
        self.tz: tzinfo = UTC

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        fmt = time_format(spacing * self.bar_seconds, self.bar_seconds)
        labels = []
        for value in values:
            start = self.buffer.start_at(round(value))
            labels.append("" if start is None else self.time_text(start, fmt))
        return labels

    def time_text(self, start_ns: int, fmt: str) -> str:
        return datetime.fromtimestamp(start_ns / 1e9, self.tz).strftime(fmt)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        """One level of labels, a whole number of bars apart and far enough apart for their
        text (pyqtgraph's own spacing suits short numbers, and time labels are long)."""
        if maxVal <= minVal or size <= 0:
            return super().tickSpacing(minVal, maxVal, size)
        metrics = QFontMetrics(self.style["tickFont"] or self.font())
        per_bar = size / (maxVal - minVal)
        step = 1.0
        for step in _label_steps():
            fmt = time_format(step * self.bar_seconds, self.bar_seconds)
            width = metrics.horizontalAdvance(SAMPLE_TIME.strftime(fmt)) + LABEL_GAP_PX
            if step * per_bar >= width:
                break
        return [(step, 0.0)]


SAMPLE_TIME = datetime(2024, 12, 28, 23, 58, 58)  # wide digits: the widest label of a format
LABEL_GAP_PX = 16


def _label_steps() -> list[float]:
    """Bars between labels: 1, 2, 4, 5, 8, 10, 20, 25, 40 … up to 8 million."""
    steps = {m * 10**e for e in range(7) for m in (1, 2, 4, 5, 8)} | {25 * 10**e for e in range(6)}
    return [float(step) for step in sorted(steps)]


def time_format(seconds_between_labels: float, bar_seconds: float) -> str:
    if bar_seconds >= 28 * 86_400 or seconds_between_labels >= 300 * 86_400:
        return "%Y-%m"
    if bar_seconds >= 86_400 or seconds_between_labels >= 86_400:
        return "%Y-%m-%d"
    if seconds_between_labels >= 4 * 3_600:
        return "%m-%d %H:%M"
    if bar_seconds < 60:
        return "%H:%M:%S"
    return "%H:%M"


class PriceAxis(pg.AxisItem):
    """Right price axis that can show tagged values (last price, crosshair, orders) on it.

    A tag wider than the axis asks ``widen`` (the chart: every pane's axis, so they stay
    aligned) for the room, rather than being cut."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(orientation="right", **kwargs)
        self.markers: dict[str, tuple[float, str, QColor, QColor]] = {}
        self._font = QFont()
        self._font.setPointSizeF(8.5)
        self.widen: Callable[[int], None] = lambda width: None

    def set_marker(
        self, key: str, value: float | None, text: str = "", fill: str = "", ink: str = ""
    ) -> None:
        if value is None:
            self.markers.pop(key, None)
        else:
            self.markers[key] = (value, text, QColor(fill), QColor(ink))
            if self.text_width(text) > (self.fixedWidth or self.width()):
                self.widen(self.text_width(text))
        self.update()

    def text_width(self, text: str) -> int:
        """Pixels a tag showing ``text`` takes, margins included."""
        return QFontMetrics(self._font).horizontalAdvance(text) + 8

    def paint(self, painter: QPainter, *args: Any) -> None:
        super().paint(painter, *args)
        view = self.linkedView()
        if view is None or not self.markers:
            return
        painter.setFont(self._font)
        height = painter.fontMetrics().height() + 2
        for value, text, fill, ink in self.markers.values():
            y = self.mapFromScene(view.mapViewToScene(QPointF(0.0, value))).y()
            if not 0 <= y <= self.height():
                continue
            rect = QRectF(1.0, y - height / 2, self.width() - 1.0, height)
            painter.fillRect(rect, fill)
            painter.setPen(ink)
            painter.drawText(rect.adjusted(3, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)
