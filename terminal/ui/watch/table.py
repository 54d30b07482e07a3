"""The market watch's table view: keys, context menu, column chooser and drag to reorder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from terminal.domain.enums import Side
from terminal.ui.i18n import translate
from terminal.ui.watch.columns import COLUMN_KEYS, COLUMN_OF_KEY, COLUMNS
from terminal.ui.watch.model import MarketWatchModel
from terminal.ui.watch.painter import PADDING, RowPainter

ROW_HEIGHT = 22
DEFAULT_COLUMNS = list(COLUMN_KEYS)
WIDTHS = {"symbol": 130, "name": 120, "time": 70}
NAME_WIDTH = 100  # a longer name is elided when columns fit their content: prices come first
TITLE_PADDING = 16  # around a column's title, with room for the sort arrow


class WatchTable(QTableView):
    """Enter buys at the ask, Shift+Enter sells at the bid, Delete removes, Ctrl+Up/Down moves,
    Ctrl+C copies; the header's context menu picks the columns, dragging a header orders them.
    A sorted table re-orders with the prices, but never under the pointer: rows wait while it
    is over them, and "Freeze row order" stops live re-ordering (a header click sorts once)."""

    chart_requested = Signal(str)
    order_requested = Signal(str, object)  # symbol, Side
    alert_requested = Signal(str)  # symbol
    ladder_requested = Signal(str)  # symbol
    remove_requested = Signal(list)  # symbols
    columns_changed = Signal(list)  # visible column keys, in order
    column_resized = Signal(str, int)  # column key, width: by the user's hand only

    def __init__(self, model: MarketWatchModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.watch_model = model
        self.setObjectName("marketWatchTable")
        self.setModel(model)
        self.painter = RowPainter(self, model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDragDropOverwriteMode(False)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._show_menu)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSortIndicatorShown(True)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # unsorted: the user's order
        header.sortIndicatorChanged.connect(self._on_sort_indicator)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_column_menu)
        header.sectionMoved.connect(lambda *_: self.columns_changed.emit(self.visible_columns()))
        self._sizing = False  # widths set by code, not by the user
        header.sectionResized.connect(self._on_section_resized)
        for column, spec in enumerate(COLUMNS):
            self.setColumnWidth(column, WIDTHS.get(spec.key, 82))
        self.doubleClicked.connect(
            lambda index: self.chart_requested.emit(self._symbol(index.row()))
        )
        self.freeze_action = QAction(self.tr("Freeze row order"), self, checkable=True)
        self.freeze_action.setToolTip(
            self.tr("Rows keep their places while prices move; click a column title to sort")
        )
        self.freeze_action.toggled.connect(model.set_frozen)

    def viewportEvent(self, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Enter:
            self.watch_model.set_held(True)
        elif kind == QEvent.Type.Leave:
            self.watch_model.set_held(False)
        return super().viewportEvent(event)

    def update_colors(self) -> None:
        """Re-read the model's up/down colours (after a theme change)."""
        self.painter.update_colors()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Rows are painted by :class:`RowPainter`, not cell by cell (see there for why)."""
        self.painter.paint(event)

    # ---- columns ---------------------------------------------------------------------------
    def visible_columns(self) -> list[str]:
        header = self.horizontalHeader()
        logical = [header.logicalIndex(v) for v in range(header.count())]
        return [COLUMN_KEYS[i] for i in logical if not header.isSectionHidden(i)]

    def show_columns(self, keys: list[str]) -> None:
        """Show exactly ``keys`` (unknown ones ignored), in that order; hide the rest."""
        keys = [k for k in dict.fromkeys(keys) if k in COLUMN_OF_KEY] or DEFAULT_COLUMNS
        header = self.horizontalHeader()
        with signals_blocked(header):
            order = keys + [k for k in COLUMN_KEYS if k not in keys]
            for visual, key in enumerate(order):
                header.moveSection(header.visualIndex(COLUMN_OF_KEY[key]), visual)
                header.setSectionHidden(COLUMN_OF_KEY[key], key not in keys)
        self.columns_changed.emit(self.visible_columns())

    def set_column_shown(self, key: str, shown: bool) -> None:
        keys = self.visible_columns()
        if shown and key not in keys:
            keys.append(key)
        elif not shown and key in keys and len(keys) > 1:
            keys.remove(key)
        self.show_columns(keys)

    def fit_columns(self, keys: list[str]) -> None:
        """Size these columns to their cells as the painter draws them, and to their title (a
        name to NAME_WIDTH at most)."""
        cell_metrics = self.viewport().fontMetrics()
        title_metrics = self.horizontalHeader().fontMetrics()
        model, rows = self.watch_model, range(self.watch_model.rowCount())
        self._sizing = True
        for key in keys:
            column = COLUMN_OF_KEY[key]
            texts = (model.text_at(row, column) for row in rows)
            cells = max(map(cell_metrics.horizontalAdvance, texts), default=0) + 2 * PADDING + 2
            title = (
                title_metrics.horizontalAdvance(translate("WatchColumns", COLUMNS[column].title))
                + TITLE_PADDING
            )
            width = max(cells, title)
            self.setColumnWidth(column, min(width, NAME_WIDTH) if key == "name" else width)
        self._sizing = False

    def set_widths(self, widths: dict[str, int]) -> None:
        """Column widths by key (those a user gave a watchlist)."""
        self._sizing = True
        for key, width in widths.items():
            if key in COLUMN_OF_KEY and width > 0:
                self.setColumnWidth(COLUMN_OF_KEY[key], width)
        self._sizing = False

    def _on_section_resized(self, column: int, old: int, new: int) -> None:
        if not self._sizing and old > 0 and new > 0:  # 0: a column hidden or shown again
            self.column_resized.emit(COLUMN_KEYS[column], new)

    def _show_column_menu(self, pos: QPoint) -> None:
        self.column_menu().popup(self.horizontalHeader().mapToGlobal(pos))

    def column_menu(self) -> QMenu:
        menu = QMenu(self)
        shown = set(self.visible_columns())
        for spec in COLUMNS:
            action = QAction(translate("WatchColumns", spec.title), menu, checkable=True)
            action.setChecked(spec.key in shown)
            action.toggled.connect(lambda on, key=spec.key: self.set_column_shown(key, on))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.tr("Show all columns")).triggered.connect(
            lambda: self.show_columns(DEFAULT_COLUMNS)
        )
        return menu

    # ---- sorting -----------------------------------------------------------------------------
    def _on_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        if column < 0:
            self.watch_model.clear_sort()
        else:
            self.watch_model.sort(column, order)

    def sync_sort_indicator(self) -> None:
        """After the model dropped its sort (a manual move), clear the header's arrow too."""
        header = self.horizontalHeader()
        if self.watch_model.sort_column() < 0 and header.sortIndicatorSection() >= 0:
            with signals_blocked(header):
                header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            header.viewport().update()

    # ---- actions -----------------------------------------------------------------------------
    def current_symbol(self) -> str | None:
        index = self.currentIndex()
        return self._symbol(index.row()) if index.isValid() else None

    def selected_symbols(self) -> list[str]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        return [self._symbol(r) for r in rows]

    def copy_selection(self) -> str:
        """Copy the selected rows' visible cells, tab-separated, as a spreadsheet expects."""
        columns = [COLUMN_OF_KEY[k] for k in self.visible_columns()]
        model = self.watch_model
        lines = ["\t".join(COLUMNS[c].title for c in columns)]
        for symbol in self.selected_symbols():
            row = model.row_of(symbol)
            lines.append("\t".join(model.text_at(row, c) for c in columns))
        text = "\n".join(lines)
        QGuiApplication.clipboard().setText(text)
        return text

    def move_current(self, step: int) -> None:
        symbol = self.current_symbol()
        if symbol is None:
            return
        symbols = self.watch_model.symbols()
        at = symbols.index(symbol)
        target = at + step
        if not 0 <= target < len(symbols):
            return
        before = (
            symbols[target]
            if step < 0
            else (symbols[target + 1] if target + 1 < len(symbols) else None)
        )
        self.watch_model.move_symbols([symbol], before)
        self.sync_sort_indicator()
        self.setCurrentIndex(self.watch_model.index(self.watch_model.row_of(symbol), 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        symbol = self.current_symbol()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and symbol is not None:
            sell = bool(mods & Qt.KeyboardModifier.ShiftModifier)
            self.order_requested.emit(symbol, Side.SELL if sell else Side.BUY)
        elif key == Qt.Key.Key_Delete and symbol is not None:
            self.remove_requested.emit(self.selected_symbols())
        elif event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif mods & Qt.KeyboardModifier.ControlModifier and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_current(-1 if key == Qt.Key.Key_Up else 1)
        else:
            super().keyPressEvent(event)

    def _show_menu(self, pos: QPoint) -> None:
        menu = self.context_menu(self.indexAt(pos).row())
        if menu is not None:
            menu.popup(self.viewport().mapToGlobal(pos))

    def context_menu(self, row: int) -> QMenu | None:
        """Open chart, buy at ask, sell at bid, an alert, remove, copy — for the row under
        the mouse."""
        if row < 0:
            return None
        symbol = self._symbol(row)
        if symbol not in self.selected_symbols():
            self.setCurrentIndex(self.watch_model.index(row, 0))
        menu = QMenu(self)
        menu.addAction(self.tr("Open chart")).triggered.connect(
            lambda: self.chart_requested.emit(symbol)
        )
        menu.addAction(self.tr("New order: buy at ask")).triggered.connect(
            lambda: self.order_requested.emit(symbol, Side.BUY)
        )
        menu.addAction(self.tr("New order: sell at bid")).triggered.connect(
            lambda: self.order_requested.emit(symbol, Side.SELL)
        )
        menu.addAction(self.tr("Alert…")).triggered.connect(
            lambda: self.alert_requested.emit(symbol)
        )
        menu.addAction(self.tr("Ladder")).triggered.connect(
            lambda: self.ladder_requested.emit(symbol)
        )
        menu.addSeparator()
        menu.addAction(self.tr("Remove")).triggered.connect(
            lambda: self.remove_requested.emit(self.selected_symbols())
        )
        menu.addAction(self.tr("Copy")).triggered.connect(self.copy_selection)
        menu.addSeparator()
        menu.addAction(self.freeze_action)
        return menu

    def _symbol(self, row: int) -> str:
        return self.watch_model.symbol_at(row)

    def visible_rows(self) -> tuple[int, int]:
        viewport = self.viewport()
        first = self.rowAt(0)
        last = self.rowAt(viewport.height() - 1)
        rows = self.watch_model.rowCount()
        return (max(0, first), rows - 1 if last < 0 else last)


@contextmanager
def signals_blocked(obj: QObject) -> Iterator[None]:
    """Like ``QSignalBlocker``, whose context manager corrupts refcounts in PySide6 6.12."""
    was = obj.blockSignals(True)
    try:
        yield
    finally:
        obj.blockSignals(was)
