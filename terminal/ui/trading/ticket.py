"""The order ticket: symbol, side, type, time in force, size and prices; invalid input is
refused at the field before anything is sent; optional confirmation for real brokers."""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QMouseEvent, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.enums import AssetClass, Offset, OrderType, Side, TimeInForce
from terminal.domain.events import SubmitOrder
from terminal.domain.market import Tick
from terminal.domain.orders import OrderRequest
from terminal.engine.config import Hotkeys
from terminal.engine.orders.validation import FieldProblem, validate_request
from terminal.ui import formatting as fmt
from terminal.ui.bridge import EngineBridge
from terminal.ui.dialogs import Confirm, ask
from terminal.ui.symbol_box import symbol_box
from terminal.ui.trading.venue_rules import VenueRules

DEPTH_LEVELS = 5
TYPES = [
    ("Market", OrderType.MARKET),
    ("Limit", OrderType.LIMIT),
    ("Stop", OrderType.STOP),
    ("Stop-limit", OrderType.STOP_LIMIT),
]
TIFS = [
    ("Day", TimeInForce.DAY),
    ("GTC", TimeInForce.GTC),
    ("IOC", TimeInForce.IOC),
    ("FOK", TimeInForce.FOK),
]
OFFSETS = [
    ("Open", Offset.OPEN),
    ("Close", Offset.CLOSE),
    ("Close today", Offset.CLOSE_TODAY),
    ("Close yesterday", Offset.CLOSE_YESTERDAY),
]
FOLLOW = ["Manual", "Last", "Bid", "Ask"]


class PriceLabel(QLabel):
    """A depth price: clicking it puts the price in the ticket."""

    clicked = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self.value = math.nan
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not math.isnan(self.value):
            self.clicked.emit(self.value)
        super().mousePressEvent(event)


