"""A table model over keyed records, with columns declared as data."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its title, how to get its text from a record, and optionally a colour."""

    title: str
    text: Callable[[Any], str]
    numeric: bool = False
    color: Callable[[Any], QColor | None] | None = None
    sort_key: Callable[[Any], Any] | None = None


class RecordTableModel(QAbstractTableModel):
    """Rows are records identified by ``key``; ``upsert`` replaces or appends in place."""

    def __init__(
        self,
        columns: list[Column],
        key: Callable[[Any], Hashable],
        max_rows: int = 0,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.columns = columns
        self._key = key
        self._max_rows = max_rows
        self._rows: list[Any] = []
        self._index: dict[Hashable, int] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column.numeric else LEFT
        if role == Qt.ItemDataRole.ForegroundRole and column.color is not None:
            return column.color(record)
        if role == Qt.ItemDataRole.UserRole:
            return column.sort_key(record) if column.sort_key else column.text(record)
        return None

    def record(self, row: int) -> Any:
        return self._rows[row]

    def records(self) -> list[Any]:
        return list(self._rows)

    def upsert(self, records: Iterable[Any]) -> None:
        new: list[Any] = []
        changed: list[int] = []
        for record in records:
            row = self._index.get(self._key(record))
            if row is None:
                new.append(record)
            else:
                self._rows[row] = record
                changed.append(row)
        if changed:
            last = self.columnCount() - 1
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), last))
        if new:
            # Newest first: traders look at the top of a blotter.
            self.beginInsertRows(QModelIndex(), 0, len(new) - 1)
            self._rows[:0] = reversed(new)
            self.endInsertRows()
            self._trim()
            self._reindex()

    def replace_all(self, records: Iterable[Any]) -> None:
        self.beginResetModel()
        self._rows = list(records)
        self._reindex()
        self.endResetModel()

    def _trim(self) -> None:
        if self._max_rows and len(self._rows) > self._max_rows:
            self.beginRemoveRows(QModelIndex(), self._max_rows, len(self._rows) - 1)
            del self._rows[self._max_rows :]
            self.endRemoveRows()

    def _reindex(self) -> None:
        self._index = {self._key(record): row for row, record in enumerate(self._rows)}
