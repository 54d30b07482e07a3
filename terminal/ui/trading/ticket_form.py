"""The order ticket's fields and their layout (``OrderTicket`` gives them their behaviour),
with what may be attached to the order: a bracket's take-profit and stop-loss, a trail, or an
OCO stop (``ticket_attach.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.enums import Offset, OrderType, TimeInForce
from terminal.ui.i18n import QT_TRANSLATE_NOOP, translate
from terminal.ui.symbol_box import symbol_box
from terminal.ui.trading.quantity_box import QuantityBox
from terminal.ui.trading.ticket_attach import Attach
from terminal.ui.trading.ticket_depth import QuoteDepth

TYPES = [
    (QT_TRANSLATE_NOOP("TicketForm", "Market"), OrderType.MARKET),
    (QT_TRANSLATE_NOOP("TicketForm", "Limit"), OrderType.LIMIT),
    (QT_TRANSLATE_NOOP("TicketForm", "Stop"), OrderType.STOP),
    (QT_TRANSLATE_NOOP("TicketForm", "Stop-limit"), OrderType.STOP_LIMIT),
]
TIFS = [
    (QT_TRANSLATE_NOOP("TicketForm", "Day"), TimeInForce.DAY),
    (QT_TRANSLATE_NOOP("TicketForm", "GTC"), TimeInForce.GTC),
    (QT_TRANSLATE_NOOP("TicketForm", "IOC"), TimeInForce.IOC),
    (QT_TRANSLATE_NOOP("TicketForm", "FOK"), TimeInForce.FOK),
]
OFFSETS = [
    (QT_TRANSLATE_NOOP("TicketForm", "Open"), Offset.OPEN),
    (QT_TRANSLATE_NOOP("TicketForm", "Close"), Offset.CLOSE),
    (QT_TRANSLATE_NOOP("TicketForm", "Close today"), Offset.CLOSE_TODAY),
    (QT_TRANSLATE_NOOP("TicketForm", "Close yesterday"), Offset.CLOSE_YESTERDAY),
]
TOUCH, MANUAL = "Touch", "Manual"
FOLLOW = [  # keys the ticket compares; FollowBox shows them translated
    QT_TRANSLATE_NOOP("TicketForm", "Touch"), QT_TRANSLATE_NOOP("TicketForm", "Last"),
    QT_TRANSLATE_NOOP("TicketForm", "Bid"), QT_TRANSLATE_NOOP("TicketForm", "Ask"),
    QT_TRANSLATE_NOOP("TicketForm", "Manual"),
]  # fmt: skip


class TicketForm(QWidget):
    """Symbol, broker and account, type, time in force, offset, quantity, price (and what it
    follows), trigger; the Buy and Sell buttons; the message, position and estimate lines;
    the quote and depth."""

    def __init__(
        self, symbols: list[str], brokers: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._build(symbols, brokers)
        self._layout()

    def _build(self, symbols: list[str], brokers: list[str]) -> None:
        self.symbol_box = symbol_box(symbols)
        self.broker_box = QComboBox()
        self.broker_box.addItems(brokers)
        self.account_box = QComboBox()
        self.type_box = _choices(TYPES)
        self.tif_box = _choices(TIFS)
        self.offset_box = _choices(OFFSETS)
        self.offset_label = QLabel(self.tr("Offset"))
        self.quantity = QuantityBox()
        self.price = _spin()
        self.trigger = _spin()
        self.follow_box = FollowBox()
        self.follow_box.setToolTip(
            self.tr(
                "What the price follows until you edit it: Touch is the ask for a buy and the "
                "bid for a sell"
            )
        )
        self.buy_button = QPushButton()
        self.buy_button.setObjectName("buyButton")
        self.sell_button = QPushButton()
        self.sell_button.setObjectName("sellButton")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.position_label = QLabel()
        self.estimate = QLabel()
        self.estimate.setWordWrap(True)
        self.attach_box = QComboBox()
        for text, attach in (
            (self.tr("Alone"), Attach.NONE),
            (self.tr("Bracket"), Attach.BRACKET),
            (self.tr("OCO"), Attach.OCO),
            (self.tr("Trailing"), Attach.TRAILING),
        ):
            self.attach_box.addItem(text, attach)
        self.attach_box.setToolTip(self.tr(
            "Alone: the order by itself. Bracket: a take-profit and a stop-loss go live when "
            "the order fills, sized to the fill; the first to fill cancels the other. OCO: a "
            "limit at the price and a stop at the trigger; the first filled cancels the "
            "other. Trailing: a stop that follows the price by the trail."))  # fmt: skip
        self.take_profit, self.stop_loss, self.trail = _spin(), _spin(), _spin()
        for box in (self.take_profit, self.stop_loss, self.trail):
            box.setSpecialValueText(self.tr("none"))  # 0: not attached
        self.trail_unit = QComboBox()
        self.trail_unit.addItem(self.tr("price"), False)
        self.trail_unit.addItem("%", True)
        self.take_profit_label = QLabel(self.tr("Take-profit"))
        self.stop_loss_label = QLabel(self.tr("Stop-loss"))
        self.trail_label = QLabel(self.tr("Trail by"))
        self.depth_view = QuoteDepth()
        self.quote = self.depth_view.quote
        self.depth_labels = self.depth_view.levels
        self.fields: dict[str, QWidget] = {
            "symbol": self.symbol_box,
            "quantity": self.quantity,
            "price": self.price,
            "trigger": self.trigger,
            "offset": self.offset_box,
            "broker": self.broker_box,
            "account": self.account_box,
            "take_profit": self.take_profit,
            "stop_loss": self.stop_loss,
            "trail": self.trail,
        }

    def _layout(self) -> None:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow(self.tr("Symbol"), self.symbol_box)
        form.addRow(self.tr("Broker"), self.broker_box)
        form.addRow(self.tr("Account"), self.account_box)
        type_row = QHBoxLayout()
        type_row.addWidget(self.type_box, 1)
        type_row.addWidget(self.attach_box)
        form.addRow(self.tr("Type"), type_row)
        form.addRow(self.tr("Time in force"), self.tif_box)
        form.addRow(self.offset_label, self.offset_box)
        form.addRow(self.tr("Quantity"), self.quantity)
        price_row = QHBoxLayout()
        price_row.addWidget(self.price, 1)
        price_row.addWidget(self.follow_box)
        form.addRow(self.tr("Price"), price_row)
        form.addRow(self.tr("Trigger"), self.trigger)
        form.addRow(self.take_profit_label, self.take_profit)
        form.addRow(self.stop_loss_label, self.stop_loss)
        self.trail_row = QHBoxLayout()
        self.trail_row.addWidget(self.trail, 1)
        self.trail_row.addWidget(self.trail_unit)
        form.addRow(self.trail_label, self.trail_row)
        self.form = form
        buttons = QHBoxLayout()
        buttons.addWidget(self.buy_button)
        buttons.addWidget(self.sell_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.position_label)
        layout.addWidget(self.estimate)
        layout.addWidget(self.depth_view)
        layout.addStretch(1)


def _choices(items: Sequence[tuple[str, object]]) -> QComboBox:
    box = QComboBox()
    for text, value in items:
        box.addItem(translate("TicketForm", text), value)
    return box


class FollowBox(QComboBox):
    """What the price follows: shows each of ``FOLLOW`` translated, while ``currentText`` and
    ``setCurrentText`` speak the untranslated keys the ticket compares."""

    def __init__(self) -> None:
        super().__init__()
        for key in FOLLOW:
            self.addItem(translate("TicketForm", key), key)

    def currentText(self) -> str:
        return str(self.currentData())

    def setCurrentText(self, text: str) -> None:
        self.setCurrentIndex(max(self.findData(text), 0))


def _spin() -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0, 1e12)
    return box
