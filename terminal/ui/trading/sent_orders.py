"""What became of the orders a ticket sent: refused, rejected, or taken by the engine.

A ticket may say "Sent" only once the engine has recorded the order (the bridge shows an order
after the store has committed it); a refusal — a duplicate id (``CommandRejected``), a failed
pre-trade check, a broker's rejection (the order's own REJECTED state) — is told in red with
its reason, whenever it comes.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QObject, Signal

from terminal.domain.contingent import SubmitBracket, SubmitOco, SubmitTrailingStop
from terminal.domain.enums import Offset, OrderStatus, TimeInForce
from terminal.domain.events import CommandRejected, SubmitOrder
from terminal.domain.orders import Order, OrderRequest
from terminal.ui import formatting as fmt
from terminal.ui.bridge import EngineBridge
from terminal.ui.i18n import names, translate

KEPT = 200  # orders followed at once; the oldest are forgotten first
PLACING = {kind.__name__ for kind in (SubmitOrder, SubmitBracket, SubmitOco, SubmitTrailingStop)}
"""The commands that place an order: their refusals name the order the ticket follows."""


class SentOrders(QObject):
    """Follows the orders one ticket sent, through the bridge, and tells their news."""

    news = Signal(str, str, bool)
    """(order id, one line to show, whether it is a refusal)."""

    def __init__(self, bridge: EngineBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._texts: OrderedDict[str, str] = OrderedDict()  # order id → describe(request)
        bridge.command_rejected.connect(self._on_rejected)
        bridge.orders_changed.connect(self._on_orders)

    def follow(self, order_id: str, text: str) -> None:
        """Expect news of ``order_id``, an order described by ``text``."""
        self._texts[order_id] = text
        while len(self._texts) > KEPT:
            self._texts.popitem(last=False)

    def _on_rejected(self, rejected: CommandRejected) -> None:
        if rejected.command not in PLACING:
            return
        text = self._texts.pop(rejected.order_id, None)
        if text is not None:
            line = self.tr("Refused {order}: {reason}").format(order=text, reason=rejected.reason)
            self.news.emit(rejected.order_id, line, True)

    def _on_orders(self, orders: list[Order]) -> None:
        for order in orders:
            text = self._texts.get(order.order_id)
            if text is None:
                continue
            if order.status.is_final:
                del self._texts[order.order_id]
            if order.status is OrderStatus.REJECTED:
                line = self.tr("Rejected {order} ({order_id}): {reason}").format(
                    order=text, order_id=order.order_id,
                    reason=order.reason or self.tr("no reason given"))  # fmt: skip
                self.news.emit(order.order_id, line, True)
            else:
                line = self.tr("Sent {order} ({order_id}): {status}").format(
                    order=text, order_id=order.order_id, status=names.name(order.status))
                self.news.emit(order.order_id, line, False)


def describe(request: OrderRequest | Order, decimals: int) -> str:
    """What a person reads to act on an order (a request, or the order made of it), e.g.
    ``BUY 100 600000.SSE @ 10.50 LIMIT`` (买入 100 600000.SSE @ 10.50 限价): every price
    exactly as it is sent, on the instrument's ``decimals``. Time in force stays its code
    (GTC, IOC, FOK), as order tickets write it in both languages."""
    text = f"{names.side_word(request.side)} {fmt.amount(request.quantity)} {request.symbol}"
    if request.order_type.has_limit_price:
        text += f" @ {fmt.exact_price(request.price, decimals)}"
    if request.order_type.has_trigger:
        text += translate("SentOrders", " trigger {price}").format(
            price=fmt.exact_price(request.trigger_price, decimals))
    text += f" {names.name(request.order_type).upper().replace(' ', '-')}"
    if request.offset is not Offset.NONE:
        text += f" {names.name(request.offset).upper()}"
    if request.time_in_force is not TimeInForce.DAY:
        text += f" {request.time_in_force.value.upper()}"
    return text
