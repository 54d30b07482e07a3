"""Record what the person did with a mail-alert order: filled (how many, at what price) or
cancelled. The dialog only sends :class:`MarkAlertOrder`; the broker decides."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.alerts import MarkAlertOrder
from terminal.domain.enums import OrderType
from terminal.domain.events import CommandRejected
from terminal.domain.orders import Order
from terminal.ui import formatting as fmt
from terminal.ui.bridge import EngineBridge
from terminal.ui.trading.sent_orders import describe


class MarkOrderDialog(QDialog):
    """Quantity and price of the fill default to what is left and to the alert's price."""

    def __init__(
        self, bridge: EngineBridge, order: Order, decimals: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mark order {order_id}").format(order_id=order.order_id))
        self._bridge = bridge
        self._order = order
        self._rejection = ""
        self._awaiting = False
        bridge.command_rejected.connect(self._on_rejected)
        price = order.price if order.order_type is OrderType.LIMIT else 0.0
        tick = bridge.latest(order.symbol)
        if not price and tick is not None:
            price = tick.last
        summary = QLabel(
            self.tr("{order} via {broker}; filled so far {filled}").format(
                order=describe(order, decimals), broker=order.broker,
                filled=fmt.amount(order.filled_quantity))
        )  # fmt: skip
        self.quantity = QDoubleSpinBox()
        self.quantity.setDecimals(6)
        self.quantity.setRange(0, order.remaining)
        self.quantity.setValue(order.remaining)
        self.price = QDoubleSpinBox()
        self.price.setDecimals(decimals)
        self.price.setRange(0, 1e12)
        self.price.setValue(price)
        self.filled_button = QPushButton(self.tr("Mark filled"))
        self.cancelled_button = QPushButton(self.tr("Mark cancelled"))
        self.close_button = QPushButton(self.tr("Close"))
        self.message = QLabel()
        self.message.setObjectName("errorLabel")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Filled quantity"), self.quantity)
        form.addRow(self.tr("Fill price"), self.price)
        buttons = QHBoxLayout()
        for button in (self.filled_button, self.cancelled_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.filled_button.clicked.connect(self.mark_filled)
        self.cancelled_button.clicked.connect(self.mark_cancelled)
        self.close_button.clicked.connect(self.reject)

    def mark_filled(self) -> None:
        quantity, price = self.quantity.value(), self.price.value()
        if quantity <= 0:
            self._refuse(self.tr("Filled quantity: must be more than 0, got {quantity}").format(
                quantity=fmt.amount(quantity)))
            return
        if price <= 0:
            self._refuse(self.tr("Fill price: must be positive, got {price}").format(
                price=fmt.amount(price)))
            return
        self._send(MarkAlertOrder(self._order.broker, self._order.order_id, True, quantity, price))

    def mark_cancelled(self) -> None:
        self._send(MarkAlertOrder(self._order.broker, self._order.order_id, False))

    def _send(self, command: MarkAlertOrder) -> None:
        # The bus dispatches synchronously: a refusal arrives before send() returns.
        self._rejection = ""
        self._awaiting = True
        try:
            self._bridge.send(command)
        finally:
            self._awaiting = False
        if self._rejection:
            self._refuse(self._rejection)
        else:
            self.accept()

    def _on_rejected(self, rejected: CommandRejected) -> None:
        if self._awaiting:
            self._rejection = rejected.reason

    def _refuse(self, text: str) -> None:
        self.message.setText(text)
