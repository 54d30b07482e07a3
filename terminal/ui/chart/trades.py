"""Trading on the chart: fills as markers at their bar and price; working orders (and bracket
exits waiting for their entry) as lines dragged to modify them (``order_lines.py``); each
position's average price as a line whose label shows its unrealised P&L live.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from terminal.domain.enums import Side
from terminal.domain.orders import Account, Fill, Order, Position
from terminal.ui import formatting as fmt
from terminal.ui.chart.order_lines import ChartOrderLines
from terminal.ui.chart.price_line import PriceLine, fixed_text
from terminal.ui.i18n import translate

if TYPE_CHECKING:
    from terminal.ui.bridge import EngineBridge
    from terminal.ui.chart.chart import CandleChart

MAX_FILLS = 10_000  # per chart, newest kept


class ChartTrades:
    """Keeps the fills, working orders and positions the bridge reports; shows the chart's."""

    def __init__(self, chart: CandleChart, bridge: EngineBridge) -> None:
        self.chart = chart
        self.fills: list[Fill] = []
        self.positions: dict[tuple[str, str], Position] = {}
        self.markers = pg.ScatterPlotItem(pxMode=True, size=11)
        self.markers.setZValue(20)
        chart.price_plot.addItem(self.markers)
        self.order_layer = ChartOrderLines(chart, bridge)
        chart.toolbar.insertWidget(chart.toolbar.count() - 2, self.order_layer.notice)
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
        self.order_layer.close()
        self._bridge.fills_added.disconnect(self.add_fills)
        self._bridge.orders_changed.disconnect(self.update_orders)
        self._bridge.portfolio_changed.disconnect(self.update_positions)

    # ---- inputs ----------------------------------------------------------------------------
    def add_fills(self, fills: list[Fill]) -> None:
        self.fills = (self.fills + list(fills))[-MAX_FILLS:]
        self._shown = None
        self.sync()

    @property
    def orders(self) -> dict[str, Order]:
        """The working orders, by id."""
        return self.order_layer.orders

    @property
    def order_lines(self) -> dict[str, PriceLine]:
        """The line of each working order (and waiting bracket exit) shown, by order id."""
        return self.order_layer.lines

    def update_orders(self, orders: list[Order]) -> None:
        self.order_layer.update_orders(orders)

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
        self.order_layer.redraw()
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
            shown = fmt.unsigned_zero(f"{pnl:+,.2f}")  # a P&L that rounds to 0 has no sign
            color = theme.down if shown.startswith("-") else theme.up
            side = (
                translate("ChartTrades", "Long")
                if position.quantity > 0
                else translate("ChartTrades", "Short")
            )
            owner = f"{broker}: " if len(held) > 1 else ""
            pnl_word = translate("ChartTrades", "P&L")
            text = (f"{owner}{side} {fmt.quantity(abs(position.quantity))} @ "
                    f"{self._price(position.average_price)} · {pnl_word} {shown}")
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
