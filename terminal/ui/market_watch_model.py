"""The market watch's table model: one row per watched symbol, refreshed in coalesced batches."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.ui import formatting as fmt
from terminal.ui.record_table import LEFT, RIGHT
from terminal.ui.theme import Theme

Index = QModelIndex | QPersistentModelIndex


def _change(t: Tick) -> float:
    return t.last - t.prev_close if t.prev_close else math.nan


def _change_pct(t: Tick) -> float:
    return (t.last / t.prev_close - 1.0) * 100.0 if t.prev_close else math.nan


@dataclass(frozen=True, slots=True)
class WatchColumn:
    title: str
    text: Callable[[Tick, Instrument], str]
    value: Callable[[Tick], float] | None = None
    colored: bool = False


def _px(get: Callable[[Tick], float]) -> Callable[[Tick, Instrument], str]:
    return lambda t, i: fmt.price(get(t), i.price_decimals)


COLUMNS = [
    WatchColumn("Symbol", lambda t, i: i.symbol),
    WatchColumn("Name", lambda t, i: i.name),
    WatchColumn("Last", _px(lambda t: t.last), lambda t: t.last, colored=True),
    WatchColumn("Change", _px(_change), _change, colored=True),
    WatchColumn("Change %", lambda t, i: fmt.percent(_change_pct(t)), _change_pct, colored=True),
    WatchColumn("Bid", _px(lambda t: t.bid), lambda t: t.bid),
    WatchColumn("Ask", _px(lambda t: t.ask), lambda t: t.ask),
    WatchColumn(
        "Bid size",
        lambda t, i: fmt.quantity(t.bid_sizes[0] if t.bid_sizes else math.nan),
        lambda t: t.bid_sizes[0] if t.bid_sizes else math.nan,
    ),
    WatchColumn(
        "Ask size",
        lambda t, i: fmt.quantity(t.ask_sizes[0] if t.ask_sizes else math.nan),
        lambda t: t.ask_sizes[0] if t.ask_sizes else math.nan,
    ),
    WatchColumn("Volume", lambda t, i: fmt.big(t.volume), lambda t: t.volume),
    WatchColumn("Turnover", lambda t, i: fmt.big(t.turnover), lambda t: t.turnover),
    WatchColumn("High", _px(lambda t: t.high), lambda t: t.high),
    WatchColumn("Low", _px(lambda t: t.low), lambda t: t.low),
    WatchColumn("Open", _px(lambda t: t.open), lambda t: t.open),
    WatchColumn("Prev close", _px(lambda t: t.prev_close), lambda t: t.prev_close),
    WatchColumn(
        "Open int.",
        lambda t, i: fmt.big(t.open_interest) if t.open_interest else "",
        lambda t: t.open_interest,
    ),
    WatchColumn("Time", lambda t, i: fmt.clock_time(t.ts), lambda t: float(t.ts)),
]


class MarketWatchModel(QAbstractTableModel):
    """Rows are symbols; ``update`` takes the latest ticks and signals only the changed rows."""

    def __init__(
        self, instruments: dict[str, Instrument], theme: Theme, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._instruments = instruments
        self._symbols: list[str] = []
        self._row_of: dict[str, int] = {}
        self._ticks: dict[str, Tick] = {}
        self.set_theme(theme)

    def set_theme(self, theme: Theme) -> None:
        self._up, self._down = theme.color("up"), theme.color("down")
        if self._symbols:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._symbols) - 1, len(COLUMNS) - 1)
            )

    def set_symbols(self, symbols: list[str]) -> None:
        self.beginResetModel()
        self._symbols = [s for s in symbols if s in self._instruments]
        self._row_of = {s: row for row, s in enumerate(self._symbols)}
        self.endResetModel()

    def symbols(self) -> list[str]:
        return list(self._symbols)

    def symbol_at(self, row: int) -> str:
        return self._symbols[row]

    def tick(self, symbol: str) -> Tick | None:
        return self._ticks.get(symbol)

    def update(self, ticks: dict[str, Tick]) -> None:
        rows = []
        for symbol, tick in ticks.items():
            row = self._row_of.get(symbol)
            self._ticks[symbol] = tick
            if row is not None:
                rows.append(row)
        if rows:
            self.dataChanged.emit(
                self.index(min(rows), 0),
                self.index(max(rows), len(COLUMNS) - 1),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole],
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._symbols)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        symbol = self._symbols[index.row()]
        column = COLUMNS[index.column()]
        tick = self._ticks.get(symbol)
        if role == Qt.ItemDataRole.DisplayRole:
            if tick is None:
                return (
                    symbol
                    if index.column() == 0
                    else (self._instruments[symbol].name if index.column() == 1 else "")
                )
            return column.text(tick, self._instruments[symbol])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column.value is not None else LEFT
        if role == Qt.ItemDataRole.ForegroundRole and column.colored and tick is not None:
            change = _change(tick)
            if change > 0:
                return self._up
            if change < 0:
                return self._down
        return None

    def up_color(self) -> QColor:
        return self._up
