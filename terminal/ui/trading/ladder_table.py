"""The price ladder's table: what a click, a drag, the right button and the keys mean on it.

It turns them into signals that carry prices (read from the row when the press happened, so a
ladder that re-centres under the pointer still trades the price the user aimed at) and sides
(the buy columns act on buys, the sell columns on sells, the price column on both)."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import (
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from terminal.domain.enums import Side
from terminal.ui.trading.ladder_model import PRICE, SIDE_OF_COLUMN, LadderModel

ROW_HEIGHT = 20
PRESET_KEYS = range(Qt.Key.Key_1, Qt.Key.Key_9 + 1)
FOLLOW_PAUSE_S = 5.0  # after the user scrolls, the view stays put this long


class CursorFrame(QStyledItemDelegate):
    """Draws the cursor's cell as a frame over its own colours: a filled selection would hide
    the bid/ask shading and the last trade's mark under the cursor (the table paints no
    selection background of its own: ``LadderTable``'s style sheet)."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:  # fmt: skip
        plain = QStyleOptionViewItem(option)
        chosen = bool(plain.state & QStyle.StateFlag.State_Selected)
        plain.state &= ~(QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus)
        super().paint(painter, plain, index)
        if chosen:
            painter.save()
            painter.setPen(QPen(option.palette.color(QPalette.ColorRole.Text), 2))
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
            painter.restore()


