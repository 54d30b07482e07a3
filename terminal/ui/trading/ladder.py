"""The price ladder (DOM): one symbol's prices on the tick grid, highest first, a row a tick or
a few (``grouping``: ticks per row, automatic by default), with the bid and ask sizes quoted in
each, this terminal's working orders resting there and the last trade's row marked; trading
from it in one click.

- a click on a buy-side cell (own buys, bid) places a buy limit at that row's price, on a
  sell-side cell (ask, own sells) a sell limit; the quantity is the preset row's;
- own orders dragged to another row move there (``ModifyOrder``: a stop's trigger, else its
  limit); the right button on them cancels them;
- keys (``KEYS_HELP``), the table focused: the arrows move the cursor, B / S place a buy / sell
  limit at its price (Enter: the side of its column), Delete cancels the orders there,
  Ctrl+Up/Down moves them a row, 1–5 pick a preset quantity, C re-centres on the last trade;
- the view follows the last trade when it comes within ``EDGE`` rows of the visible edge,
  unless the user scrolled in the last few seconds (``ladder_table.FOLLOW_PAUSE_S``).

The rows are rebuilt at the bridge's refresh tick only, and only when the symbol's quote or the
orders changed (never per depth event); it reads through the bridge and acts by commands. A
broker where real money moves asks for a confirmation first (``confirm``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.contingent import ModifyOrder
from terminal.domain.enums import OrderType, Side
from terminal.domain.events import CancelOrder, CommandRejected, SubmitOrder
from terminal.domain.market import Tick
from terminal.domain.orders import Order, OrderRequest
from terminal.engine.orders.ids import new_order_id
from terminal.ui import formatting as fmt
from terminal.ui.bridge import EngineBridge
from terminal.ui.dialogs import Confirm, ask
from terminal.ui.symbol_box import symbol_box
from terminal.ui.theme import Theme
from terminal.ui.trading.ladder_model import (
    ROWS,
    TICKS_PER_ROW,
    LadderModel,
    auto_ticks_per_row,
    ladder_prices,
    ladder_rows,
    row_price,
)
from terminal.ui.trading.ladder_table import LadderTable
from terminal.ui.trading.quantity_box import QuantityBox
from terminal.ui.trading.sent_orders import SentOrders, describe

PRESETS = (1, 5, 10, 20, 50)  # quantities, in lots (keys 1–5)
EDGE = 3  # rows from the top or bottom (of the ladder, of the view) at which it follows


def keys_help() -> str:
    return QCoreApplication.translate(
        "Ladder",
        "Click a bid (or your buys) cell: buy limit there; an ask (or your sells) cell: sell "
        "limit. Drag your orders to another price to move them; right-click them to cancel.\n"
        "Keys: ↑/↓ move the cursor · B buy / S sell at the cursor · Enter: the cursor "
        "column's side · Delete cancels your orders at the cursor · Ctrl+↑/↓ moves them a "
        "row · 1–5 preset quantity · C re-centres on the last trade",
    )


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
        self.symbol_box = symbol_box(bridge.symbols())
        self.broker_box = QComboBox()
        self.broker_box.addItems(bridge.broker_names())
        self.centre_button = QPushButton(self.tr("Centre"))
        self.centre_button.setToolTip(self.tr("Centre on the last trade (C)"))
        self.grouping = QComboBox()
        self.grouping.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # Auto ×1000
        self.grouping.addItem("", 0)  # automatic: its text says what it chose (ticks_per_row)
        for ticks in TICKS_PER_ROW:
            self.grouping.addItem(f"×{ticks}", ticks)
        self.grouping.setToolTip(self.tr("Ticks per row: each row sums the sizes and your "
                                         "orders at the prices it groups"))  # fmt: skip
        self._auto_ticks = 0  # the automatic grouping for this symbol (0: not chosen yet)
        self.quantity = QuantityBox()
        self.quantity.setToolTip(self.tr("Quantity of each order placed from the ladder"))
        self.preset_buttons = [QToolButton() for _ in PRESETS]  # compact: five in a row
        self.model = LadderModel(theme, self)
        self.model.keys_help = keys_help()
        self.table = LadderTable(self.model, self)
        self.setToolTip(self.model.keys_help)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.sent_orders = SentOrders(bridge, self)
        self._layout()
        self._connect()
        self.set_symbol(self.symbol_box.currentText())

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.symbol_box, 1)
        top.addWidget(self.broker_box)
        top.addWidget(self.grouping)
        top.addWidget(self.centre_button)
        presets = QHBoxLayout()
        presets.addWidget(QLabel(self.tr("Qty")))
        self.quantity.setMaximumWidth(120)  # its sizeHint fits 1e12 with 7 decimals
        presets.addWidget(self.quantity)
        for button in self.preset_buttons:
            button.setMinimumWidth(40)  # a narrow ladder: the text elides, the tooltip tells
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            presets.addWidget(button, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(presets)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

    def _connect(self) -> None:
        bridge = self._bridge
        self.symbol_box.activated.connect(lambda _: self.set_symbol(self.symbol_box.currentText()))
        self.broker_box.currentTextChanged.connect(lambda _: self._mark_dirty())
        self.centre_button.clicked.connect(self.centre)
        self.grouping.currentIndexChanged.connect(lambda _: self.centre())
        for n, button in enumerate(self.preset_buttons):
            button.clicked.connect(lambda _=False, n=n: self.choose_preset(n))
        self.table.trade.connect(self.place)
        self.table.move_orders.connect(self.move_at)
        self.table.cancel_orders.connect(self.cancel_at)
        self.table.preset_chosen.connect(self.choose_preset)
        self.table.centre_requested.connect(self.centre)
        self.sent_orders.news.connect(lambda _id, text, refused: self._say(text, not refused))
        bridge.command_rejected.connect(self._on_rejected)
        bridge.ticks_changed.connect(self._on_ticks)
        bridge.orders_changed.connect(lambda _: self._mark_dirty())
        bridge.refreshed.connect(self.refresh)

    # ---- what it shows ---------------------------------------------------------------------
    def set_symbol(self, symbol: str) -> None:
        """Show ``symbol``'s ladder, centred on its last trade; presets in its lots."""
        instrument = self._bridge.instrument(symbol)
        if instrument is None:
            return
        self.symbol = symbol
        self.symbol_box.setCurrentText(symbol)
        lot = instrument.lot_size or 1.0
        self.quantity.set_lot(lot)
        for n, (button, lots) in enumerate(zip(self.preset_buttons, PRESETS, strict=True)):
            button.setText(fmt.quantity(lots * lot))
            button.setToolTip(self.tr("Quantity {quantity} (key {key})").format(
                quantity=fmt.quantity(lots * lot), key=n + 1))  # fmt: skip
        self.quantity.setValue(lot)
        self._centre = 0.0
        self._auto_ticks = 0
        self.message.setText("")
        self.centre()

    def set_theme(self, theme: Theme) -> None:
        self.model.set_theme(theme)

    def centre(self) -> None:
        """Put the last trade (or the touch, before any) in the middle row, the cursor on it."""
        price = _reference(self._bridge.latest(self.symbol))
        if price:
            self._centre = price
        self._dirty = True
        self.refresh(force=True)
        if self._centre:
            self.table.place_cursor(self._row(self._centre))

    def refresh(self, force: bool = False) -> None:
        """Rebuild the rows if the quote or the orders changed (the bridge's refresh tick); a
        hidden ladder (a tab behind) waits until it is shown."""
        if not self._dirty or not (force or self.isVisible()):
            return
        self._dirty = False
        instrument = self._bridge.instrument(self.symbol)
        if instrument is None:
            return
        tick = self._bridge.latest(self.symbol)
        last = _reference(tick)
        self._centre = self._centre or last
        if not self._centre:
            self.model.update([], instrument.price_decimals)
            return
        tick_size, per = instrument.tick_size, self.ticks_per_row()
        prices = ladder_prices(self._centre, tick_size, per)
        walked_off = last and len(prices) == ROWS and not prices[-EDGE] < last < prices[EDGE - 1]
        cursor, column = self.table.cursor_price(), self.table.currentIndex().column()
        if walked_off:  # the market walked off the ladder: follow it
            self._centre = last
            prices = ladder_prices(self._centre, tick_size, per)
        rows = ladder_rows(prices, tick, self.own_orders(), tick_size, per)
        self.model.update(rows, instrument.price_decimals)
        if walked_off:  # the cursor stays on its price (or goes to the last trade's)
            self.table.place_cursor(cursor if cursor in prices else self._row(last), column)
        elif last and self.model.row_of(self._row(last)) >= 0 and self.table.may_follow():
            self.table.keep_in_view(self.model.row_of(self._row(last)), EDGE)  # the view follows

    def ticks_per_row(self) -> int:
        """The grouping chosen, or the automatic one for the symbol's price (decided once a
        price is known, kept until the symbol changes, so rows do not regroup as it moves)."""
        chosen = int(self.grouping.currentData() or 0)
        if chosen:
            return chosen
        instrument = self._bridge.instrument(self.symbol)
        if not self._auto_ticks and instrument is not None:
            price = _reference(self._bridge.latest(self.symbol))
            if price:
                self._auto_ticks = auto_ticks_per_row(price, instrument.tick_size)
        text = self.tr("Auto ×{ticks}").format(ticks=self._auto_ticks) if self._auto_ticks else ""
        if self.grouping.itemText(0) != (text or self.tr("Auto")):
            self.grouping.setItemText(0, text or self.tr("Auto"))
        return self._auto_ticks or 1

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # what changed while it was behind another tab

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

    def place(self, price: float, side: Side) -> str | None:
        """A ``side`` limit at ``price`` for the preset quantity; its order id (None if the
        ladder cannot send one now)."""
        broker, quantity = self.broker_box.currentText(), self.quantity.value()
        if not broker or quantity <= 0:
            self._say(self.tr("Choose a broker and a quantity above 0"), ok=False)
            return None
        request = OrderRequest(broker, self.symbol, side, quantity, OrderType.LIMIT, price,
                               origin="ladder")  # fmt: skip
        text = describe(request, self.model.decimals)
        order_id = new_order_id("L")

        def send() -> None:
            self.sent_orders.follow(order_id, text)
            self._say(self.tr("Sending {order}…").format(order=text), ok=True)
            self._bridge.send(SubmitOrder(order_id, request))

        if self._bridge.is_simulated(broker):
            send()
        else:
            self.confirm(self.tr("Send {order}?").format(order=text), send)
        return order_id

    def move_at(self, from_price: float, to_price: float, side: Side | None = None) -> int:
        """Move ``side``'s orders (None: all) resting at ``from_price`` to ``to_price``; how
        many."""
        orders = self._orders_at(from_price, side)
        for order in orders:
            self._bridge.send(ModifyOrder.to_level(order.order_id, order.order_type, to_price))
        return len(orders)

    def cancel_at(self, price: float, side: Side | None = None) -> int:
        """Cancel ``side``'s orders (None: all) resting at ``price``; how many."""
        orders = self._orders_at(price, side)
        for order in orders:
            self._bridge.send(CancelOrder(order.order_id))
        if orders:
            shown = fmt.price(price, self.model.decimals)
            text = self.tr("Cancelling {count} order(s) at {price}")
            self._say(text.format(count=len(orders), price=shown), ok=True)
        return len(orders)

    def _orders_at(self, price: float, side: Side | None) -> list[Order]:
        row = self.model.row_of(price)
        ids = set(self.model.rows[row].orders_of(side)) if row >= 0 else set()
        return [order for order in self.own_orders() if order.order_id in ids]

    def _on_rejected(self, rejected: CommandRejected) -> None:
        """A move or cancel of one of the ladder's orders refused (here, or on the chart)."""
        if rejected.command not in ("ModifyOrder", "CancelOrder") or not rejected.order_id:
            return
        if any(order.order_id == rejected.order_id for order in self.own_orders()):
            self._say(self.tr("Order {order}: {reason}").format(
                order=rejected.order_id, reason=rejected.reason), ok=False)  # fmt: skip

    def _ask(self, text: str, on_yes: Callable[[], None]) -> None:
        ask(self, self.tr("Confirm order"), text, on_yes)

    def _say(self, text: str, ok: bool) -> None:
        self.message.setObjectName("okLabel" if ok else "errorLabel")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def _row(self, price: float) -> float:
        """The price of the row ``price`` is in (the last trade's, the centre's)."""
        instrument = self._bridge.instrument(self.symbol)
        return row_price(price, instrument.tick_size if instrument else 0.01, self.ticks_per_row())


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
