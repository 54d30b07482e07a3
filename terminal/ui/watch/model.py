"""The market watch's table model.

``update`` only records the latest tick of each symbol (cheap, any rate). ``refresh`` — called
once per GUI refresh — re-sorts and re-filters if needed, starts and ends cell flashes, and
tells the view about the changed cells of the *visible* rows only, one ``dataChanged`` per
changed row: off-screen rows cost nothing until they are scrolled to, and the view repaints
just the rows that changed instead of the whole viewport. Cell texts are formatted lazily and
cached per tick, so a repaint never formats a cell twice.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.ui.i18n import translate
from terminal.ui.monitors.record_table import LEFT, RIGHT
from terminal.ui.theme import Theme
from terminal.ui.watch.columns import COLUMNS, sort_key
from terminal.ui.watch.filter import RowTest, parse_filter

Index = QModelIndex | QPersistentModelIndex
MIME_TYPE = "application/x-terminal-symbols"
FLASH_S = 0.3
_DISPLAY, _ALIGN = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole
_FOREGROUND, _BACKGROUND = Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole
_NCOLS = len(COLUMNS)
_ALIGNMENTS = [LEFT if c.value is None else RIGHT for c in COLUMNS]
_COLORED = [c.colored for c in COLUMNS]
# Built once: the view asks for every painted cell's flags, and enum arithmetic is slow.
_CELL_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsDragEnabled
    | Qt.ItemFlag.ItemIsDropEnabled
)


class MarketWatchModel(QAbstractTableModel):
    """Rows are the watchlist's symbols, filtered, then sorted by the chosen column."""

    symbols_edited = Signal(list)  # the watchlist after the user added, removed or moved rows

    def __init__(
        self,
        instruments: dict[str, Instrument],
        theme: Theme,
        parent: Any = None,
        flash_s: float = FLASH_S,
    ) -> None:
        super().__init__(parent)
        self._instruments = instruments
        self._flash_s = flash_s
        self._symbols: list[str] = []  # the watchlist, in the user's order
        self._rows: list[str] = []  # what is shown: filtered, then sorted
        self._row_of: dict[str, int] = {}
        self._ticks: dict[str, Tick] = {}
        self._shown: dict[str, Tick] = {}  # per symbol, the tick its flashes were computed from
        self._texts: dict[str, tuple[Tick | None, list[str | None]]] = {}
        self._dirty: set[str] = set()
        self._flashes: dict[tuple[str, int], tuple[float, int]] = {}  # -> (ends at, +1/-1)
        self._sort_column = -1
        self._descending = False
        self._filter: RowTest = lambda _t, _i: True
        self._filter_is_live = False
        # Live re-ordering waits while the pointer is over the rows (a click must land on the
        # row it was aimed at) and while the user froze the order; it happens when both end.
        self._held = False
        self._frozen = False
        self._reorder_waiting = False
        self._visible = (0, 1 << 30)
        self.set_theme(theme)

    # ---- configuration ------------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        self._up, self._down = theme.color("up"), theme.color("down")
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, _NCOLS - 1))

    def set_symbols(self, symbols: list[str]) -> None:
        """Show another watchlist (unknown symbols are kept out of the table)."""
        self._symbols = list(dict.fromkeys(s for s in symbols if s in self._instruments))
        self._rebuild_rows()

    def set_filter(self, text: str) -> None:
        """Raises :class:`~terminal.ui.watch.filter.FilterError` naming the bad part."""
        self._filter, self._filter_is_live = parse_filter(text)
        self._rebuild_rows()

    def set_visible_rows(self, first: int, last: int) -> None:
        """The view's visible rows: only these are compared and flashed on refresh."""
        self._visible = (first, last)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._resort()

    def set_held(self, held: bool) -> None:
        """The pointer is over the rows (True) or has left them: live re-ordering waits."""
        self._held = held
        self._reorder_if_waiting()

    def set_frozen(self, frozen: bool) -> None:
        """Freeze the row order: ticks never move rows; a header click still sorts once."""
        self._frozen = frozen
        self._reorder_if_waiting()

    def frozen(self) -> bool:
        return self._frozen

    def _reorder_if_waiting(self) -> None:
        if self._reorder_waiting and not (self._held or self._frozen):
            self._reorder_waiting = False
            self._rebuild_rows()

    def clear_sort(self) -> None:
        self._sort_column = -1
        self._resort()

    def sort_column(self) -> int:
        return self._sort_column

    # ---- the watchlist ---------------------------------------------------------------------
    def symbols(self) -> list[str]:
        return list(self._symbols)

    def symbol_at(self, row: int) -> str:
        return self._rows[row]

    def row_of(self, symbol: str) -> int:
        return self._row_of.get(symbol, -1)

    def tick(self, symbol: str) -> Tick | None:
        return self._ticks.get(symbol)

    def add_symbol(self, symbol: str) -> bool:
        if symbol not in self._instruments or symbol in self._symbols:
            return False
        self._symbols.append(symbol)
        self._rebuild_rows()
        self.symbols_edited.emit(self.symbols())
        return True

    def remove_symbols(self, symbols: list[str]) -> None:
        gone = set(symbols)
        if gone & set(self._symbols):
            self._symbols = [s for s in self._symbols if s not in gone]
            self._rebuild_rows()
            self.symbols_edited.emit(self.symbols())

    def move_symbols(self, symbols: list[str], before: str | None) -> None:
        """Move ``symbols`` (in their current order) in front of ``before`` (None: to the end).

        A manual order only makes sense unsorted, so moving clears the sort."""
        moving = [s for s in self._symbols if s in set(symbols)]
        if not moving:
            return
        rest = [s for s in self._symbols if s not in set(moving)]
        at = rest.index(before) if before in rest else len(rest)
        self._symbols = rest[:at] + moving + rest[at:]
        self._sort_column = -1
        self._rebuild_rows()
        self.symbols_edited.emit(self.symbols())

    # ---- live data ----------------------------------------------------------------------------
    def update(self, ticks: dict[str, Tick]) -> None:
        """Record the latest ticks; the view hears of them at the next :meth:`refresh`."""
        self._ticks.update(ticks)
        self._dirty.update(ticks)

    def refresh(self, now: float | None = None) -> None:
        """Once per GUI refresh: re-filter and re-sort if needed, flash, notify the view."""
        now = time.monotonic() if now is None else now
        dirty, self._dirty = self._dirty, set()
        moves = dirty and (self._filter_is_live or self._sort_column >= 0)
        if moves and (self._held or self._frozen):
            self._reorder_waiting = True
        elif moves and self._filter_is_live:
            self._rebuild_rows()
        elif moves:
            self._resort()
        expired = [key for key, (ends, _d) in self._flashes.items() if ends <= now]
        repaint: dict[int, tuple[int, int]] = {}
        for key in expired:
            del self._flashes[key]
            row = self._row_of.get(key[0], -1)
            if row >= 0:
                repaint[row] = _widen(repaint.get(row), key[1])
        first, last = self._visible
        rows = self._rows
        for row in range(max(0, first), min(len(rows) - 1, last) + 1):
            symbol = rows[row]
            if symbol in dirty:
                span = self._flash_changes(symbol, now)
                if span is not None:
                    old = repaint.get(row)
                    repaint[row] = (
                        span if old is None else (min(old[0], span[0]), max(old[1], span[1]))
                    )
        index = self.index
        for row, (left, right) in repaint.items():
            self.dataChanged.emit(index(row, left), index(row, right))

    def _flash_changes(self, symbol: str, now: float) -> tuple[int, int] | None:
        tick = self._ticks[symbol]
        before = self._shown.get(symbol)
        self._shown[symbol] = tick
        if before is None:
            return (0, _NCOLS - 1)
        ends = now + self._flash_s
        left, right = _NCOLS, -1
        for column, spec in enumerate(COLUMNS):
            if spec.value is None:
                continue
            new, old = spec.value(tick), spec.value(before)
            if new != old and not (math.isnan(new) and math.isnan(old)):
                if spec.kind != "time":
                    self._flashes[(symbol, column)] = (ends, 1 if new > old else -1)
                left, right = min(left, column), max(right, column)
        return (left, right) if right >= 0 else None

    # ---- what the delegate paints -------------------------------------------------------------
    def text_at(self, row: int, column: int) -> str:
        symbol = self._rows[row]
        tick = self._ticks.get(symbol)
        cached = self._texts.get(symbol)
        if cached is None or cached[0] is not tick:
            cached = (tick, [None] * _NCOLS)
            self._texts[symbol] = cached
        texts = cached[1]
        text = texts[column]
        if text is None:
            text = texts[column] = COLUMNS[column].text(tick, self._instruments[symbol])
        return text

    def flash_at(self, row: int, column: int) -> int:
        """+1 / -1 while the cell flashes after a rise / fall, else 0."""
        if not self._flashes:
            return 0
        flash = self._flashes.get((self._rows[row], column))
        return flash[1] if flash is not None else 0

    def color_at(self, row: int, column: int) -> QColor | None:
        if not _COLORED[column]:
            return None
        tick = self._ticks.get(self._rows[row])
        if tick is None or not tick.prev_close or not tick.traded:
            return None
        if tick.last > tick.prev_close:
            return self._up
        return self._down if tick.last < tick.prev_close else None

    def up_color(self) -> QColor:
        return self._up

    def down_color(self) -> QColor:
        return self._down

    # ---- QAbstractTableModel -------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _NCOLS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == _DISPLAY:
                return translate("WatchColumns", COLUMNS[section].title)
            if role == _ALIGN:
                return _ALIGNMENTS[section]
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == _DISPLAY:
            return self.text_at(row, column)
        if role == _ALIGN:
            return _ALIGNMENTS[column]
        if role == _FOREGROUND:
            return self.color_at(row, column)
        if role == _BACKGROUND:
            flash = self.flash_at(row, column)
            if flash:
                color = QColor(self._up if flash > 0 else self._down)
                color.setAlpha(90)
                return color
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _CELL_FLAGS if index.isValid() else Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data = QMimeData()
        data.setData(MIME_TYPE, QByteArray("\n".join(self._rows[r] for r in rows).encode()))
        return data

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if action != Qt.DropAction.MoveAction or not data.hasFormat(MIME_TYPE):
            return False
        symbols = bytes(data.data(MIME_TYPE).data()).decode().split("\n")
        target = parent.row() if parent.isValid() else row
        before = self._rows[target] if 0 <= target < len(self._rows) else None
        self.move_symbols(symbols, before)
        return False  # we moved the rows ourselves: the view must not remove the originals

    # ---- ordering --------------------------------------------------------------------------------
    def _rebuild_rows(self) -> None:
        test, ticks, instruments = self._filter, self._ticks, self._instruments
        rows = [s for s in self._symbols if test(ticks.get(s), instruments[s])]
        rows = self._sorted(rows)
        if rows == self._rows:
            return
        if set(rows) == set(self._rows):
            self._relayout(rows)
            return
        self.beginResetModel()
        self._set_rows(rows)
        self.endResetModel()

    def _resort(self) -> None:
        rows = self._sorted([s for s in self._symbols if s in self._row_of])
        if rows != self._rows:
            self._relayout(rows)

    def _sorted(self, rows: list[str]) -> list[str]:
        if self._sort_column < 0:
            return rows
        column, ticks, instruments = COLUMNS[self._sort_column], self._ticks, self._instruments
        keyed = [(sort_key(column, ticks.get(s), instruments[s]), s) for s in rows]
        present = [(k[1], s) for k, s in keyed if k[0] == 0]
        missing = [s for k, s in keyed if k[0] == 1]
        present.sort(key=lambda pair: pair[0], reverse=self._descending)  # type: ignore[arg-type,return-value]
        return [s for _k, s in present] + missing

    def _relayout(self, rows: list[str]) -> None:
        """Same rows, new order: keep selection and current index through persistent indexes."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_symbols = [self._rows[i.row()] for i in old]
        self._set_rows(rows)
        self.changePersistentIndexList(
            old,
            [
                self.index(self._row_of[s], i.column())
                for s, i in zip(old_symbols, old, strict=True)
            ],
        )
        self.layoutChanged.emit()

    def _set_rows(self, rows: list[str]) -> None:
        self._rows = rows
        self._row_of = {s: r for r, s in enumerate(rows)}


def _widen(span: tuple[int, int] | None, column: int) -> tuple[int, int]:
    return (column, column) if span is None else (min(span[0], column), max(span[1], column))
