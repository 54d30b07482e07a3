"""The price ladder's rows: one price a row on the tick grid (or every few ticks: grouped),
highest first, with the bid and ask sizes quoted there, this terminal's working orders resting
there (buys and sells apart) and whether the last trade is in the row; and the table model that
shows them.

Grouped rows are ``ticks_per_row`` ticks apart, on multiples of it. A row sums the bids and own
buys from its price up to the next row's (a price between two rows goes down to the lower),
and the asks and own sells from the row below's up to its price (up to the higher): so the
bids a row shows are all at or above its price and its asks at or below, and a limit at the
row's price (what a click places) reaches all of them — the better edge for either side.

The rows are built from the latest quote and the working orders once per refresh (``update``);
the view repaints only when a row's content changed.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from terminal.domain.enums import Side
from terminal.domain.market import Tick
from terminal.domain.orders import Order
from terminal.ui import formatting as fmt
from terminal.ui.chart.order_lines import order_level
from terminal.ui.theme import Theme

Index = QModelIndex | QPersistentModelIndex
BUYS, BID, PRICE, ASK, SELLS = range(5)
"""The columns: own buy orders, bid size, price, ask size, own sell orders."""
BUY_SIDE, SELL_SIDE = (BUYS, BID), (ASK, SELLS)
SIDE_OF_COLUMN: dict[int, Side | None] = {BUYS: Side.BUY, BID: Side.BUY, PRICE: None,
                                          ASK: Side.SELL, SELLS: Side.SELL}  # fmt: skip
"""Whose orders a column acts on: a click there trades that side, Delete cancels its orders."""
ROWS = 101  # prices shown: the last trade's in the middle, 50 rows each way
TICKS_PER_ROW = (1, 2, 5, 10, 25, 50, 100)
"""The grouping choices; 0 is automatic (``auto_ticks_per_row``)."""
AUTO_SPAN, AUTO_ROWS = 0.005, 40  # automatic: about 0.5 % of the price over 40 rows (a dock)


class LadderRow(NamedTuple):
    price: float
    bid: float = 0.0
    ask: float = 0.0
    buys: float = 0.0
    """Remaining quantity of this terminal's working buy orders resting at this price."""
    sells: float = 0.0
    buy_orders: tuple[str, ...] = ()
    """The ids of those buy orders."""
    sell_orders: tuple[str, ...] = ()
    last: bool = False

    def orders_of(self, side: Side | None) -> tuple[str, ...]:
        """The ids of the orders of ``side`` resting here (None: both sides)."""
        if side is Side.BUY:
            return self.buy_orders
        if side is Side.SELL:
            return self.sell_orders
        return self.buy_orders + self.sell_orders


def on_grid(price: float, tick_size: float) -> float:
    """``price`` rounded to the tick grid (the ladder's rows are grid prices)."""
    if tick_size <= 0:
        return price
    decimals = max(0, -math.floor(math.log10(tick_size)) + 2)
    return round(round(price / tick_size) * tick_size, decimals)