class LadderTable(QTableView):
    """The ladder's rows; the arrows move the cursor (a cell: its row's price, its column's
    side), the signals say what the user asked for there."""

    trade = Signal(float, object)  # (price, Side): a click on a side's cell, Enter, B or S
    move_orders = Signal(float, float, object)  # (from, to, Side | None): a drag, Ctrl+arrow
    cancel_orders = Signal(float, object)  # (price, Side | None): right button, Delete
    preset_chosen = Signal(int)  # the preset quantity key pressed (0 for "1")
    centre_requested = Signal()  # C or Home

    def __init__(self, model: LadderModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ladderTable")
        self.setModel(model)
        self.ladder_model = model
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setItemDelegate(CursorFrame(self))
        self.setStyleSheet("QTableView { selection-background-color: transparent; }")
        self._pressed: tuple[float, int, bool] | None = None  # (price, column, on own orders)
        self.scrolled_at = -math.inf  # time.monotonic() of the user's last scroll
        self.verticalScrollBar().actionTriggered.connect(lambda _: self.note_scroll())

    def price_at(self, row: int) -> float:
        rows = self.ladder_model.rows
        return rows[row].price if 0 <= row < len(rows) else 0.0

    def has_orders(self, row: int, side: Side | None) -> bool:
        rows = self.ladder_model.rows
        return 0 <= row < len(rows) and bool(rows[row].orders_of(side))

    def cursor_price(self) -> float:
        """The price of the row the cursor is on (0: no cursor)."""
        index = self.currentIndex()
        return self.price_at(index.row()) if index.isValid() else 0.0

    def place_cursor(self, price: float, column: int = PRICE) -> None:
        """The cursor on ``price``'s row (in ``column``), scrolled into view."""
        row = self.ladder_model.row_of(price)
        if row >= 0:
            self.setCurrentIndex(self.ladder_model.index(row, column))
            self.scrollTo(self.currentIndex(), QAbstractItemView.ScrollHint.PositionAtCenter)

    # ---- following the last trade -------------------------------------------------------------
    def note_scroll(self) -> None:
        """The user scrolled (wheel, scroll bar, moving keys): the view is theirs a while."""
        self.scrolled_at = time.monotonic()

    def may_follow(self) -> bool:
        """Neither a scroll by the user in the last ``FOLLOW_PAUSE_S`` nor a press held now."""
        recent = time.monotonic() - self.scrolled_at < FOLLOW_PAUSE_S
        return not recent and self._pressed is None

    def keep_in_view(self, row: int, margin: int) -> bool:
        """Scroll ``row`` to the middle when it is within ``margin`` rows of the visible edge
        (or out of sight); whether it scrolled."""
        height = self.viewport().height()
        top, bottom = self.rowAt(0), self.rowAt(height - 1)
        if top < 0 or height < ROW_HEIGHT * (2 * margin + 1):
            return False  # nothing shown yet, or too few rows to keep a margin in
        bottom = bottom if bottom >= 0 else self.ladder_model.rowCount() - 1
        if top + margin <= row <= bottom - margin:
            return False
        middle = QAbstractItemView.ScrollHint.PositionAtCenter
        self.scrollTo(self.ladder_model.index(row, PRICE), middle)
        return True

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.note_scroll()
        super().wheelEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A ladder built behind a tab (no height yet) or a dock resized: the cursor's row
        back in the middle, so the asks above and the bids below both stay in sight."""
        super().resizeEvent(event)
        if event.size().height() != event.oldSize().height() and self.currentIndex().isValid():
            self.scrollTo(self.currentIndex(), QAbstractItemView.ScrollHint.PositionAtCenter)

    # ---- the mouse ---------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        super().mousePressEvent(event)
        if not index.isValid():
            return
        side = SIDE_OF_COLUMN[index.column()]
        price = self.price_at(index.row())
        if event.button() == Qt.MouseButton.RightButton:
            if self.has_orders(index.row(), side):
                self.cancel_orders.emit(price, side)
        elif event.button() == Qt.MouseButton.LeftButton:
            on_orders = side is not None and self.has_orders(index.row(), side)
            self._pressed = (price, index.column(), on_orders)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        index = self.indexAt(event.position().toPoint())
        if self._pressed is not None and self._pressed[2] and index.isValid():
            self.setCurrentIndex(self.ladder_model.index(index.row(), self._pressed[1]))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        pressed, self._pressed = self._pressed, None
        index = self.indexAt(event.position().toPoint())
        if pressed is None or event.button() != Qt.MouseButton.LeftButton:
            return
        price, column, on_orders = pressed
        side = SIDE_OF_COLUMN[column]
        released = self.price_at(index.row()) if index.isValid() else 0.0
        if on_orders:  # a press on own orders: dragged to another price, or only chosen
            if released and released != price:
                self.move_orders.emit(price, released, side)
        elif side is not None and released == price:
            self.trade.emit(price, side)

    # ---- the keys ------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        index, key = self.currentIndex(), event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        price = self.price_at(index.row()) if index.isValid() else 0.0
        side = SIDE_OF_COLUMN[index.column()] if index.isValid() else None
        if key in (Qt.Key.Key_B, Qt.Key.Key_S) and price:
            self.trade.emit(price, Side.BUY if key == Qt.Key.Key_B else Side.SELL)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and side and price:
            self.trade.emit(price, side)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and price:
            self.cancel_orders.emit(price, side)
        elif ctrl and key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and price:
            self._move_by_key(index, side, -1 if key == Qt.Key.Key_Up else 1)
        elif key in PRESET_KEYS and not ctrl:
            self.preset_chosen.emit(key - Qt.Key.Key_1)
        elif key in (Qt.Key.Key_C, Qt.Key.Key_Home):
            self.centre_requested.emit()
        else:
            self.note_scroll()  # the arrows and pages move the cursor and the view with it
            super().keyPressEvent(event)
            return
        event.accept()

    def _move_by_key(self, index: QModelIndex, side: Side | None, step: int) -> None:
        """Ctrl+Up/Down: the orders at the cursor a tick up or down, the cursor with them."""
        to = index.row() + step
        if self.has_orders(index.row(), side) and 0 <= to < self.ladder_model.rowCount():
            self.move_orders.emit(self.price_at(index.row()), self.price_at(to), side)
            self.setCurrentIndex(self.ladder_model.index(to, index.column()))
