"""Trading on the chart: fills as markers at their bar and price; working orders and each
position's average price as price lines, the position's label showing its unrealised P&L live.

An order's line offers "Cancel order" on the right button (and the Delete key), sent to the
engine as ``CancelOrder``. Order lines are not draggable yet: modifying an order needs the
engine's support; the line already reports a drag as ``moved(price)``.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt

from terminal.domain.enums import OrderType, Side
from terminal.domain.events import CancelOrder
from terminal.domain.orders import Account, Fill, Order, Position
from terminal.ui import formatting as fmt
from terminal.ui.chart.price_line import LineAction, PriceLine, fixed_text

if TYPE_CHECKING:
    from terminal.ui.bridge import EngineBridge
    from terminal.ui.chart.chart import CandleChart

MAX_FILLS = 10_000  # per chart, newest kept


def tr(text: str) -> str:
    return QCoreApplication.translate("ChartTrades", text)


def order_level(order: Order) -> float:
    """The price an order's line is drawn at: a stop's trigger, else its limit."""
    stop = order.order_type in (OrderType.STOP, OrderType.STOP_LIMIT)
    return order.trigger_price if stop else order.price


def order_kind(order: Order) -> str:
    buy = order.side is Side.BUY
    names = {
        OrderType.LIMIT: (tr("Buy limit"), tr("Sell limit")),
        OrderType.STOP: (tr("Buy stop"), tr("Sell stop")),
        OrderType.STOP_LIMIT: (tr("Buy stop-limit"), tr("Sell stop-limit")),
        OrderType.MARKET: (tr("Buy"), tr("Sell")),
    }
    return names[order.order_type][0 if buy else 1]


class ChartTrades:
    """Keeps the fills, working orders and positions the bridge reports; shows the chart's."""

    def __init__(self, chart: CandleChart, bridge: EngineBridge) -> None:
        self.chart = chart
        self.fills: list[Fill] = []
        self.orders: dict[str, Order] = {}
        self.positions: dict[tuple[str, str], Position] = {}
        self.markers = pg.ScatterPlotItem(pxMode=True, size=11)
        self.markers.setZValue(20)
        chart.price_plot.addItem(self.markers)
        self.order_lines: dict[str, PriceLine] = {}
        self.position_lines: dict[str, PriceLine] = {}  # by broker
        self._shown: tuple[int, int, int, str, str] | None = None
        self._bridge = bridge
        bridge.fills_added.connect(self.add_fills)
        bridge.orders_changed.connect(self.update_orders)
        bridge.portfolio_changed.connect(self.update_positions)
        chart.after_refresh.append(self.sync)
        chart.after_refresh.append(self._draw_positions)  # the P&L follows the last price
        chart.symbol_changed.connect(lambda _: self.redraw())

    def close(self) -> None:
        self._bridge.fills_added.disconnect(self.add_fills)
        self._bridge.orders_changed.disconnect(self.update_orders)
        self._bridge.portfolio_changed.disconnect(self.update_positions)

    # ---- inputs ----------------------------------------------------------------------------
    def add_fills(self, fills: list[Fill]) -> None:
        self.fills = (self.fills + list(fills))[-MAX_FILLS:]
        self._shown = None
        self.sync()

    def update_orders(self, orders: list[Order]) -> None:
        for order in orders:
            if order.status.is_working:
                self.orders[order.order_id] = order
            else:
                self.orders.pop(order.order_id, None)
        self.redraw()

    def update_positions(self, positions: list[Position], _accounts: list[Account]) -> None:
        self.positions = {(p.broker, p.symbol): p for p in positions}
        self._draw_positions()

    # ---- drawing ---------------------------------------------------------------------------
    def sync(self) -> None:
        """Re-place markers when the bars under them changed meaning (reload, older history)."""
        chart = self.chart
        buffer = chart.buffer
        key = (buffer.generation, buffer.count, len(self.fills), chart.symbol, chart.timeframe)
        if key != self._shown:
            self._shown = key
            self._draw_fills()

    def redraw(self) -> None:
        self._shown = None
        self.sync()
        self._draw_orders()
        self._draw_positions()

    def bar_index(self, ts: int) -> int | None:
        """The bar whose period holds ``ts`` (closed or forming), None before the loaded bars."""
        buffer = self.chart.buffer
        forming = buffer.forming
        if forming is not None and ts >= forming[0]:
            return buffer.size
        index = int(np.searchsorted(buffer.starts, ts, side="right")) - 1
        return index if index >= 0 else None

    def _draw_fills(self) -> None:
        theme = self.chart.theme
        spots = []
        for fill in self.fills:
            if fill.symbol != self.chart.symbol:
                continue
            index = self.bar_index(fill.ts)
            if index is None:
                continue
            buy = fill.side is Side.BUY
            color = theme.up if buy else theme.down
            spots.append({
                "pos": (index, fill.price), "symbol": "t1" if buy else "t",
                "brush": pg.mkBrush(color), "pen": pg.mkPen(theme.foreground, width=1),
                "data": fill.fill_id,
            })
        self.markers.setData(spots)

    def _draw_orders(self) -> None:
        chart, theme = self.chart, self.chart.theme
        shown = {o.order_id: o for o in self.orders.values()
                 if o.symbol == chart.symbol and order_level(o) > 0}  # fmt: skip
        for order_id in list(self.order_lines):
            if order_id not in shown:
                chart.line_labels.remove(self.order_lines.pop(order_id))
        for order in shown.values():
            color = theme.up if order.side is Side.BUY else theme.down
            line = self.order_lines.get(order.order_id)
            if line is None:
                line = self._order_line(order, color)
                self.order_lines[order.order_id] = chart.line_labels.add(line)
            line.set_color(color)
            line.set_text(partial(self._order_text, order))
            if line.pending is None:
                line.set_price(order_level(order))

    def _order_line(self, order: Order, color: str) -> PriceLine:
        cancel = LineAction(tr("Cancel order"),
                            lambda: self._bridge.send(CancelOrder(order.order_id)),
                            Qt.Key.Key_Delete)  # fmt: skip
        return PriceLine(order_level(order), color, partial(self._order_text, order),
                         tick_size=self.chart.tick_size(), actions=[cancel])  # fmt: skip

    def _order_text(self, order: Order, price: float) -> str:
        remaining = order.quantity - order.filled_quantity
        return f"{order_kind(order)} {fmt.quantity(remaining)} @ {self._price(price)}"

    def _draw_positions(self) -> None:
        chart, theme = self.chart, self.chart.theme
        held = {p.broker: p for p in self.positions.values()
                if p.symbol == chart.symbol and p.quantity}  # fmt: skip
        for broker in list(self.position_lines):
            if broker not in held:
                chart.line_labels.remove(self.position_lines.pop(broker))
        tick = self._bridge.latest(chart.symbol) if held else None
        instrument = self._bridge.instrument(chart.symbol)
        multiplier = instrument.multiplier if instrument else 1.0
        for broker, position in held.items():
            last = tick.last if tick is not None else position.last_price
            pnl = (last - position.average_price) * position.quantity * multiplier
            color = theme.up if pnl >= 0 else theme.down
            side = tr("Long") if position.quantity > 0 else tr("Short")
            owner = f"{broker}: " if len(held) > 1 else ""
            text = (f"{owner}{side} {fmt.quantity(abs(position.quantity))} @ "
                    f"{self._price(position.average_price)} · {tr('P&L')} {pnl:+,.2f}")
            line = self.position_lines.get(broker)
            if line is None:
                line = PriceLine(position.average_price, color, fixed_text(text),
                                 style=Qt.PenStyle.SolidLine)  # fmt: skip
                self.position_lines[broker] = chart.line_labels.add(line)
            line.set_color(color)
            line.set_text(fixed_text(text))
            if line.price != position.average_price:
                line.set_price(position.average_price)

    def _price(self, value: float) -> str:
        return f"{value:.{self.chart.price_decimals()}f}"
