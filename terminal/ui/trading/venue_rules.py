"""What the ticket's broker takes on its symbol, applied to the ticket: order types and times in
force it does not take are greyed out (never chosen), post-only and reduce-only are offered
where it takes them, and a fractional quantity is rounded down to the instrument's lot."""

from __future__ import annotations

import math
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from terminal.domain.enums import OrderType, TimeInForce
from terminal.domain.orders import OrderCapabilities
from terminal.ui.bridge import EngineBridge
from terminal.ui.trading.quantity_box import QuantityBox


class Ticket(Protocol):
    """The parts of the order ticket these rules work on."""

    symbol_box: QComboBox
    broker_box: QComboBox
    type_box: QComboBox
    tif_box: QComboBox
    quantity: QuantityBox
    message: QLabel

    def findChildren(self, kind: type[QFormLayout]) -> list[QFormLayout]: ...


def round_to_lot(quantity: float, lot: float) -> float:
    """``quantity`` down to a whole number of ``lot`` (as a venue truncates it; a value a
    hair below a multiple, from binary fractions, counts as that multiple)."""
    if lot <= 0 or not math.isfinite(lot):
        return quantity
    lots = math.floor(quantity / lot + 1e-9)
    decimals = max(0, -math.floor(math.log10(lot))) + 2
    return round(lots * lot, decimals)


class VenueRules(QObject):
    """Keeps the ticket within what its broker takes (``bridge.order_capabilities``)."""

    def __init__(self, ticket: Ticket, bridge: EngineBridge) -> None:
        super().__init__(ticket if isinstance(ticket, QObject) else None)
        self._ticket = ticket
        self._bridge = bridge
        self.post_only = QCheckBox(self.tr("Post only"))
        self.reduce_only = QCheckBox(self.tr("Reduce only"))
        row = self._options_row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.post_only)
        line.addWidget(self.reduce_only)
        line.addStretch(1)
        self._form: QFormLayout | None = None
        for form in ticket.findChildren(QFormLayout):  # under "Time in force"
            for place in range(form.rowCount()):
                field = form.itemAt(place, QFormLayout.ItemRole.FieldRole)
                if field is not None and field.widget() is ticket.tif_box:
                    form.insertRow(place + 1, self.tr("Options"), row)
                    self._form = form
                    break
        self.capabilities = OrderCapabilities()
        ticket.broker_box.currentTextChanged.connect(self.apply)
        ticket.symbol_box.currentTextChanged.connect(self.apply)
        ticket.type_box.currentIndexChanged.connect(self._on_type)
        ticket.tif_box.currentIndexChanged.connect(self._keep_time_in_force)
        ticket.quantity.editingFinished.connect(self.round_quantity)
        self.apply()

    @property
    def post_only_on(self) -> bool:
        """The request's ``post_only``: ticked, and allowed."""
        return self.post_only.isChecked() and self.post_only.isEnabled()

    @property
    def reduce_only_on(self) -> bool:
        return self.reduce_only.isChecked() and self.reduce_only.isEnabled()

    def apply(self) -> None:
        """Grey out what the broker does not take on the symbol, and leave it if chosen."""
        ticket = self._ticket
        symbol = ticket.symbol_box.currentText().strip()
        broker = ticket.broker_box.currentText()
        caps = self._bridge.order_capabilities(broker, symbol) if broker else OrderCapabilities()
        self.capabilities = caps
        _offer(ticket.type_box, caps.order_types)
        _offer(ticket.tif_box, caps.time_in_force, prefer=TimeInForce.GTC)
        self.reduce_only.setEnabled(caps.reduce_only)
        self.reduce_only.setToolTip(
            ""
            if caps.reduce_only
            else self.tr("{broker} takes no reduce-only orders on {symbol}").format(
                broker=broker, symbol=symbol
            )
        )
        # A row of two greyed boxes would only push the Buy and Sell buttons down.
        if self._form is not None:
            self._form.setRowVisible(self._options_row, caps.post_only or caps.reduce_only)
        self._on_type()

    def _keep_time_in_force(self) -> None:
        """A time in force chosen in code (the ticket's Esc resets it to Day): keep it taken."""
        _offer(self._ticket.tif_box, self.capabilities.time_in_force, prefer=TimeInForce.GTC)

    def _on_type(self) -> None:
        _offer(self._ticket.type_box, self.capabilities.order_types)
        limit = self._ticket.type_box.currentData() == OrderType.LIMIT
        allowed = self.capabilities.post_only and limit
        self.post_only.setEnabled(allowed)
        self.post_only.setToolTip(
            "" if allowed else self.tr("post-only: limit orders, where the broker takes them")
        )

    def round_quantity(self) -> None:
        """Round the quantity down to the lot; say so when it changed."""
        ticket = self._ticket
        instrument = self._bridge.instrument(ticket.symbol_box.currentText().strip())
        if instrument is None:
            return
        typed = ticket.quantity.value()
        rounded = round_to_lot(typed, instrument.lot_size)
        if not math.isclose(rounded, typed, rel_tol=0, abs_tol=1e-12):
            ticket.quantity.setValue(rounded)
            ticket.message.setText(
                self.tr("Quantity {typed} rounded down to {rounded} (lot size {lot})").format(
                    typed=f"{typed:g}", rounded=f"{rounded:g}", lot=f"{instrument.lot_size:g}")
            )


def _offer(box: QComboBox, allowed: frozenset[object], prefer: object = None) -> None:
    """Enable the items of ``box`` whose data is in ``allowed``; move off a disabled choice
    (to ``prefer`` if allowed, else the first allowed)."""
    model = box.model()
    if not isinstance(model, QStandardItemModel):
        return
    for row in range(box.count()):
        item = model.item(row)
        if item is not None:
            item.setEnabled(box.itemData(row) in allowed)
    if box.currentData() in allowed:
        return
    choices = [row for row in range(box.count()) if box.itemData(row) in allowed]
    preferred = box.findData(prefer) if prefer is not None else -1
    if preferred in choices:
        box.setCurrentIndex(preferred)
    elif choices:
        box.setCurrentIndex(choices[0])
