"""pyqtgraph items for candles and volume: numpy arrays in, one cached picture for closed bars,
and the forming bar drawn on its own so a live update never redraws history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen, QPicture

BODY_WIDTH = 0.7


class _BarSeriesItem(pg.GraphicsObject):
    """Shared plumbing: arrays of closed bars, an optional forming bar, and bounds."""

    def __init__(self, up: QColor, down: QColor) -> None:
        super().__init__()
        self._up, self._down = QColor(up), QColor(down)
        self._o = self._h = self._l = self._c = self._v = np.empty(0)
        self._forming: tuple[float, float, float, float, float] | None = None
        self._picture: QPicture | None = None

    def set_colors(self, up: QColor, down: QColor) -> None:
        self._up, self._down = QColor(up), QColor(down)
        self._picture = None
        self.update()

    def set_bars(
        self, o: np.ndarray, h: np.ndarray, low: np.ndarray, c: np.ndarray, v: np.ndarray
    ) -> None:
        self.prepareGeometryChange()
        self._o, self._h, self._l, self._c, self._v = o, h, low, c, v
        self._picture = None
        self.informViewBoundsChanged()
        self.update()

    def set_forming(self, bar: tuple[float, float, float, float, float] | None) -> None:
        self._forming = bar
        self.update()

    @property
    def count(self) -> int:
        return len(self._c) + (1 if self._forming else 0)

    def paint(self, painter: QPainter, *_: Any) -> None:
        if self._picture is None:
            self._picture = QPicture()
            picture_painter = QPainter(self._picture)
            self._draw(picture_painter, 0, self._o, self._h, self._l, self._c, self._v)
            picture_painter.end()
        self._picture.play(painter)
        if self._forming is not None:
            o, h, low, c, v = (np.array([x]) for x in self._forming)
            self._draw(painter, len(self._c), o, h, low, c, v)

    def _draw(
        self,
        painter: QPainter,
        first: int,
        o: np.ndarray,
        h: np.ndarray,
        low: np.ndarray,
        c: np.ndarray,
        v: np.ndarray,
    ) -> None:
        raise NotImplementedError

    def _pen(self, color: QColor) -> QPen:
        pen = QPen(color)
        pen.setCosmetic(True)
        return pen


class CandleItem(_BarSeriesItem):
    """Candles at x = bar index (no gaps for nights, weekends or lunch breaks)."""

    def _draw(
        self,
        painter: QPainter,
        first: int,
        o: np.ndarray,
        h: np.ndarray,
        low: np.ndarray,
        c: np.ndarray,
        v: np.ndarray,
    ) -> None:
        half = BODY_WIDTH / 2
        for rising, color in ((True, self._up), (False, self._down)):
            mask = (c >= o) if rising else (c < o)
            idx = np.nonzero(mask)[0]
            if len(idx) == 0:
                continue
            painter.setPen(self._pen(color))
            painter.setBrush(color)
            x = idx + first
            painter.drawLines(
                [
                    QLineF(float(xi), float(h[i]), float(xi), float(low[i]))
                    for xi, i in zip(x, idx, strict=True)
                ]
            )
            painter.drawRects(
                [
                    QRectF(float(xi) - half, float(o[i]), BODY_WIDTH, float(c[i] - o[i]) or 1e-12)
                    for xi, i in zip(x, idx, strict=True)
                ]
            )

    def boundingRect(self) -> QRectF:
        if self.count == 0:
            return QRectF()
        lows = [float(self._l.min())] if len(self._l) else []
        highs = [float(self._h.max())] if len(self._h) else []
        if self._forming:
            lows.append(self._forming[2])
            highs.append(self._forming[1])
        return QRectF(QPointF(-1, min(lows)), QPointF(self.count, max(highs)))

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Any = None) -> tuple[float, float]:
        rect = self.boundingRect()
        if rect.isNull():
            return (0.0, 1.0)
        return (rect.left(), rect.right()) if ax == 0 else (rect.top(), rect.bottom())


class VolumeItem(_BarSeriesItem):
    """Volume bars coloured like their candles."""

    def _draw(
        self,
        painter: QPainter,
        first: int,
        o: np.ndarray,
        h: np.ndarray,
        low: np.ndarray,
        c: np.ndarray,
        v: np.ndarray,
    ) -> None:
        half = BODY_WIDTH / 2
        for rising, color in ((True, self._up), (False, self._down)):
            idx = np.nonzero((c >= o) if rising else (c < o))[0]
            if len(idx) == 0:
                continue
            fill = QColor(color)
            fill.setAlpha(170)
            painter.setPen(self._pen(fill))
            painter.setBrush(fill)
            painter.drawRects(
                [QRectF(float(i + first) - half, 0.0, BODY_WIDTH, float(v[i])) for i in idx]
            )

    def boundingRect(self) -> QRectF:
        if self.count == 0:
            return QRectF()
        top = float(self._v.max()) if len(self._v) else 0.0
        if self._forming:
            top = max(top, self._forming[4])
        return QRectF(QPointF(-1, 0.0), QPointF(self.count, top or 1.0))

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Any = None) -> tuple[float, float]:
        rect = self.boundingRect()
        if rect.isNull():
            return (0.0, 1.0)
        return (rect.left(), rect.right()) if ax == 0 else (rect.top(), rect.bottom())


class TimeAxis(pg.AxisItem):
    """Bottom axis that labels bar indices with their start times (local time)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(orientation="bottom", **kwargs)
        self.times = np.empty(0, dtype=np.int64)  # bar start, UTC ns

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        count = len(self.times)
        if count == 0:
            return ["" for _ in values]
        bar_seconds = 60.0
        if count > 1:
            bar_seconds = max(1.0, float(self.times[-1] - self.times[0]) / 1e9 / (count - 1))
        seconds_between_labels = spacing * bar_seconds
        if seconds_between_labels >= 86_400:
            fmt = "%Y-%m-%d"
        elif seconds_between_labels >= 3_600 * 4:
            fmt = "%m-%d %H:%M"
        else:
            fmt = "%H:%M"
        labels = []
        for value in values:
            index = round(value)
            if 0 <= index < count:
                labels.append(datetime.fromtimestamp(int(self.times[index]) / 1e9).strftime(fmt))
            else:
                labels.append("")
        return labels
