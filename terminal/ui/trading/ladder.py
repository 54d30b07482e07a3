"""The price ladder (DOM): one symbol's prices on the tick grid, highest first, with the bid and
ask sizes quoted at each, this terminal's working orders resting there and the last trade's
price marked; trading from it in one click.

- a click on a bid cell (or an empty buy-orders cell) places a buy limit at that row's price,
  on an ask cell (or an empty sell-orders cell) a sell limit; the quantity is the preset row's;
- an order cell dragged to another row moves the orders resting there (``ModifyOrder``);
- the right button on a row with orders cancels them;
- keys, the table focused: the arrows choose a cell, Enter or Space trades there, Delete
  cancels the row's orders, Ctrl+Up/Down moves them a tick, 1–5 pick a preset quantity, C
  centres on the last trade.

It reads through the bridge only and acts by commands; a broker where real money moves asks
for a confirmation first (``confirm``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.contingent import ModifyOrder
from terminal.domain.enums import OrderType, Side
from terminal.domain.events import CancelOrder, SubmitOrder
from terminal.domain.market import Tick
from terminal.domain.orders import Order, OrderRequest
from terminal.engine.orders.ids import new_order_id
from terminal.ui import formatting as fmt
from terminal.ui.bridge import EngineBridge
from terminal.ui.dialogs import Confirm, ask
from terminal.ui.symbol_box import symbol_box
from terminal.ui.theme import Theme
from terminal.ui.trading.ladder_model import (
    BUY_SIDE,
    BUYS,
    PRICE,
    SELL_SIDE,
    SELLS,
    LadderModel,
    ladder_prices,
    ladder_rows,
    on_grid,
)
from terminal.ui.trading.sent_orders import SentOrders, describe

PRESETS = (1, 2, 5, 10, 20)  # quantities, in lots
EDGE = 3  # rows from the top or bottom at which the last trade recentres the ladder


class LadderTable(QTableView):
    """The ladder's table: what a click, a drag, the right button and the keys mean there."""

    trade = Signal(int, int)  # (row, column): a click or Enter on a cell of a side
    move_orders = Signal(int, int)  # (from row, to row): orders dragged or moved by keys
    cancel_orders = Signal(int)  # row: Delete on it
    orders_menu = Signal(int, QPoint)  # (row, global position): the right button
    key_pressed = Signal(object)  # QKeyEvent the table does not use (presets, centring)

    def __init__(self, model: LadderModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ladderTable")
        self.setModel(model)
        self.ladder_model = model
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(20)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pressed: tuple[int, int] | None = None  # (row, column) of a press on orders

    def _has_orders(self, row: int, column: int) -> bool:
        rows = self.ladder_model.rows
        if not 0 <= row < len(rows):
            return False
        line = rows[row]
        return bool(line.buys if column == BUYS else line.sells if column == SELLS else 0)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        super().mousePressEvent(event)
        if not index.isValid():
            return
        if event.button() == Qt.MouseButton.RightButton:
            self.orders_menu.emit(index.row(), event.globalPosition().toPoint())
        elif event.button() == Qt.MouseButton.LeftButton:
            self._pressed = (index.row(), index.column())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        index = self.indexAt(event.position().toPoint())
        if self._pressed is not None and index.isValid():
            self.setCurrentIndex(self.model().index(index.row(), self._pressed[1]))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        pressed, self._pressed = self._pressed, None
        index = self.indexAt(event.position().toPoint())
        if pressed is None or event.button() != Qt.MouseButton.LeftButton:
            return
        row, column = pressed
        if self._has_orders(row, column):  # a press on own orders: moved, or only chosen
            if index.isValid() and index.row() != row:
                self.move_orders.emit(row, index.row())
        elif index.isValid() and index.row() == row and column in (*BUY_SIDE, *SELL_SIDE):
            self.trade.emit(row, column)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index, key = self.currentIndex(), event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        row = index.row() if index.isValid() else -1
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and row >= 0:
            self.trade.emit(row, index.column())
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and row >= 0:
            self.cancel_orders.emit(row)
        elif ctrl and key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and row >= 0:
            to = row - 1 if key == Qt.Key.Key_Up else row + 1
            if 0 <= to < self.model().rowCount():
                self.move_orders.emit(row, to)
                self.setCurrentIndex(self.model().index(to, index.column()))
        elif key in (Qt.Key.Key_Menu,) and row >= 0:
            at = self.viewport().mapToGlobal(self.visualRect(index).center())
            self.orders_menu.emit(row, at)
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_9 or key in (Qt.Key.Key_C, Qt.Key.Key_Home):
            self.key_pressed.emit(event)
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class PriceLadder(QWidget):
    """The ladder dock's widget, on the symbol the market watch selects (or its own box)."""

    def __init__(self, bridge: EngineBridge, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("priceLadder")
        self._bridge = bridge
        self.symbol = ""
        self._centre = 0.0
        self._dirty = True
        self.confirm: Confirm = self._ask
        self.open_menu: QMenu | None = None
        self.symbol_box = symbol_box(bridge.symbols())
        self.broker_box = QComboBox()
        self.broker_box.addItems(bridge.broker_names())
        self.centre_button = QPushButton(self.tr("Centre"))
        self.centre_button.setToolTip(self.tr("Centre on the last trade (C)"))
        self.quantity = QDoubleSpinBox()
        self.quantity.setRange(0, 1e12)
        self.quantity.setToolTip(self.tr("Quantity of each order placed from the ladder"))
        self.preset_buttons = [QPushButton() for _ in PRESETS]
        self.model = LadderModel(theme, self)
        self.table = LadderTable(self.model, self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.sent_orders = SentOrders(bridge, self)
        self._layout()
        self.symbol_box.activated.connect(lambda _: self.set_symbol(self.symbol_box.currentText()))
        self.broker_box.currentTextChanged.connect(lambda _: self._mark_dirty())
        self.centre_button.clicked.connect(self.centre)
        for n, button in enumerate(self.preset_buttons):
            button.clicked.connect(lambda _=False, n=n: self.choose_preset(n))
        self.table.trade.connect(self._on_trade)
        self.table.move_orders.connect(self._on_move)
        self.table.cancel_orders.connect(self._on_cancel)
        self.table.orders_menu.connect(self._on_menu)
        self.table.key_pressed.connect(self._on_key)
        self.sent_orders.news.connect(self._on_news)
        bridge.ticks_changed.connect(self._on_ticks)
        bridge.orders_changed.connect(lambda _: self._mark_dirty())
        bridge.refreshed.connect(self.refresh)
        self.set_symbol(self.symbol_box.currentText())

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.symbol_box, 1)
        top.addWidget(self.broker_box)
        top.addWidget(self.centre_button)
        presets = QHBoxLayout()
        presets.addWidget(QLabel(self.tr("Quantity")))
        presets.addWidget(self.quantity, 1)
        for button in self.preset_buttons:
            presets.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(presets)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

    # ---- what it shows ---------------------------------------------------------------------
    def set_symbol(self, symbol: str) -> None:
        """Show ``symbol``'s ladder, centred on its last trade; presets in its lots."""
        instrument = self._bridge.instrument(symbol)
        if instrument is None:
            return
        self.symbol = symbol
        self.symbol_box.setCurrentText(symbol)
        lot = instrument.lot_size or 1.0
        decimals = len(f"{lot:.10f}".rstrip("0").partition(".")[2])
        self.quantity.setDecimals(decimals)
        self.quantity.setSingleStep(lot)
        for n, (button, lots) in enumerate(zip(self.preset_buttons, PRESETS, strict=True)):
            button.setText(fmt.quantity(lots * lot))
            button.setToolTip(self.tr("Quantity {quantity} (key {key})").format(
                quantity=fmt.quantity(lots * lot), key=n + 1))  # fmt: skip
        self.quantity.setValue(lot)
        self._centre = 0.0
        self.message.setText("")
        self.centre()

    def set_theme(self, theme: Theme) -> None:
        self.model.set_theme(theme)

    def centre(self) -> None:
        """Put the last trade (or the touch, before any) in the middle row."""
        tick = self._bridge.latest(self.symbol)
        price = _reference(tick)
        if price:
            self._centre = price
        self._mark_dirty()
        self.refresh()
        row = self.model.row_of(self._grid(self._centre)) if self._centre else -1
        if row >= 0:
            self.table.scrollTo(self.model.index(row, PRICE),
                                QAbstractItemView.ScrollHint.PositionAtCenter)  # fmt: skip

    def refresh(self) -> None:
        """Rebuild the rows if the quote or the orders changed (once per GUI refresh)."""
        if not self._dirty:
            return
        self._dirty = False
        instrument = self._bridge.instrument(self.symbol)
        if instrument is None:
            return
        tick = self._bridge.latest(self.symbol)
        if not self._centre:
            self._centre = _reference(tick)
        if not self._centre:
            self.model.update([], instrument.price_decimals)
            return
        prices = ladder_prices(self._centre, instrument.tick_size)
        last = _reference(tick)
        if last and prices and not prices[-EDGE] < last < prices[EDGE - 1]:
            self._centre = last  # the market walked off the ladder: follow it
            prices = ladder_prices(self._centre, instrument.tick_size)
        rows = ladder_rows(prices, tick, self.own_orders(), instrument.tick_size)
        self.model.update(rows, instrument.price_decimals)

    def own_orders(self) -> list[Order]:
        """The working orders of the ladder's symbol at its broker."""
        broker = self.broker_box.currentText()
        return [o for o in self._bridge.working_orders()
                if o.symbol == self.symbol and o.broker == broker]  # fmt: skip

    def _mark_dirty(self) -> None:
        self._dirty = True

    def _on_ticks(self, ticks: dict[str, Tick]) -> None:
        if self.symbol in ticks:
            self._dirty = True

    # ---- trading --------------------------------------------------------------------------------
    def choose_preset(self, n: int) -> None:
        instrument = self._bridge.instrument(self.symbol)
        if instrument is not None and 0 <= n < len(PRESETS):
            self.quantity.setValue(PRESETS[n] * (instrument.lot_size or 1.0))

    def place(self, side: Side, price: float) -> str | None:
        """A ``side`` limit at ``price`` for the preset quantity; its order id (None if the
        ladder cannot send one now)."""
        broker, quantity = self.broker_box.currentText(), self.quantity.value()
        if not broker or quantity <= 0:
            self._say(self.tr("Choose a broker and a quantity above 0"), ok=False)
            return None
        request = OrderRequest(broker, self.symbol, side, quantity, OrderType.LIMIT, price,
                               origin="ladder")  # fmt: skip
        instrument = self._bridge.instrument(self.symbol)
        text = describe(request, instrument.price_decimals if instrument else 2)
        order_id = new_order_id("L")

        def send() -> None:
            self.sent_orders.follow(order_id, text)
            self._bridge.send(SubmitOrder(order_id, request))

        if self._bridge.is_simulated(broker):
            send()
        else:
            self.confirm(self.tr("Send {order}?").format(order=text), send)
        return order_id

    def move_at(self, from_price: float, to_price: float) -> None:
        """Move the orders resting at ``from_price`` to ``to_price`` (a stop: its trigger)."""
        for order in self._orders_at(from_price):
            if order.order_type.has_trigger:
                self._bridge.send(ModifyOrder(order.order_id, trigger_price=to_price))
            else:
                self._bridge.send(ModifyOrder(order.order_id, price=to_price))

    def cancel_at(self, price: float) -> int:
        """Cancel the orders resting at ``price``; how many."""
        orders = self._orders_at(price)
        for order in orders:
            self._bridge.send(CancelOrder(order.order_id))
        return len(orders)

    def _orders_at(self, price: float) -> list[Order]:
        row = self.model.row_of(price)
        ids = set(self.model.rows[row].orders) if row >= 0 else set()
        return [order for order in self.own_orders() if order.order_id in ids]

    def _on_trade(self, row: int, column: int) -> None:
        price = self.model.rows[row].price
        if column in BUY_SIDE:
            self.place(Side.BUY, price)
        elif column in SELL_SIDE:
            self.place(Side.SELL, price)

    def _on_move(self, from_row: int, to_row: int) -> None:
        rows = self.model.rows
        self.move_at(rows[from_row].price, rows[to_row].price)

    def _on_cancel(self, row: int) -> None:
        self.cancel_at(self.model.rows[row].price)

    def _on_menu(self, row: int, at: QPoint) -> None:
        line = self.model.rows[row]
        if not line.orders:
            return
        menu = QMenu(self)
        text = self.tr("Cancel {count} order(s) at {price}").format(
            count=len(line.orders), price=fmt.price(line.price, self.model.decimals))
        menu.addAction(text).triggered.connect(lambda: self.cancel_at(line.price))
        self.open_menu = menu
        menu.popup(at)

    def _on_key(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_C, Qt.Key.Key_Home):
            self.centre()
        else:
            self.choose_preset(key - Qt.Key.Key_1)

    def _on_news(self, order_id: str, text: str, refused: bool) -> None:
        self._say(text, ok=not refused)

    def _ask(self, text: str, on_yes: Callable[[], None]) -> None:
        ask(self, self.tr("Confirm order"), text, on_yes)

    def _say(self, text: str, ok: bool) -> None:
        self.message.setObjectName("okLabel" if ok else "errorLabel")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def _grid(self, price: float) -> float:
        instrument = self._bridge.instrument(self.symbol)
        return on_grid(price, instrument.tick_size if instrument else 0.01)


def _reference(tick: Tick | None) -> float:
    """The last trade's price, else the middle of the touch, else 0."""
    if tick is None:
        return 0.0
    if tick.traded:
        return tick.last
    bid, ask = tick.bid, tick.ask
    if math.isfinite(bid) and math.isfinite(ask) and bid > 0 and ask > 0:
        return (bid + ask) / 2
    return 0.0

