"""Drawn shapes on the price pane: trend line, rectangle and Fibonacci retracement.

A shape keeps its points in view coordinates (x = bar index, y = price) and paints in device
pixels, so lines stay one width at any zoom. The pointer grabs it near its lines (or inside a
rectangle); a grab near a point moves that point, elsewhere the whole shape. A click selects
it (the keyboard focus), showing its handles; Delete removes it, the right button opens its
menu. What a change means (snap to a candle, save, delete) the owner decides.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any, Protocol

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QTransform,
)

from terminal.ui.chart.drawing_store import DrawingKind
from terminal.ui.chart.items import ViewBoundItem, claim_pointer

FIB_LEVELS = (0.0, 0.236, 0.382, 0.5, 0.618, 0.786, 1.0)
GRAB_PX = 6.0  # how near a line the pointer grabs it
HANDLE_PX = 4.5  # radius of a point's handle
SHAPE_Z = 25.0


class ShapeOwner(Protocol):
    """What a shape asks of the chart's drawings."""

    def snap(self, point: QPointF) -> QPointF: ...
    def shape_changed(self, shape: ShapeItem) -> None: ...
    def delete_shape(self, shape: ShapeItem) -> None: ...
    def shape_menu(self, shape: ShapeItem, at: QPoint) -> None: ...
    def price_text(self, price: float) -> str: ...


