"""Working orders on the chart: one price line per working order of the chart's symbol, and one
per bracket exit that waits for its entry (dotted: no broker has it yet).

Every line can be dragged (or moved with the keys) to modify its order — ``ModifyOrder``: the
limit of a limit order, the trigger of a stop — and offers "Cancel order" on its right button
(Delete). A refused modification puts the line back where the order is and says why in the
chart's toolbar. A bracket's and a trailing stop's lines say what they are (TP, SL, trailing
distance).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel

from terminal.domain.contingent import ContingentEvent, ContingentGroup, ContingentLeg, ModifyOrder
from terminal.domain.enums import LegRole, LegState, OrderType, Side
from terminal.domain.events import CancelOrder, CommandRejected
from terminal.domain.orders import Order, can_amend
from terminal.ui import formatting as fmt
from terminal.ui.chart.price_line import LineAction, PriceLine
from terminal.ui.i18n import translate
from terminal.ui.theme import Theme

if TYPE_CHECKING:
    from terminal.ui.bridge import EngineBridge
    from terminal.ui.chart.chart import CandleChart

NOTICE_MS = 8000


def order_level(order: Order) -> float:
    """The price an order's line is drawn at: a stop's trigger, else its limit."""
    return order.trigger_price if order.order_type.has_trigger else order.price


class ChartOrderLines(QObject):
    """The order lines of ``chart``; ``notice`` is where a refusal is said."""

    def __init__(self, chart: CandleChart, bridge: EngineBridge) -> None:
        super().__init__(chart)
        self.chart = chart
        self._bridge = bridge
        self.orders: dict[str, Order] = {}
        self.groups = {group.group_id: group for group in bridge.contingent_groups()}
        self.lines: dict[str, PriceLine] = {}
        self.notice = QLabel()
        self.notice.setObjectName("errorLabel")
        self.notice.hide()
        self._notice_timer = QTimer(self, singleShot=True, interval=NOTICE_MS)
        self._notice_timer.timeout.connect(self.notice.hide)
        self._groups_changed = False
        self._unsubscribe = bridge.subscribe(ContingentEvent, self._on_group)
        bridge.command_rejected.connect(self._on_rejected)
        chart.after_refresh.append(self._redraw_if_groups_changed)

    def close(self) -> None:
        self._unsubscribe()
        self._bridge.command_rejected.disconnect(self._on_rejected)

    # ---- inputs ----------------------------------------------------------------------------
    def update_orders(self, orders: list[Order]) -> None:
        for order in orders:
            if order.status.is_working:
                self.orders[order.order_id] = order
            else:
                self.orders.pop(order.order_id, None)
        self.redraw()

    def _on_group(self, event: ContingentEvent) -> None:
        group = event.group
        if group.done:
            self.groups.pop(group.group_id, None)
        else:
            self.groups[group.group_id] = group
        self._groups_changed = True  # drawn at the next refresh, however many came

    def _redraw_if_groups_changed(self) -> None:
        if self._groups_changed:
            self._groups_changed = False
            self.redraw()

    def _on_rejected(self, rejected: CommandRejected) -> None:
        line = self.lines.get(rejected.order_id)
        if rejected.command not in ("ModifyOrder", "CancelOrder") or line is None:
            return
        level = self._level(rejected.order_id)
        if level is not None:
            line.set_price(level)
        self.notice.setText(
            self.tr("Order {order}: {reason}").format(
                order=rejected.order_id, reason=rejected.reason
            )
        )
        self.notice.setToolTip(self.notice.text())
        self.notice.show()
        self._notice_timer.start()

    # ---- drawing ---------------------------------------------------------------------------
    def redraw(self) -> None:
        chart, theme = self.chart, self.chart.theme
        symbol = chart.symbol
        shown: dict[str, tuple[float, str, bool]] = {}  # id → (level, colour, waiting)
        for order in self.orders.values():
            if order.symbol == symbol and order_level(order) > 0:
                shown[order.order_id] = (order_level(order), _color(theme, order.side), False)
        for leg in self._waiting_legs(symbol):
            shown[leg.order_id] = (leg.level, _color(theme, leg.request.side), True)
        for order_id in list(self.lines):
            if order_id not in shown:
                chart.line_labels.remove(self.lines.pop(order_id))
        for order_id, (level, color, waiting) in shown.items():
            line = self.lines.get(order_id)
            if line is None:
                line = self._line(order_id, level, color, waiting)
                self.lines[order_id] = chart.line_labels.add(line)
            line.set_color(color)
            line.set_text(partial(self._text, order_id))
            working = self.orders.get(order_id)
            line.set_draggable(waiting or (working is not None and can_amend(working.status)))
            if line.pending is None and line.price != level:
                line.set_price(level)

    def _line(self, order_id: str, level: float, color: str, waiting: bool) -> PriceLine:
        cancel = LineAction(
            self.tr("Cancel order"),
            lambda: self._bridge.send(CancelOrder(order_id)),
            Qt.Key.Key_Delete,
        )
        style = Qt.PenStyle.DotLine if waiting else Qt.PenStyle.DashLine
        line = PriceLine(
            level,
            color,
            partial(self._text, order_id),
            draggable=True,
            tick_size=self.chart.tick_size(),
            style=style,
            actions=[cancel],
            parent=self,
        )
        line.moved.connect(partial(self._moved, order_id))
        return line

    def _moved(self, order_id: str, price: float) -> None:
        order_type = self._order_type(order_id)
        if order_type is None:
            return
        self._bridge.send(ModifyOrder.to_level(order_id, order_type, price))

    # ---- what a line says --------------------------------------------------------------------
    def _text(self, order_id: str, price: float) -> str:
        order = self.orders.get(order_id)
        found = self._leg(order_id)
        leg = found[1] if found is not None else None
        role = role_text(leg) if leg is not None else ""
        if order is not None:
            remaining = order.quantity - order.filled_quantity
            return (
                f"{role}{order_kind(order.side, order.order_type)} "
                f"{fmt.quantity(remaining)} @ {self._price(price)}"
            )
        if leg is None or found is None:
            return ""
        entry = self.orders.get(found[0].entry_id)
        size = fmt.quantity(entry.quantity) if entry is not None else ""
        waits = self.tr("waits for {entry}").format(entry=found[0].entry_id)
        return (
            f"{role}{order_kind(leg.request.side, leg.request.order_type)} {size} @ "
            f"{self._price(price)} ({waits})"
        )

    def _price(self, value: float) -> str:
        return f"{value:.{self.chart.price_decimals()}f}"

    # ---- the groups ------------------------------------------------------------------------------
    def _waiting_legs(self, symbol: str) -> list[ContingentLeg]:
        groups = [group for group in self.groups.values() if group.symbol == symbol]
        return [
            leg
            for group in groups
            for leg in group.legs
            if leg.state is LegState.WAITING and leg.level > 0
        ]

    def _leg(self, order_id: str) -> tuple[ContingentGroup, ContingentLeg] | None:
        for group in self.groups.values():
            leg = group.leg(order_id)
            if leg is not None:
                return group, leg
        return None

    def _level(self, order_id: str) -> float | None:
        order = self.orders.get(order_id)
        if order is not None:
            return order_level(order)
        found = self._leg(order_id)
        return found[1].level if found is not None else None

    def _order_type(self, order_id: str) -> OrderType | None:
        order = self.orders.get(order_id)
        if order is not None:
            return order.order_type
        found = self._leg(order_id)
        return found[1].request.order_type if found is not None else None


def _color(theme: Theme, side: Side) -> str:
    return theme.up if side is Side.BUY else theme.down


def role_text(leg: ContingentLeg) -> str:
    """ "TP ", "SL ", "SL trailing 0.5 ", "Trailing 1% ": what the order is in its group."""
    trail = leg.trail.describe() if leg.trail is not None else ""
    if leg.role is LegRole.TAKE_PROFIT:
        return translate("ChartTrades", "TP") + " "
    if leg.role is LegRole.STOP_LOSS and trail:
        return translate("ChartTrades", "SL trailing {distance}").format(distance=trail) + " "
    if leg.role is LegRole.STOP_LOSS:
        return translate("ChartTrades", "SL") + " "
    if leg.role is LegRole.TRAILING_STOP:
        return translate("ChartTrades", "Trailing {distance}").format(distance=trail) + " "
    return translate("ChartTrades", "OCO") + " "


def order_kind(side: Side, order_type: OrderType) -> str:
    """ "Buy limit", "Sell stop", …: an order's side and type, translated."""
    buy = side is Side.BUY
    names = {
        OrderType.LIMIT: (
            translate("ChartTrades", "Buy limit"),
            translate("ChartTrades", "Sell limit"),
        ),
        OrderType.STOP: (
            translate("ChartTrades", "Buy stop"),
            translate("ChartTrades", "Sell stop"),
        ),
        OrderType.STOP_LIMIT: (
            translate("ChartTrades", "Buy stop-limit"),
            translate("ChartTrades", "Sell stop-limit"),
        ),
        OrderType.MARKET: (translate("ChartTrades", "Buy"), translate("ChartTrades", "Sell")),
    }
    return names[order_type][0 if buy else 1]
