"""Drawing on the chart: the Draw menu, placing a drawing with the mouse, the magnet, and
keeping each symbol's drawings in the :class:`DrawingStore`.

Pick a tool in the Draw menu, then click where the drawing starts and click (or drag to) where
it ends; a horizontal line takes one click. Right button or Escape puts the tool away. With the
magnet on, a point near a candle's open, high, low or close snaps to it (on that bar).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QActionGroup, QKeyEvent
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from terminal.ui import formatting as fmt
from terminal.ui.chart.drawing_store import Drawing, DrawingKind, DrawingStore
from terminal.ui.chart.drawings import ShapeItem
from terminal.ui.chart.items import ViewBoundItem, claim_pointer
from terminal.ui.chart.price_line import LineAction, PriceLine

if TYPE_CHECKING:
    from terminal.ui.chart.chart import CandleChart

log = logging.getLogger("terminal.ui")
MAGNET_PX = 24.0  # how near a candle's price a point must be to snap to it
OVERLAY_Z = 2000.0


class ChartDrawings(QObject):
    """The drawings of the chart's symbol: shown, edited, saved on every change."""

    def __init__(self, chart: CandleChart, store: DrawingStore) -> None:
        super().__init__(chart)
        self.chart, self.store = chart, store
        self.tool: DrawingKind | None = None
        self.magnet = True
        self.drawings: dict[str, Drawing] = {}
        self.shapes: dict[str, ShapeItem] = {}
        self.lines: dict[str, PriceLine] = {}
        self.open_menu: QMenu | None = None
        self.overlay = PlacementOverlay(self)
        chart.price_plot.addItem(self.overlay, ignoreBounds=True)
        self.button = DrawMenu(self)
        self._placed_on: tuple[int, int, str] | None = None
        chart.symbol_changed.connect(lambda _: self.load())
        chart.timeframe_changed.connect(lambda _: self._follow_bars())
        chart.after_refresh.append(self._follow_bars)

    def names(self) -> dict[DrawingKind, str]:
        return {
            DrawingKind.HLINE: self.tr("Horizontal line"),
            DrawingKind.TREND: self.tr("Trend line"),
            DrawingKind.RECT: self.tr("Rectangle"),
            DrawingKind.FIB: self.tr("Fibonacci retracement"),
        }

    # ---- tools -----------------------------------------------------------------------------
    def start(self, kind: DrawingKind) -> None:
        """Arm ``kind``: the next clicks on the price pane place one."""
        self.tool = kind
        self.overlay.arm()
        self.button.show_tool(self.names()[kind])

    def cancel(self) -> None:
        self.tool = None
        self.overlay.disarm()
        self.button.show_tool(None)

    def set_magnet(self, on: bool) -> None:
        self.magnet = on
        self.button.magnet_action.setChecked(on)

    def snap(self, point: QPointF) -> QPointF:
        """``point`` on its bar and, if near one, on the bar's open, high, low or close."""
        if not self.magnet:
            return QPointF(point)
        index = round(point.x())
        row = self.chart.buffer.row(index)
        if row is None:
            return QPointF(point)
        pixel_height = self.chart.price_plot.getViewBox().viewPixelSize()[1] or 1.0
        nearest = min(row[1:5], key=lambda price: abs(price - point.y()))
        near = abs(nearest - point.y()) / pixel_height <= MAGNET_PX
        return QPointF(float(index), nearest if near else point.y())

    def price_text(self, price: float) -> str:
        return fmt.price(price, self.chart.price_decimals())

    # ---- the symbol's drawings -------------------------------------------------------------------
    def load(self) -> None:
        """Show the drawings kept for the chart's symbol (and none of the previous one's)."""
        self.cancel()
        for drawing_id in list(self.drawings):
            self._remove_item(drawing_id)
        self.drawings = {}
        for drawing in self.store.drawings(self.chart.symbol):
            self._show(drawing)
        self._placed_on = self._bars_key()

    def place(self, kind: DrawingKind, points: list[QPointF]) -> Drawing:
        """Keep a new drawing through ``points`` (view coordinates) and select it."""
        drawing = Drawing(kind, tuple(self._to_time(p) for p in points))
        self._show(drawing)
        self._save()
        item = self.shapes.get(drawing.drawing_id) or self.lines[drawing.drawing_id].label
        item.setFocus(Qt.FocusReason.OtherFocusReason)
        return drawing

    def delete(self, drawing_id: str) -> None:
        self._remove_item(drawing_id)
        self.drawings.pop(drawing_id, None)
        self._save()

    def _show(self, drawing: Drawing) -> None:
        self.drawings[drawing.drawing_id] = drawing
        points = [self._to_view(point) for point in drawing.points]
        color = self.chart.theme.drawing
        drawing_id = drawing.drawing_id
        if drawing.kind is DrawingKind.HLINE:
            delete = LineAction(self.tr("Delete drawing"), lambda: self.delete(drawing_id),
                                Qt.Key.Key_Delete)  # fmt: skip
            line = PriceLine(
                points[0].y(), color, self.price_text, draggable=True, actions=[delete],
                style=Qt.PenStyle.SolidLine, tick_size=self.chart.tick_size(), parent=self,
            )
            line.moved.connect(lambda price: self._line_moved(drawing_id, price))
            self.lines[drawing_id] = self.chart.line_labels.add(line)
        else:
            shape = ShapeItem(drawing.kind, points, color, self, drawing.drawing_id)
            shape.set_colors(color, self.chart.theme.background)
            self.shapes[drawing.drawing_id] = shape
            self.chart.price_plot.addItem(shape, ignoreBounds=True)

    def _remove_item(self, drawing_id: str) -> None:
        shape = self.shapes.pop(drawing_id, None)
        if shape is not None:
            self.chart.price_plot.removeItem(shape)
        line = self.lines.pop(drawing_id, None)
        if line is not None:
            self.chart.line_labels.remove(line)

    def _line_moved(self, drawing_id: str, price: float) -> None:
        drawing = self.drawings[drawing_id]
        self.drawings[drawing_id] = drawing.moved(((drawing.points[0][0], price),))
        self._save()

    def _save(self) -> None:
        try:
            self.store.save(self.chart.symbol, list(self.drawings.values()))
        except OSError as exc:
            log.warning("drawings of %s could not be saved to %s: %s", self.chart.symbol,
                        self.store.path, exc)  # fmt: skip

    # ---- ShapeOwner ---------------------------------------------------------------------------
    def shape_changed(self, shape: ShapeItem) -> None:
        points = tuple(self._to_time(point) for point in shape.points)
        self.drawings[shape.drawing_id] = self.drawings[shape.drawing_id].moved(points)
        self._save()

    def delete_shape(self, shape: ShapeItem) -> None:
        self.delete(shape.drawing_id)

    def shape_menu(self, shape: ShapeItem, at: QPoint) -> None:
        self.open_menu = QMenu()
        action = self.open_menu.addAction(self.tr("Delete drawing"))
        action.triggered.connect(lambda: self.delete(shape.drawing_id))
        self.open_menu.popup(at)

    # ---- times and bar indices ------------------------------------------------------------------
    def _bar_ns(self) -> float:
        return self.chart.bar_seconds * 1e9

    def _to_time(self, point: QPointF) -> tuple[int, float]:
        return self.chart.buffer.time_of_x(point.x(), self._bar_ns()), float(point.y())

    def _to_view(self, point: tuple[int, float]) -> QPointF:
        return QPointF(self.chart.buffer.x_of_time(point[0], self._bar_ns()), point[1])

    def _bars_key(self) -> tuple[int, int, str]:
        buffer = self.chart.buffer
        return buffer.generation, buffer.count, self.chart.timeframe

    def _follow_bars(self) -> None:
        """Bars moved under the drawings (older history, a new bar, another timeframe): put
        each drawing back at its times."""
        if self._bars_key() == self._placed_on:
            return
        self._placed_on = self._bars_key()
        for drawing_id, shape in self.shapes.items():
            shape.set_points([self._to_view(p) for p in self.drawings[drawing_id].points])