class OrderTicket(QWidget):
    """Sends :class:`SubmitOrder` commands; shows the quote and 5-level depth of its symbol.

    Hotkeys (while the window is active, configurable in [ui.hotkeys]): F1 buy, F2 sell,
    Esc clear. Symbols and brokers are those the bridge lists; the first broker is the default.
    """

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._ids = itertools.count(1)
        self._prefix = f"T{os.getpid() % 10000:04d}"
        self.confirm: Confirm = self._ask
        self._build(bridge.broker_names())
        self._layout()
        self.symbol_box.currentTextChanged.connect(self._on_symbol)
        self.type_box.currentIndexChanged.connect(self._on_type)
        for box in (self.quantity, self.price, self.trigger):
            box.valueChanged.connect(self._update_estimate)
        self.buy_button.clicked.connect(lambda: self.submit(Side.BUY))
        self.sell_button.clicked.connect(lambda: self.submit(Side.SELL))
        self.set_hotkeys(Hotkeys())
        bridge.ticks_changed.connect(self._on_ticks)
        # After the connections above: its reactions follow the ticket's own.
        self.venue_rules = VenueRules(self, bridge)
        self._on_broker(self.broker_box.currentText())
        self._on_symbol(self.symbol_box.currentText())
        self._on_type()
        self.venue_rules.apply()

    def set_hotkeys(self, keys: Hotkeys) -> None:
        """(Re)bind buy / sell / clear; the buttons show their keys."""
        for shortcut in getattr(self, "_shortcuts", []):
            shortcut.setParent(None)
        self._shortcuts = [
            QShortcut(QKeySequence(key), self, action, context=Qt.ShortcutContext.WindowShortcut)
            for key, action in (
                (keys.buy, lambda: self.submit(Side.BUY)),
                (keys.sell, lambda: self.submit(Side.SELL)),
                (keys.clear_ticket, self.clear),
            )
        ]
        self.buy_button.setText(f"Buy  {keys.buy}")
        self.sell_button.setText(f"Sell  {keys.sell}")

    def _build(self, brokers: list[str]) -> None:
        self.symbol_box = symbol_box(self._bridge.symbols())
        self.broker_box = QComboBox()
        self.broker_box.addItems(brokers)
        self.broker_box.currentTextChanged.connect(self._on_broker)
        self.account_box = QComboBox()
        self.type_box = _choices(TYPES)
        self.tif_box = _choices(TIFS)
        self.offset_box = _choices(OFFSETS)
        self.offset_label = QLabel("Offset")
        self.quantity = _spin()
        self.price = _spin()
        self.trigger = _spin()
        self.follow_box = QComboBox()
        self.follow_box.addItems(FOLLOW)
        self.buy_button = QPushButton("Buy  F1")
        self.buy_button.setObjectName("buyButton")
        self.sell_button = QPushButton("Sell  F2")
        self.sell_button.setObjectName("sellButton")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.estimate = QLabel()
        self.estimate.setWordWrap(True)
        self.quote = QLabel()
        self.depth_labels: list[tuple[QLabel, PriceLabel, PriceLabel, QLabel]] = []
        self.fields: dict[str, QWidget] = {
            "symbol": self.symbol_box,
            "quantity": self.quantity,
            "price": self.price,
            "trigger": self.trigger,
            "offset": self.offset_box,
            "broker": self.broker_box,
            "account": self.account_box,
        }

    def _layout(self) -> None:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Symbol", self.symbol_box)
        form.addRow("Broker", self.broker_box)
        form.addRow("Account", self.account_box)
        form.addRow("Type", self.type_box)
        form.addRow("Time in force", self.tif_box)
        form.addRow(self.offset_label, self.offset_box)
        form.addRow("Quantity", self.quantity)
        price_row = QHBoxLayout()
        price_row.addWidget(self.price, 1)
        price_row.addWidget(self.follow_box)
        form.addRow("Price", price_row)
        form.addRow("Trigger", self.trigger)
        buttons = QHBoxLayout()
        buttons.addWidget(self.buy_button)
        buttons.addWidget(self.sell_button)
        depth = QGridLayout()
        depth.setHorizontalSpacing(10)
        for column, title in enumerate(("Bid size", "Bid", "Ask", "Ask size")):
            header = QLabel(title)
            header.setAlignment(Qt.AlignmentFlag.AlignRight)
            depth.addWidget(header, 0, column)
        for level in range(DEPTH_LEVELS):
            bid, ask = PriceLabel(), PriceLabel()
            bid.clicked.connect(self._take_price)
            ask.clicked.connect(self._take_price)
            row = (QLabel(), bid, ask, QLabel())
            for column, label in enumerate(row):
                label.setAlignment(Qt.AlignmentFlag.AlignRight)
                depth.addWidget(label, level + 1, column)
            self.depth_labels.append(row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.estimate)
        layout.addWidget(self.quote)
        layout.addLayout(depth)
        layout.addStretch(1)

    # ---- user actions ---------------------------------------------------------------------
    def set_symbol(self, symbol: str) -> None:
        """Show ``symbol`` (its quote, depth and lot size), as if the user had chosen it."""
        self.symbol_box.setCurrentText(symbol)

    def fill_from_watch(self, symbol: str, side: Side) -> None:
        """Prefill from the market watch: the symbol, and a limit at the price that side pays."""
        self.symbol_box.setCurrentText(symbol)
        tick = self._bridge.latest(symbol)
        if tick is not None:
            self._select(self.type_box, OrderType.LIMIT)
            self.price.setValue(tick.ask if side is Side.BUY else tick.bid)
        self.quantity.setFocus()

    def fill_close(self, symbol: str, broker: str, quantity: float) -> None:
        """Prefill an order closing a position of ``quantity`` (signed)."""
        self.symbol_box.setCurrentText(symbol)
        self.broker_box.setCurrentText(broker)
        self._select(self.type_box, OrderType.MARKET)
        self._select(self.offset_box, Offset.CLOSE)
        self.quantity.setValue(abs(quantity))
        self.venue_rules.round_quantity()
        self._show(
            f"Close {symbol}: {'Sell' if quantity > 0 else 'Buy'} {abs(quantity):g}", ok=True
        )

    def clear(self) -> None:
        self._select(self.type_box, OrderType.MARKET)
        self._select(self.tif_box, TimeInForce.DAY)
        self.follow_box.setCurrentText("Manual")
        self.trigger.setValue(0)
        self.message.setText("")
        self._on_symbol(self.symbol_box.currentText())

    def submit(self, side: Side) -> str | None:
        """Validate and send (after confirmation for real brokers); returns the order id, or
        None when input was refused."""
        request = self.request(side)
        try:
            validate_request(request, self._bridge.instrument(request.symbol))
            if not request.broker:
                raise FieldProblem("broker", "no broker is connected")
        except FieldProblem as problem:
            self._show(problem.message[0].upper() + problem.message[1:], ok=False)
            self.fields[problem.field].setFocus()
            return None
        order_id = f"{self._prefix}-{next(self._ids)}"
        text = describe(request)

        def send() -> None:
            self._bridge.send(SubmitOrder(order_id, request))
            self._show(f"Sent {text} ({order_id})", ok=True)

        if self._bridge.is_simulated(request.broker):
            send()
        else:
            self._show(f"Waiting for confirmation: {text}", ok=False)
            self.confirm(text, send)
        return order_id

    def request(self, side: Side) -> OrderRequest:
        symbol = self.symbol_box.currentText().strip()
        instrument = self._bridge.instrument(symbol)
        order_type = OrderType(self.type_box.currentData())
        futures = instrument is not None and instrument.asset_class is AssetClass.FUTURE
        return OrderRequest(
            broker=self.broker_box.currentText(),
            symbol=symbol,
            side=side,
            quantity=self.quantity.value(),
            order_type=order_type,
            price=self.price.value() if order_type.has_limit_price else 0.0,
            trigger_price=self.trigger.value() if order_type.has_trigger else 0.0,
            time_in_force=TimeInForce(self.tif_box.currentData()),
            offset=Offset(self.offset_box.currentData()) if futures else Offset.NONE,
            account=self.account_box.currentText(),
            post_only=self.venue_rules.post_only_on,
            reduce_only=self.venue_rules.reduce_only_on,
        )

    def _ask(self, text: str, on_yes: Callable[[], None]) -> None:
        ask(self, "Confirm order", f"Send {text}?", on_yes)

    def _show(self, text: str, ok: bool) -> None:
        self.message.setObjectName("okLabel" if ok else "errorLabel")
        self.message.style().unpolish(self.message)  # the colour follows the object name
        self.message.style().polish(self.message)
        self.message.setText(text)

    # ---- reactions --------------------------------------------------------------------------
    def _on_symbol(self, symbol: str) -> None:
        instrument = self._bridge.instrument(symbol)
        if instrument is None:
            return
        self.quantity.setDecimals(max(0, -math.floor(math.log10(instrument.lot_size))))
        self.quantity.setSingleStep(instrument.lot_size)
        self.quantity.setValue(instrument.lot_size)
        for box in (self.price, self.trigger):
            box.setDecimals(instrument.price_decimals)
            box.setSingleStep(instrument.tick_size)
        futures = instrument.asset_class is AssetClass.FUTURE
        self.offset_box.setVisible(futures)
        self.offset_label.setVisible(futures)
        tick = self._bridge.latest(symbol)
        if tick is not None:
            self.price.setValue(tick.last)
            self._show_quote(tick)
        self._update_estimate()

    def _on_broker(self, broker: str) -> None:
        self.account_box.clear()
        self.account_box.addItems(self._bridge.accounts_of(broker))
        self._update_estimate()

    def _on_type(self) -> None:
        order_type = OrderType(self.type_box.currentData())
        self.price.setEnabled(order_type.has_limit_price)
        self.follow_box.setEnabled(order_type.has_limit_price)
        self.trigger.setEnabled(order_type.has_trigger)
        self._update_estimate()

    def _on_ticks(self, ticks: dict[str, Tick]) -> None:
        tick = ticks.get(self.symbol_box.currentText())
        if tick is None:
            return
        follow = self.follow_box.currentText()
        if follow != "Manual" and self.price.isEnabled():
            self.price.setValue({"Last": tick.last, "Bid": tick.bid, "Ask": tick.ask}[follow])
        elif self.price.value() == 0:
            self.price.setValue(tick.last)  # the first quote of a symbol opened before any tick
        self._show_quote(tick)
        self._update_estimate()

    def take_price(self, symbol: str, value: float) -> None:
        """A price clicked elsewhere (market watch): this symbol, a limit at that price."""
        self.symbol_box.setCurrentText(symbol)
        self._take_price(value)

    def _take_price(self, value: float) -> None:
        self.follow_box.setCurrentText("Manual")
        if not OrderType(self.type_box.currentData()).has_limit_price:
            self._select(self.type_box, OrderType.LIMIT)
        self.price.setValue(value)

    def _update_estimate(self) -> None:
        request = self.request(Side.BUY)
        if self._bridge.instrument(request.symbol) is None:
            self.estimate.setText("")
            return
        estimate = self._bridge.estimate(request)
        parts = [
            f"Est. notional {fmt.money(estimate.notional)}",
            f"commission {fmt.money(estimate.commission)}",
        ]
        if estimate.margin:
            parts.append(f"margin {fmt.money(estimate.margin)}")
        self.estimate.setText(" · ".join(parts))

    def _show_quote(self, tick: Tick) -> None:
        instrument = self._bridge.instrument(tick.symbol)
        decimals = instrument.price_decimals if instrument else 2
        self.quote.setText(
            f"Last {fmt.price(tick.last, decimals)}   "
            f"Bid {fmt.price(tick.bid, decimals)}   "
            f"Ask {fmt.price(tick.ask, decimals)}"
        )
        for level, (bid_size, bid, ask_price, ask_size) in enumerate(self.depth_labels):
            _level(bid_size, bid, tick.bid_sizes, tick.bid_prices, level, decimals)
            _level(ask_size, ask_price, tick.ask_sizes, tick.ask_prices, level, decimals)

    @staticmethod
    def _select(box: QComboBox, value: object) -> None:
        box.setCurrentIndex(box.findData(value))


