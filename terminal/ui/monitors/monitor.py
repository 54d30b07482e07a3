"""A blotter: a filterable, sortable table of records with a context menu and CSV export."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from terminal.engine.persistence.store import export_csv
from terminal.ui.monitors.record_table import Column, RecordTableModel

FIT_ROWS = 100  # rows a column is fitted to: the newest, at the top
TITLE_PADDING = 24  # around a column's title, with room for the sort arrow


class RecordFilter(QSortFilterProxyModel):
    """Shows the records a predicate accepts; sorts by the columns' sort keys."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.predicate: Callable[[Any], bool] | None = None
        self.text = ""
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_predicate(self, predicate: Callable[[Any], bool] | None) -> None:
        self._change(lambda: setattr(self, "predicate", predicate))

    def set_text(self, text: str) -> None:
        """Show only rows where some column's text contains ``text`` (any case)."""
        self._change(lambda: setattr(self, "text", text.strip().lower()))

    def _change(self, apply: Callable[[], None]) -> None:
        # Qt 6.10 replaced invalidateFilter() by begin/endFilterChange() (the old one warns).
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            apply()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            apply()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        source = self.sourceModel()
        if not isinstance(source, RecordTableModel):
            return True
        record = source.record(row)
        if self.predicate is not None and not self.predicate(record):
            return False
        return not self.text or any(
            self.text in column.text(record).lower() for column in source.columns
        )


class Monitor(QWidget):
    """Records in a table. Double-click emits the record; right-click offers the monitor's
    actions on the record under the cursor, and "Export CSV…" of what is shown."""

    record_activated = Signal(object)

    def __init__(
        self,
        columns: list[Column],
        key: Callable[[Any], Any],
        max_rows: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = RecordTableModel(columns, key, max_rows, self)
        self.proxy = RecordFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setDynamicSortFilter(True)
        self.actions_for_record: list[tuple[str, Callable[[Any], None]]] = []
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # arrival order until clicked
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(FIT_ROWS)
        self._user_widths: dict[str, int] = {}  # column title → width the user dragged it to
        self._sizing = False
        header.sectionResized.connect(self._on_section_resized)
        self.model.rowsInserted.connect(lambda *_: self.fit_columns())
        self.model.modelReset.connect(self.fit_columns)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_menu)
        self.table.doubleClicked.connect(
            lambda index: self.record_activated.emit(self.record_at(index.row()))
        )
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filter…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(240)
        self.search.textChanged.connect(self.proxy.set_text)
        self.bar = QHBoxLayout()
        self.bar.setContentsMargins(4, 2, 4, 0)
        self.bar.addWidget(self.search)
        self.bar.addStretch(1)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addLayout(self.bar)
        self.layout_.addWidget(self.table)
        self.fit_columns()

    # ---- column widths ------------------------------------------------------------------
    def fit_columns(self) -> None:
        """Widen the columns the user has not sized to their title and the newest rows'
        texts (never narrower: columns do not jump as rows come and go)."""
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        self._sizing = True
        for column, spec in enumerate(self.model.columns[:-1]):  # the last one stretches
            if spec.title in self._user_widths:
                continue
            title = metrics.horizontalAdvance(spec.title) + TITLE_PADDING
            width = max(title, self.table.sizeHintForColumn(column))
            if width > header.sectionSize(column) or not self.model.rowCount():
                header.resizeSection(column, width)
        self._sizing = False

    def column_widths(self) -> dict[str, int]:
        """The widths the user gave columns, by title (what a saved layout keeps)."""
        return dict(self._user_widths)

    def set_column_widths(self, widths: dict[str, int]) -> None:
        titles = [spec.title for spec in self.model.columns]
        self._sizing = True
        for title, width in widths.items():
            if title in titles and isinstance(width, int) and width > 0:
                self._user_widths[title] = width
                self.table.horizontalHeader().resizeSection(titles.index(title), width)
        self._sizing = False

    def _on_section_resized(self, column: int, old: int, new: int) -> None:
        last = column == len(self.model.columns) - 1  # stretched with the table, not by hand
        if not self._sizing and not last and old > 0 and new > 0:
            self._user_widths[self.model.columns[column].title] = new

    def upsert(self, records: Iterable[Any]) -> None:
        """Replace the rows of these records (by key) in place; add the new ones on top."""
        self.model.upsert(records)

    def add_record_action(
        self, text: str, action: Callable[[Any], None], first: bool = False
    ) -> None:
        """Offer ``action`` on the record under the cursor in the context menu (at the top
        if ``first``)."""
        if first:
            self.actions_for_record.insert(0, (text, action))
        else:
            self.actions_for_record.append((text, action))

    def record_at(self, view_row: int) -> Any:
        """The record shown in ``view_row`` (after filtering and sorting)."""
        return self.model.record(self.proxy.mapToSource(self.proxy.index(view_row, 0)).row())

    def shown_records(self) -> list[Any]:
        return [self.record_at(row) for row in range(self.proxy.rowCount())]

    def export_to(self, path: Path) -> int:
        return export_csv(self.shown_records(), path)

    def menu_for(self, view_row: int) -> QMenu:
        menu = QMenu(self)
        if 0 <= view_row < self.proxy.rowCount():
            record = self.record_at(view_row)
            for text, action in self.actions_for_record:
                menu.addAction(text).triggered.connect(lambda _=False, a=action: a(record))
            if self.actions_for_record:
                menu.addSeparator()
        menu.addAction(self.tr("Export CSV…")).triggered.connect(self._export_dialog)
        return menu

    def _show_menu(self, position: QPoint) -> None:
        row = self.table.indexAt(position).row()
        self.menu_for(row).popup(self.table.viewport().mapToGlobal(position))

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export CSV"), "", self.tr("CSV files (*.csv)")
        )
        if path:
            self.export_to(Path(path))