class ShapeItem(ViewBoundItem):
    """One trend line, rectangle or retracement over two points."""

    def __init__(
        self, kind: DrawingKind, points: list[QPointF], color: str, owner: ShapeOwner,
        drawing_id: str = "",
    ) -> None:  # fmt: skip
        super().__init__()
        self.kind, self.points, self.owner = kind, [QPointF(p) for p in points], owner
        self.drawing_id = drawing_id
        self.color = QColor(color)
        self.halo = QColor(0, 0, 0, 0)  # behind text: the chart's background, see-through
        self._grabbed: int | None = None  # the point being dragged; -1: the whole shape
        self._start: list[QPointF] = []
        self._font = QFont()
        self._font.setPointSizeF(8.0)
        self.setZValue(SHAPE_Z)
        self.setFlag(self.GraphicsItemFlag.ItemIsFocusable, True)

    def set_points(self, points: list[QPointF]) -> None:
        self.points = [QPointF(p) for p in points]
        self.update()

    def set_colors(self, color: str, background: str) -> None:
        self.color = QColor(color)
        self.halo = QColor(background)
        self.halo.setAlpha(170)
        self.update()

    # ---- geometry in device pixels -----------------------------------------------------------
    def _to_device(self) -> QTransform | None:
        transform = self.deviceTransform_()  # pyqtgraph's: None until shown in a view
        return transform if transform is not None and transform.isInvertible() else None

    def _device_points(self, transform: QTransform) -> list[QPointF]:
        return [transform.map(point) for point in self.points]

    def fib_levels(self) -> list[tuple[float, float]]:
        """(level, price) of each retracement level: 1 at the first point, 0 at the second."""
        start, end = self.points[0].y(), self.points[1].y()
        return [(level, end + (start - end) * level) for level in FIB_LEVELS]

    def _outline(self, pts: list[QPointF], transform: QTransform) -> QPainterPath:
        """The shape's lines (device pixels): what the pointer can grab."""
        path = QPainterPath()
        a, b = pts[0], pts[-1]
        if self.kind is DrawingKind.TREND:
            path.moveTo(a)
            path.lineTo(b)
        elif self.kind is DrawingKind.RECT:
            path.addRect(QRectF(a, b).normalized())
        else:
            left, right = min(a.x(), b.x()), max(a.x(), b.x())
            for _, price in self.fib_levels():
                y = transform.map(QPointF(0.0, price)).y()
                path.moveTo(left, y)
                path.lineTo(right, y)
        return path

    def shape(self) -> QPainterPath:
        transform = self._to_device()
        if transform is None:
            return QPainterPath()
        pts = self._device_points(transform)
        stroker = QPainterPathStroker()
        stroker.setWidth(2 * GRAB_PX)
        grab = stroker.createStroke(self._outline(pts, transform))
        if self.kind is DrawingKind.RECT:
            grab.addRect(QRectF(pts[0], pts[1]).normalized())
        for point in pts:
            grab.addEllipse(point, HANDLE_PX + 3, HANDLE_PX + 3)
        return transform.inverted()[0].map(grab)

    def handle_at(self, pos: QPointF) -> int | None:
        """The point whose handle is under ``pos`` (item coordinates), if any."""
        transform = self._to_device()
        if transform is None:
            return None
        where = transform.map(pos)
        for number, point in enumerate(self._device_points(transform)):
            if math.hypot(point.x() - where.x(), point.y() - where.y()) <= HANDLE_PX + 3:
                return number
        return None

    # ---- painting ------------------------------------------------------------------------------
    def paint(self, painter: QPainter, *_: Any) -> None:
        transform = painter.transform()
        pts = self._device_points(transform)
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        selected = self.hasFocus()
        pen = pg.mkPen(self.color, width=2.0 if selected else 1.4)
        if self.kind is DrawingKind.TREND:
            painter.setPen(pen)
            painter.drawLine(pts[0], pts[1])
        elif self.kind is DrawingKind.RECT:
            fill = QColor(self.color)
            fill.setAlpha(40)
            painter.setPen(pen)
            painter.setBrush(fill)
            painter.drawRect(QRectF(pts[0], pts[1]).normalized())
        else:
            self._paint_fib(painter, pts, transform, selected)
        if selected:
            painter.setPen(pg.mkPen(self.color, width=1.5))
            painter.setBrush(QColor("#ffffff"))
            for point in pts:
                painter.drawEllipse(point, HANDLE_PX, HANDLE_PX)
        painter.restore()

    def _paint_fib(
        self, painter: QPainter, pts: list[QPointF], transform: QTransform, selected: bool
    ) -> None:
        left, right = min(pts[0].x(), pts[1].x()), max(pts[0].x(), pts[1].x())
        levels = [(level, price, transform.map(QPointF(0.0, price)).y())
                  for level, price in self.fib_levels()]  # fmt: skip
        band = QColor(self.color)
        for number, ((_, _, y0), (_, _, y1)) in enumerate(pairwise(levels)):
            band.setAlpha(16 if number % 2 else 30)
            painter.fillRect(QRectF(QPointF(left, y0), QPointF(right, y1)).normalized(), band)
        painter.setPen(pg.mkPen(self.color, width=1.0, style=Qt.PenStyle.DashLine))
        painter.drawLine(pts[0], pts[1])
        painter.setPen(pg.mkPen(self.color, width=1.6 if selected else 1.0))
        painter.setFont(self._font)
        metrics = painter.fontMetrics()
        drawn: list[QRectF] = []
        for level, price, y in levels:
            painter.drawLine(QPointF(left, y), QPointF(right, y))
            text = f"{level:g}  ({self.owner.price_text(price)})"
            box = QRectF(left + 2.0, y - metrics.height() - 1.0,
                         metrics.horizontalAdvance(text) + 4.0, metrics.height())  # fmt: skip
            if any(box.intersects(other) for other in drawn):
                continue  # levels squeezed together: their lines say enough
            drawn.append(box)
            painter.fillRect(box, self.halo)  # readable over the candles
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    # ---- the pointer and the keys -------------------------------------------------------------
    def hoverEvent(self, ev: Any) -> None:
        if ev.isExit():
            return
        claim_pointer(ev)
        on_handle = self.handle_at(ev.pos()) is not None
        self.setCursor(Qt.CursorShape.CrossCursor if on_handle else Qt.CursorShape.SizeAllCursor)

    def mouseClickEvent(self, ev: Any) -> None:
        ev.accept()
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if ev.button() == Qt.MouseButton.RightButton:
            self.owner.shape_menu(self, ev.screenPos().toPoint())

    def mouseDragEvent(self, ev: Any) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        if ev.isStart():
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            handle = self.handle_at(ev.buttonDownPos())
            self._grabbed = -1 if handle is None else handle
            self._start = [QPointF(p) for p in self.points]
        if self._grabbed is None:
            return
        if self._grabbed >= 0:
            moved = list(self.points)
            moved[self._grabbed] = self.owner.snap(ev.pos())
            self.set_points(moved)
        else:
            delta = ev.pos() - ev.buttonDownPos()
            self.set_points([p + QPointF(round(delta.x()), delta.y()) for p in self._start])
        if ev.isFinish():
            self._grabbed = None
            self.owner.shape_changed(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.owner.delete_shape(self)
        elif key == Qt.Key.Key_Escape:
            self.clearFocus()
        else:
            event.ignore()
            return
        event.accept()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)
