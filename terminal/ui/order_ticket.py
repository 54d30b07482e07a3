"""The order ticket: pick a symbol, side, type and size; invalid input is refused at the field."""

from __future__ import annotations

import itertools
import math
import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.enums import OrderType, Side
from terminal.domain.events import SubmitOrder
from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.domain.orders import OrderRequest
from terminal.ui import formatting as fmt
from terminal.ui.bridge import EngineBridge

DEPTH_LEVELS = 5


class OrderTicket(QWidget):
    """Sends :class:`SubmitOrder` commands; shows the quote and 5-level depth of its symbol."""

    def __init__(
        self,
        bridge: EngineBridge,
        instruments: dict[str, Instrument],
        brokers: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._instruments = instruments
        self._ids = itertools.count(1)
        self._prefix = f"T{os.getpid() % 10000:04d}"
        self.symbol_box = QComboBox()
        self.symbol_box.setObjectName("ticketSymbol")
        self.symbol_box.setEditable(True)
        self.symbol_box.addItems(sorted(instruments))
        completer = QCompleter(sorted(instruments), self.symbol_box)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.symbol_box.setCompleter(completer)
        self.broker_box = QComboBox()
        self.broker_box.addItems(brokers)
        self.type_box = QComboBox()
        for order_type in (OrderType.MARKET, OrderType.LIMIT):
            self.type_box.addItem(order_type.value.capitalize(), order_type)
        self.quantity = QDoubleSpinBox()
        self.quantity.setObjectName("ticketQuantity")
        self.quantity.setRange(0, 1e9)
        self.price = QDoubleSpinBox()
        self.price.setObjectName("ticketPrice")
        self.price.setRange(0, 1e9)
        self.buy_button = QPushButton("Buy")
        self.buy_button.setObjectName("buyButton")
        self.sell_button = QPushButton("Sell")
        self.sell_button.setObjectName("sellButton")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.quote = QLabel()
        self.depth_labels: list[tuple[QLabel, QLabel, QLabel, QLabel]] = []
        self._layout()
        self.symbol_box.currentTextChanged.connect(self._on_symbol)
        self.type_box.currentIndexChanged.connect(self._on_type)
        self.buy_button.clicked.connect(lambda: self.submit(Side.BUY))
        self.sell_button.clicked.connect(lambda: self.submit(Side.SELL))
        bridge.ticks_changed.connect(self._on_ticks)
        self._on_symbol(self.symbol_box.currentText())
        self._on_type()

    def _layout(self) -> None:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Symbol", self.symbol_box)
        form.addRow("Broker", self.broker_box)
        form.addRow("Type", self.type_box)
        form.addRow("Quantity", self.quantity)
        form.addRow("Price", self.price)
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
            labels = tuple(QLabel() for _ in range(4))
            for column, label in enumerate(labels):
                label.setAlignment(Qt.AlignmentFlag.AlignRight)
                depth.addWidget(label, level + 1, column)
            self.depth_labels.append(labels)  # type: ignore[arg-type]
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.quote)
        layout.addLayout(depth)
        layout.addStretch(1)

    # ---- user actions ---------------------------------------------------------------------
    def fill_from_watch(self, symbol: str, side: Side) -> None:
        """Prefill from the market watch: the symbol, and a limit at the price that side pays."""
        self.symbol_box.setCurrentText(symbol)
        tick = self._bridge.latest(symbol)
        if tick is not None:
            self.type_box.setCurrentIndex(self.type_box.findData(OrderType.LIMIT))
            self.price.setValue(tick.ask if side is Side.BUY else tick.bid)
        self.quantity.setFocus()

    def submit(self, side: Side) -> str | None:
        """Validate and send; returns the order id, or None when input was refused."""
        request = self._request(side)
        if request is None:
            return None
        order_id = f"{self._prefix}-{next(self._ids)}"
        self._bridge.send(SubmitOrder(order_id, request))
        price = "" if request.order_type is OrderType.MARKET else f" @ {request.price:g}"
        self._show(
            f"Sent {side.value.upper()} {request.quantity:g} {request.symbol}{price} "
            f"{request.order_type.value.upper()} ({order_id})",
            ok=True,
        )
        return order_id

    def _request(self, side: Side) -> OrderRequest | None:
        symbol = self.symbol_box.currentText().strip()
        instrument = self._instruments.get(symbol)
        if instrument is None:
            return self._refuse(self.symbol_box, f"Symbol: unknown symbol '{symbol}'")
        if not self.broker_box.currentText():
            return self._refuse(self.broker_box, "Broker: no broker is connected")
        quantity = self.quantity.value()
        if quantity <= 0:
            return self._refuse(self.quantity, f"Quantity: must be positive, got {quantity:g}")
        steps = quantity / instrument.lot_size
        if not math.isclose(steps, round(steps), abs_tol=1e-9):
            return self._refuse(
                self.quantity,
                f"Quantity: {quantity:g} is not a multiple of the lot size {instrument.lot_size:g}",
            )
        order_type = OrderType(self.type_box.currentData())
        price = self.price.value()
        if order_type is OrderType.LIMIT:
            if price <= 0:
                return self._refuse(
                    self.price, f"Price: a limit order needs a price, got {price:g}"
                )
            ticks = price / instrument.tick_size
            if not math.isclose(ticks, round(ticks), abs_tol=1e-6):
                return self._refuse(
                    self.price, f"Price: {price:g} is not on the tick size {instrument.tick_size:g}"
                )
        return OrderRequest(
            broker=self.broker_box.currentText(),
            symbol=symbol,
            side=side,
            quantity=quantity,
            order_type=order_type,
            price=price if order_type is OrderType.LIMIT else 0.0,
        )

    def _refuse(self, field: QWidget, text: str) -> OrderRequest | None:
        self._show(text, ok=False)
        field.setFocus()
        return None

    def _show(self, text: str, ok: bool) -> None:
        self.message.setObjectName("okLabel" if ok else "errorLabel")
        self.message.style().unpolish(self.message)  # the colour follows the object name
        self.message.style().polish(self.message)
        self.message.setText(text)

    # ---- reactions --------------------------------------------------------------------------
    def _on_symbol(self, symbol: str) -> None:
        instrument = self._instruments.get(symbol)
        if instrument is None:
            return
        self.quantity.setDecimals(max(0, -math.floor(math.log10(instrument.lot_size))))
        self.quantity.setSingleStep(instrument.lot_size)
        self.quantity.setValue(instrument.lot_size)
        self.price.setDecimals(instrument.price_decimals)
        self.price.setSingleStep(instrument.tick_size)
        tick = self._bridge.latest(symbol)
        if tick is not None:
            self.price.setValue(tick.last)
            self._show_quote(tick)

    def _on_type(self) -> None:
        self.price.setEnabled(self.type_box.currentData() == OrderType.LIMIT.value)

    def _on_ticks(self, ticks: dict[str, Tick]) -> None:
        tick = ticks.get(self.symbol_box.currentText())
        if tick is not None:
            self._show_quote(tick)

    def _show_quote(self, tick: Tick) -> None:
        decimals = self._instruments[tick.symbol].price_decimals
        self.quote.setText(
            f"Last {fmt.price(tick.last, decimals)}   "
            f"Bid {fmt.price(tick.bid, decimals)}   "
            f"Ask {fmt.price(tick.ask, decimals)}"
        )
        for level, labels in enumerate(self.depth_labels):
            values = (
                fmt.quantity(tick.bid_sizes[level]) if level < len(tick.bid_sizes) else "",
                fmt.price(tick.bid_prices[level], decimals) if level < len(tick.bid_prices) else "",
                fmt.price(tick.ask_prices[level], decimals) if level < len(tick.ask_prices) else "",
                fmt.quantity(tick.ask_sizes[level]) if level < len(tick.ask_sizes) else "",
            )
            for label, value in zip(labels, values, strict=True):
                label.setText(value)