def describe(request: OrderRequest) -> str:
    """What a person reads to act on an order, e.g. ``BUY 100 600000.SSE @ 10.5 LIMIT``."""
    text = f"{request.side.value.upper()} {request.quantity:g} {request.symbol}"
    if request.order_type.has_limit_price:
        text += f" @ {request.price:g}"
    if request.order_type.has_trigger:
        text += f" trigger {request.trigger_price:g}"
    text += f" {request.order_type.value.upper().replace('_', '-')}"
    if request.offset is not Offset.NONE:
        text += f" {request.offset.value.upper().replace('_', ' ')}"
    if request.time_in_force is not TimeInForce.DAY:
        text += f" {request.time_in_force.value.upper()}"
    return text


def _choices(items: Sequence[tuple[str, object]]) -> QComboBox:
    box = QComboBox()
    for text, value in items:
        box.addItem(text, value)
    return box


def _spin() -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0, 1e12)
    return box


def _level(
    size_label: QLabel,
    price_label: PriceLabel,
    sizes: tuple[float, ...],
    prices: tuple[float, ...],
    level: int,
    decimals: int,
) -> None:
    if level < len(prices):
        price_label.value = prices[level]
        price_label.setText(fmt.price(prices[level], decimals))
        size_label.setText(fmt.quantity(sizes[level]) if level < len(sizes) else "")
    else:
        price_label.value = math.nan
        price_label.setText("")
        size_label.setText("")