def row_price(price: float, tick_size: float, ticks_per_row: int = 1, up: bool = False) -> float:
    """The price of the row ``price`` is shown in: rounded to the tick grid, then down to a
    multiple of ``ticks_per_row`` ticks (``up``: up to one; asks and sells)."""
    if tick_size <= 0:
        return price
    ticks = round(price / tick_size)  # counted in whole ticks: no float drift at the edges
    per = max(1, ticks_per_row)
    rows = -(-ticks // per) if up else ticks // per
    return on_grid(rows * per * tick_size, tick_size)


def auto_ticks_per_row(price: float, tick_size: float) -> int:
    """The grouping that shows about ``AUTO_SPAN`` of ``price`` over ``AUTO_ROWS`` rows, from
    the choices' sequence continued (1, 2, 5, 10, 25, 50, 100, 200, 500, 1000, 2500, …): a
    row of every tick for a 10-yuan share, of $10 for bitcoin at $96,000."""
    if price <= 0 or tick_size <= 0:
        return 1
    wanted = price * AUTO_SPAN / AUTO_ROWS / tick_size
    steps = [n * 100**power for power in range(4) for n in TICKS_PER_ROW[:-1]]
    return min(steps, key=lambda n: abs(math.log(n / wanted)))


def ladder_prices(
    centre: float, tick_size: float, ticks_per_row: int = 1, rows: int = ROWS
) -> list[float]:
    """``rows`` row prices around ``centre``'s row, highest first (none at or below zero)."""
    middle = row_price(centre, tick_size, ticks_per_row)
    step, half = tick_size * max(1, ticks_per_row), rows // 2
    prices = [on_grid(middle + (half - n) * step, tick_size) for n in range(rows)]
    return [price for price in prices if price > 0]


def ladder_rows(
    prices: list[float], tick: Tick | None, orders: list[Order], tick_size: float,
    ticks_per_row: int = 1,
) -> list[LadderRow]:  # fmt: skip
    """Each of ``prices``' rows with the sizes quoted and the ``orders`` resting in it."""
    bids: dict[float, float] = {}
    asks: dict[float, float] = {}
    if tick is not None:
        for price, size in zip(tick.bid_prices, tick.bid_sizes, strict=False):
            at = row_price(price, tick_size, ticks_per_row)
            bids[at] = bids.get(at, 0.0) + size
        for price, size in zip(tick.ask_prices, tick.ask_sizes, strict=False):
            at = row_price(price, tick_size, ticks_per_row, up=True)
            asks[at] = asks.get(at, 0.0) + size
    resting: dict[tuple[float, Side], list[Order]] = {}
    for order in orders:
        level = order_level(order)
        if level > 0:
            at = row_price(level, tick_size, ticks_per_row, up=order.side is Side.SELL)
            resting.setdefault((at, order.side), []).append(order)
    traded = tick is not None and tick.traded
    last = row_price(tick.last, tick_size, ticks_per_row) if tick is not None and traded else None
    rows = []
    for price in prices:
        buys, sells = resting.get((price, Side.BUY), []), resting.get((price, Side.SELL), [])
        rows.append(LadderRow(
            price, bids.get(price, 0.0), asks.get(price, 0.0),
            sum(o.remaining for o in buys), sum(o.remaining for o in sells),
            tuple(o.order_id for o in buys), tuple(o.order_id for o in sells), price == last,
        ))  # fmt: skip
    return rows


class LadderModel(QAbstractTableModel):
    """The ladder's rows as a table: sizes right-aligned, the price centred; bids and own buys
    in the up colour, asks and own sells in the down colour, the last trade's row marked."""

    def __init__(self, theme: Theme, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[LadderRow] = []
        self.decimals = 2
        self._bold = QFont()
        self._bold.setBold(True)
        self.headers = (self.tr("Buy orders"), self.tr("Bid"), self.tr("Price"), self.tr("Ask"),
                        self.tr("Sell orders"))  # fmt: skip
        self.keys_help = ""  # the ladder's keys: the price column's tooltip
        self.set_theme(theme)

    def set_theme(self, theme: Theme) -> None:
        self._up, self._down = QColor(theme.up), QColor(theme.down)
        self._last = QColor(theme.accent)
        self._last_text = QColor(theme.background)
        self._bid_fill, self._ask_fill = QColor(theme.up), QColor(theme.down)
        self._bid_fill.setAlpha(40)
        self._ask_fill.setAlpha(40)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, SELLS))

    def update(self, rows: list[LadderRow], decimals: int) -> None:
        """Show ``rows``; only the rows that changed are repainted."""
        if len(rows) != len(self.rows) or decimals != self.decimals:
            self.beginResetModel()
            self.rows, self.decimals = rows, decimals
            self.endResetModel()
            return
        old, self.rows = self.rows, rows
        for n, (before, now) in enumerate(zip(old, rows, strict=True)):
            if before != now:
                self.dataChanged.emit(self.index(n, 0), self.index(n, SELLS))

    def row_of(self, price: float) -> int:
        return next((n for n, row in enumerate(self.rows) if row.price == price), -1)

    # ---- the Qt model --------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == PRICE:
                return Qt.AlignmentFlag.AlignCenter
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == PRICE:
                return self._last_text if row.last else None
            return self._up if column in BUY_SIDE else self._down
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == PRICE and row.last:
                return self._last
            if column == BID and row.bid:
                return self._bid_fill
            if column == ASK and row.ask:
                return self._ask_fill
        if role == Qt.ItemDataRole.FontRole and (column in (BUYS, SELLS) or row.last):
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row, column)
        return None

    def _text(self, row: LadderRow, column: int) -> str:
        if column == PRICE:
            return fmt.price(row.price, self.decimals)
        value = (row.buys, row.bid, 0.0, row.ask, row.sells)[column]
        if not value:
            return ""
        count = len(row.orders_of(SIDE_OF_COLUMN[column])) if column in (BUYS, SELLS) else 0
        # Several orders at one price: their total, and how many ("15 ×2").
        return fmt.quantity(value) + (f" ×{count}" if count > 1 else "")

    def _tip(self, row: LadderRow, column: int) -> str:
        price = fmt.price(row.price, self.decimals)
        side = SIDE_OF_COLUMN[column]
        if side is None:
            return self.keys_help
        if side is Side.BUY:
            tip = self.tr("Buy limit at {price}: click, or B or Enter").format(price=price)
        else:
            tip = self.tr("Sell limit at {price}: click, or S or Enter").format(price=price)
        if row.orders_of(side):
            tip += "\n" + self.tr("Your orders here: drag them to another price to move them; "
                                  "right-click or Delete cancels them")  # fmt: skip
        return tip