class PlacementOverlay(ViewBoundItem):
    """Covers the price pane while a tool is armed and turns clicks into a drawing's points."""

    def __init__(self, drawings: ChartDrawings) -> None:
        super().__init__()
        self.drawings = drawings
        self.first: QPointF | None = None
        self.preview: ShapeItem | None = None
        self.setZValue(OVERLAY_Z)
        self.setFlag(self.GraphicsItemFlag.ItemIsFocusable, True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.hide()

    def arm(self) -> None:
        self._drop_preview()
        self.show()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def disarm(self) -> None:
        self._drop_preview()
        self.hide()

    def paint(self, *_: Any) -> None:
        pass  # invisible: only catches the pointer

    def _drop_preview(self) -> None:
        self.first = None
        if self.preview is not None:
            self.drawings.chart.price_plot.removeItem(self.preview)
            self.preview = None

    def _begin(self, point: QPointF) -> None:
        kind = self.drawings.tool
        if kind is None:
            return
        if kind is DrawingKind.HLINE:
            self._finish([point])
            return
        self.first = point
        theme = self.drawings.chart.theme
        self.preview = ShapeItem(kind, [point, point], theme.drawing, self.drawings)
        self.preview.set_colors(theme.drawing, theme.background)
        self.drawings.chart.price_plot.addItem(self.preview, ignoreBounds=True)

    def _follow(self, point: QPointF) -> None:
        if self.first is not None and self.preview is not None:
            self.preview.set_points([self.first, point])

    def _finish(self, points: list[QPointF]) -> None:
        kind = self.drawings.tool
        self.drawings.cancel()
        if kind is not None:
            self.drawings.place(kind, points)

    def hoverEvent(self, ev: Any) -> None:
        if ev.isExit():
            return
        claim_pointer(ev)
        self._follow(self.drawings.snap(ev.pos()))

    def mouseClickEvent(self, ev: Any) -> None:
        ev.accept()
        if ev.button() == Qt.MouseButton.RightButton:
            self.drawings.cancel()
            return
        point = self.drawings.snap(ev.pos())
        if self.first is None:
            self._begin(point)
        elif point != self.first:
            self._finish([self.first, point])

    def mouseDragEvent(self, ev: Any) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        if ev.isStart() and self.first is None:
            self._begin(self.drawings.snap(ev.buttonDownPos()))
        point = self.drawings.snap(ev.pos())
        self._follow(point)
        if ev.isFinish() and self.first is not None and point != self.first:
            self._finish([self.first, point])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.drawings.cancel()
            event.accept()
        else:
            event.ignore()


class DrawMenu(QToolButton):
    """Toolbar button: arm a drawing tool, switch the magnet; shows the armed tool."""

    def __init__(self, drawings: ChartDrawings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setCheckable(True)
        self.setMenu(QMenu(self))
        self.tool_actions = {}
        group = QActionGroup(self)
        group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        for kind, name in drawings.names().items():
            action = self.menu().addAction(name)
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _=False, k=kind: drawings.start(k))
            self.tool_actions[kind] = action
        self.menu().addSeparator()
        magnet = self.tr("Magnet (snap to open, high, low, close)")
        self.magnet_action = self.menu().addAction(magnet)
        self.magnet_action.setCheckable(True)
        self.magnet_action.setChecked(drawings.magnet)
        self.magnet_action.toggled.connect(drawings.set_magnet)
        self._group = group
        self.show_tool(None)

    def show_tool(self, name: str | None) -> None:
        self.setText(name or self.tr("Draw"))
        self.setChecked(name is not None)
        if name is None:
            checked = self._group.checkedAction()
            if checked is not None:
                checked.setChecked(False)
