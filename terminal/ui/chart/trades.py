"""Trading on the chart: fills as markers at their bar and price, working orders and the
position's average price as horizontal lines tagged on the price axis."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from terminal.domain.enums import Side
from terminal.domain.orders import Account, Fill, Order, Position
from terminal.ui import formatting as fmt

if TYPE_CHECKING:
    from terminal.ui.bridge import EngineBridge
    from terminal.ui.chart.chart import CandleChart

MAX_FILLS = 10_000  # per chart, newest kept


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
        self.order_lines: dict[str, pg.InfiniteLine] = {}
        self.position_line = pg.InfiniteLine(angle=0, movable=False)
        self.position_line.hide()
        chart.price_plot.addItem(self.position_line, ignoreBounds=True)
        self._shown: tuple[int, int, int, str, str] | None = None
        self._bridge = bridge
        bridge.fills_added.connect(self.add_fills)
        bridge.orders_changed.connect(self.update_orders)
        bridge.portfolio_changed.connect(self.update_positions)
        chart.after_refresh.append(self.sync)
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
        self._draw_position()

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
        self._draw_position()

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
        for order_id in list(self.order_lines):
            order = self.orders.get(order_id)
            if order is None or order.symbol != chart.symbol:
                chart.price_plot.removeItem(self.order_lines.pop(order_id))
                chart.price_axis.set_marker(f"order:{order_id}", None)
        for order in self.orders.values():
            if order.symbol != chart.symbol or order.price <= 0:
                continue
            color = theme.up if order.side is Side.BUY else theme.down
            line = self.order_lines.get(order.order_id)
            if line is None:
                line = pg.InfiniteLine(angle=0, movable=False)
                self.order_lines[order.order_id] = line
                chart.price_plot.addItem(line, ignoreBounds=True)
            line.setPen(pg.mkPen(color, width=1, style=Qt.PenStyle.DashLine))
            line.setValue(order.price)
            remaining = order.quantity - order.filled_quantity
            side = order.side.value[:1].upper()
            text = f"{side} {fmt.quantity(remaining)} {self._price(order.price)}"
            chart.price_axis.set_marker(f"order:{order.order_id}", order.price, text, color,
                                        theme.background)

    def _draw_position(self) -> None:
        chart, theme = self.chart, self.chart.theme
        held = [p for p in self.positions.values() if p.symbol == chart.symbol and p.quantity]
        if not held:
            self.position_line.hide()
            chart.price_axis.set_marker("position", None)
            return
        quantity = sum(p.quantity for p in held)
        average = sum(p.quantity * p.average_price for p in held) / quantity if quantity else 0.0
        self.position_line.setPen(pg.mkPen(theme.foreground, width=1, style=Qt.PenStyle.DotLine))
        self.position_line.setValue(average)
        self.position_line.show()
        text = f"P {fmt.quantity(quantity)} {self._price(average)}"
        chart.price_axis.set_marker("position", average, text,
                                    theme.foreground, theme.background)

    def _price(self, value: float) -> str:
        chart = self.chart
        decimals = chart.instruments[chart.symbol].price_decimals if chart.symbol else 2
        return f"{value:.{decimals}f}"
