"""pyqtgraph items for candles and volume, and the drawing helpers the chart's items share.

The items draw only what is visible, at the level of detail the zoom allows (see
``chart_data``): a million bars zoomed out cost about one candle per pixel column. Rectangles
and lines go to Qt in one call per colour from numpy-filled arrays, with no Python per bar.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from terminal.ui.chart.data import EMPTY, BarBuffer, Buckets, lod_step

BODY_WIDTH = 0.7


def visible_span(view: pg.ViewBox) -> tuple[int, int, int]:
    """(first bar, stop bar, bars per candle) of what ``view`` shows."""
    (left, right), _ = view.viewRange()
    width = max(1.0, float(view.width()))
    step = lod_step((right - left) / width)
    return math.floor(left), math.ceil(right) + 1, step


Scale = tuple[float, float, float, float]  # view -> device: sx, sy, dx, dy


def claim_pointer(ev: Any, drags: bool = True, left_clicks: bool = True) -> None:
    """In a pyqtgraph hover event: this item takes the left button's drags, its clicks and the
    right button's clicks under the pointer (so the view does not pan under it)."""
    if drags:
        ev.acceptDrags(Qt.MouseButton.LeftButton)
    if left_clicks:
        ev.acceptClicks(Qt.MouseButton.LeftButton)
    ev.acceptClicks(Qt.MouseButton.RightButton)


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
        scale = device_scale(painter)
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
        rects = self._arrays.setdefault(key, PrimitiveArray(QRectF, 4))
        return device_rects(rects, scale, x, half, y0, y1, min_width)


def device_rects(
    rects: PrimitiveArray, scale: Scale, x: np.ndarray, half: float,
    y0: np.ndarray, y1: np.ndarray, min_width: float = 1.0,
) -> Any:
    """Rectangles [x-half, x+half] x [y0, y1] (view units) as whole device pixels, written
    into ``rects`` (kept by the caller between paints); the arguments of ``drawRects``."""
    sx, sy, dx, dy = scale
    left = np.floor((x - half) * sx + dx)
    width = np.maximum(min_width, np.floor((x + half) * sx + dx) - left)
    top_a, top_b = y0 * sy + dy, y1 * sy + dy
    top = np.floor(np.minimum(top_a, top_b))
    height = np.maximum(1.0, np.ceil(np.maximum(top_a, top_b)) - top)
    rects.resize(len(x))
    memory = rects.ndarray()
    memory[:, 0] = left
    memory[:, 1] = top
    memory[:, 2] = width
    memory[:, 3] = height
    return rects.drawargs()


def device_scale(painter: QPainter) -> Scale:
    """The painter's view -> device scale and offset (no rotation on a chart)."""
    t = painter.transform()
    return t.m11(), t.m22(), t.dx(), t.dy()


def mix(color: QColor, background: QColor, weight: float = 0.65) -> QColor:
    """``color`` over ``background`` as an opaque colour (alpha blending costs ~2 ms a frame)."""
    pairs = ((color.red(), background.red()), (color.green(), background.green()),
             (color.blue(), background.blue()))  # fmt: skip
    return QColor(*(round(weight * a + (1 - weight) * b) for a, b in pairs))


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
        return mix(self._up if up else self._down, self.background)

    def _draw(
        self, painter: QPainter, b: Buckets, mask: np.ndarray, up: bool, scale: Scale
    ) -> None:
        v = b.volume[mask]
        half = BODY_WIDTH * b.width / 2
        painter.drawRects(*self._rects((up, 0), scale, b.x[mask], half, np.zeros_like(v), v))
