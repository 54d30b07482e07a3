"""A horizontal price line with a label inside the plot: the one item that order, position,
alert and drawn lines are made of.

The owner supplies the colour, the label text (a function of the price, so the label follows
a drag), whether the line may be dragged, and the actions of its right-click menu. A drag or a
key move ends in ``moved(price)`` with the price snapped to the tick size; the owner decides
what that means (modify an order, move an alert) and may ``set_price`` back if refused.

Keyboard: Tab reaches a line's label in the chart; then Up/Down move it by one tick (Shift:
ten), Enter commits, Escape takes the move back, the Menu key (or Shift+F10) opens its menu,
and an action's ``key`` (Delete, say) runs that action.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QObject, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QFont, QFontMetrics, QKeyEvent, QPainter
from PySide6.QtWidgets import QMenu

from terminal.ui.chart.items import claim_pointer

LABEL_Z = 1000.0  # above the crosshair and the drawings: a label is always readable
LINE_Z = 30.0


@dataclass(frozen=True, slots=True)
class LineAction:
    """One entry of a line's right-click menu; ``key`` also runs it while the line's label
    has the keyboard focus."""

    text: str
    run: Callable[[], None]
    key: Qt.Key | None = None


def snap_to_tick(price: float, tick_size: float) -> float:
    """``price`` on the tick grid, without float noise (98.25, not 98.25000000000001)."""
    if tick_size <= 0 or not math.isfinite(price):
        return price
    decimals = max(0, -math.floor(math.log10(tick_size)) + 2)
    return round(round(price / tick_size) * tick_size, decimals)


def fixed_text(text: str) -> Callable[[float], str]:
    """A label that reads ``text`` whatever the price (a position's, say)."""
    return lambda _price: text


class PriceLine(QObject):
    """A line at ``price`` in a price pane, labelled ``text(price)`` at the plot's right
    edge. Add it to a chart with ``chart.line_labels.add(line)``."""

    moved = Signal(float)
    """A drag or key move ended at this new price (snapped); the line stays there."""
    dragging = Signal(float)
    """The snapped price while the line is being dragged or moved by keys."""

    def __init__(
        self,
        price: float,
        color: str,
        text: Callable[[float], str],
        *,
        tick_size: float = 0.01,
        draggable: bool = False,
        style: Qt.PenStyle = Qt.PenStyle.DashLine,
        actions: Sequence[LineAction] = (),
        snap: Callable[[float], float] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.price = price
        self.pending: float | None = None  # where a drag or key move would put it
        self.tick_size = tick_size
        self.draggable = draggable
        self.actions: list[LineAction] = list(actions)
        self.snap = snap or (lambda p: snap_to_tick(p, self.tick_size))
        self._text = text
        self._grab = 0.0  # price under the pointer minus the line's price at the drag start
        self.on_layout: Callable[[], None] = lambda: None  # the label layout re-places labels
        self.color = QColor(color)
        self.style = style
        self.line = _Line(self)
        self.label = LineLabel(self)
        self.open_menu: QMenu | None = None
        self.set_color(color)
        self.set_draggable(draggable)

    # ---- what the owner sets ---------------------------------------------------------------
    @property
    def shown_price(self) -> float:
        return self.price if self.pending is None else self.pending

    def set_price(self, price: float) -> None:
        """Put the line at ``price`` (ends a move in progress)."""
        self.price, self.pending = price, None
        self._place()

    def set_text(self, text: Callable[[float], str]) -> None:
        self._text = text
        shown = self.text()
        if shown != self.label.text:
            self.label.set_text(shown)
            self.on_layout()  # a wider label moves left

    def text(self) -> str:
        return self._text(self.shown_price)

    def set_color(self, color: str | QColor) -> None:
        self.color = QColor(color)
        self.line.setPen(pg.mkPen(self.color, width=1, style=self.style))
        self.line.setHoverPen(pg.mkPen(self.color, width=2, style=self.style))
        self.label.update()

    def set_draggable(self, draggable: bool) -> None:
        self.draggable = draggable
        cursor = Qt.CursorShape.SizeVerCursor if draggable else Qt.CursorShape.ArrowCursor
        self.line.setCursor(cursor)
        self.label.setCursor(cursor)

    def set_visible(self, visible: bool) -> None:
        self.line.setVisible(visible)
        self.label.setVisible(visible)
        self.on_layout()

    def is_visible(self) -> bool:
        return self.line.isVisible()

    def _place(self) -> None:
        self.line.setValue(self.shown_price)
        self.label.set_text(self.text())
        self.on_layout()

    # ---- moving ----------------------------------------------------------------------------
    def move_to(self, price: float) -> None:
        """Show the line at ``price`` (snapped) without committing: a drag step, a key."""
        self.pending = self.snap(price)
        self._place()
        self.dragging.emit(self.pending)

    def commit(self) -> None:
        """End the move: ``moved`` if the line is somewhere new."""
        pending, self.pending = self.pending, None
        if pending is None or pending == self.price:
            self._place()
            return
        self.price = pending
        self._place()
        self.moved.emit(pending)

    def cancel(self) -> None:
        """Take a move in progress back."""
        if self.pending is not None:
            self.pending = None
            self._place()

    def drag(self, ev: Any) -> None:
        """A pyqtgraph drag event on the line or its label."""
        if not self.draggable or ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        price = self._price_at(ev.scenePos())
        if ev.isStart():
            self._grab = self._price_at(ev.buttonDownScenePos()) - self.price
            self.pending = self.price
        elif self.pending is None:  # cancelled (Escape, right button) while dragging
            return
        self.move_to(price - self._grab)
        if ev.isFinish():
            self.commit()

    def _price_at(self, scene_pos: QPointF) -> float:
        view = self.line.getViewBox()
        return float(view.mapSceneToView(scene_pos).y()) if view is not None else self.price

    # ---- menu and keys ---------------------------------------------------------------------
    def menu(self) -> QMenu:
        """The right-click menu: the owner's actions, in order."""
        menu = QMenu()
        for action in self.actions:
            menu.addAction(action.text).triggered.connect(lambda _=False, a=action: a.run())
        return menu

    def click(self, ev: Any) -> None:
        """A pyqtgraph click on the line or its label: focus; the right button also cancels a
        drag, or opens the menu."""
        if ev.button() == Qt.MouseButton.RightButton:
            ev.accept()
            if self.pending is not None:
                self.cancel()
            else:
                self.popup(ev.screenPos().toPoint())
        elif ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.label.setFocus(Qt.FocusReason.MouseFocusReason)

    def popup(self, at: QPoint) -> None:
        if not self.actions:
            return
        self.open_menu = self.menu()
        self.open_menu.popup(at)

    def key(self, event: QKeyEvent) -> bool:
        """Handle a key while the label has the focus; False if it means nothing here."""
        key = Qt.Key(event.key())
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.draggable:
            ticks = (10 if shift else 1) * (1 if key == Qt.Key.Key_Up else -1)
            self.move_to(self.shown_price + ticks * self.tick_size)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commit()
        elif key == Qt.Key.Key_Escape:
            if self.pending is None:
                self.label.clearFocus()
            self.cancel()
        elif key == Qt.Key.Key_Menu or (key == Qt.Key.Key_F10 and shift):
            corner = self.label.mapToScene(self.label.boundingRect().bottomLeft())
            view = self.label.scene().views()[0] if self.label.scene() else None
            if view is not None:
                self.popup(view.mapToGlobal(view.mapFromScene(corner)))
        else:
            action = next((a for a in self.actions if a.key == key), None)
            if action is None:
                return False
            action.run()
        return True


class _Line(pg.InfiniteLine):
    """The line itself: a horizontal InfiniteLine whose mouse events go to its PriceLine."""

    def __init__(self, owner: PriceLine) -> None:
        super().__init__(owner.price, angle=0, movable=False)
        self.owner = owner
        self.setZValue(LINE_Z)

    def mouseDragEvent(self, ev: Any) -> None:
        self.owner.drag(ev)

    def mouseClickEvent(self, ev: Any) -> None:
        self.owner.click(ev)

    def hoverEvent(self, ev: Any) -> None:
        owner = self.owner
        if not ev.isExit() and (owner.draggable or owner.actions):
            claim_pointer(ev, drags=owner.draggable, left_clicks=False)
            self.setMouseHover(owner.draggable)
        else:
            self.setMouseHover(False)


class LineLabel(pg.GraphicsWidget):
    """The line's label: a tag in the line's colour, placed by :class:`LineLabels` inside the
    plot (pixel coordinates of the view box); the focus target for the keyboard."""

    FONT_POINTS = 8.5
    PAD_X, PAD_Y = 6.0, 2.0

    def __init__(self, owner: PriceLine) -> None:
        super().__init__()
        self.owner = owner
        self.text = ""
        self.arrow = ""  # ▲ or ▼ when the line is above or below the visible prices
        self.background = QColor("#15171c")
        self._font = QFont()
        self._font.setPointSizeF(self.FONT_POINTS)
        self.setZValue(LABEL_Z)
        self.setCacheMode(self.CacheMode.DeviceCoordinateCache)  # text: drawn on change only
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptHoverEvents(True)

    def shown_text(self) -> str:
        return f"{self.arrow} {self.text}" if self.arrow else self.text

    def set_text(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.fit()

    def set_arrow(self, arrow: str) -> None:
        if arrow != self.arrow:
            self.arrow = arrow
            self.fit()

    def fit(self) -> None:
        metrics = QFontMetrics(self._font)
        width = metrics.horizontalAdvance(self.shown_text()) + 2 * self.PAD_X
        height = metrics.height() + 2 * self.PAD_Y
        self.prepareGeometryChange()
        self.resize(math.ceil(width), math.ceil(height))
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(0.0, 0.0, self.size().width(), self.size().height())

    def paint(self, painter: QPainter, *_: Any) -> None:
        color = self.owner.color
        focused = self.hasFocus()
        rect = self.boundingRect().adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(pg.mkPen(color, width=1))
        painter.setBrush(color if focused else self.background)
        painter.drawRoundedRect(rect, 2.0, 2.0)
        painter.setFont(self._font)
        painter.setPen(self.background if focused else color)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.shown_text())

    def mouseDragEvent(self, ev: Any) -> None:
        self.owner.drag(ev)

    def mouseClickEvent(self, ev: Any) -> None:
        self.owner.click(ev)

    def hoverEvent(self, ev: Any) -> None:
        if not ev.isExit():
            claim_pointer(ev, drags=self.owner.draggable)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.owner.key(event):
            event.accept()
        else:
            event.ignore()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.owner.cancel()  # a key move not confirmed with Enter is not made
        self.update()
        super().focusOutEvent(event)
