"""The market watch dock: watchlists as tabs, a search box to add symbols, a filter, the table.

Ticks go into the model as they come (``update_ticks``); the view hears of them once per
refresh (``refresh``, driven by the bridge's refresh timer).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.engine.universe.search import SymbolSearch
from terminal.engine.universe.store import Universe
from terminal.ui.theme import Theme
from terminal.ui.watch.columns import COLUMN_KEYS, COLUMNS
from terminal.ui.watch.filter import FilterError
from terminal.ui.watch.model import MarketWatchModel
from terminal.ui.watch.search_box import Search, SymbolSearchBox
from terminal.ui.watch.store import (
    Watchlist,
    WatchlistStore,
    WatchState,
    export_csv,
    import_csv,
)
from terminal.ui.watch.table import WatchTable, signals_blocked

log = logging.getLogger("terminal.ui.watch.market_watch")
PRICE_FIELDS = ("last", "bid", "ask")  # the columns whose cells are prices to trade at
FIT_WAIT = 60  # refreshes (3 s at 20 Hz) to wait for the shown rows' quotes before fitting


class MarketWatch(QWidget):
    """Double-click or "Open chart" opens the chart; Enter buys at the ask, Shift+Enter sells at
    the bid (the order ticket is filled, not sent).

    ``search`` finds instruments for the "Add symbol…" box (by default among ``instruments``);
    ``watch`` is told every symbol of every watchlist whenever they change (the engine then
    subscribes and unsubscribes feeds, and learns the instruments the universe lists)."""

    symbol_activated = Signal(str)
    order_requested = Signal(str, object)  # symbol, Side
    current_symbol_changed = Signal(str)
    price_clicked = Signal(str, str)
    alert_requested = Signal(str)  # symbol: "Alert…" on its row
    ladder_requested = Signal(str)  # symbol: "Ladder" on its row
    """(symbol, "last" | "bid" | "ask"): the user clicked that price cell of that row."""

    def __init__(
        self,
        instruments: dict[str, Instrument],
        symbols: list[str],
        theme: Theme,
        parent: QWidget | None = None,
        store: WatchlistStore | None = None,
        search: Search | None = None,
        watch: Callable[[list[str]], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._instruments = instruments
        self._store = store
        self._watch = watch
        if watch is not None and (store is None or not store.path.is_file()):
            # A first start: the engine learns the universe's instruments the config names.
            watch([s for s in symbols if s not in instruments])
        defaults = [s for s in symbols if s in instruments] or sorted(instruments)
        self.state: WatchState = (
            store.load(defaults)
            if store
            else WatchState(watchlists=[Watchlist("Default", defaults)])
        )
        self.model = MarketWatchModel(instruments, theme, self)
        self.table = WatchTable(self.model, self)
        self.tabs = QTabBar(self)
        self.tabs.setObjectName("watchlistTabs")
        self.tabs.setMovable(False)
        self.tabs.setExpanding(False)
        self.tabs.setUsesScrollButtons(True)
        # A narrow dock scrolls its tabs instead of widening the window's minimum size.
        self.tabs.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.menu_button = QToolButton(self)
        self.menu_button.setText("☰")
        self.menu_button.setToolTip(self.tr("Watchlists and columns"))
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_button.setMenu(self._watchlist_menu())
        self.search = SymbolSearchBox(search or SymbolSearch(Universe(), instruments).search, self)
        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName("watchFilter")
        self.filter_box.setPlaceholderText(self.tr("Filter: text, or last>100, change_pct<0…"))
        self.filter_box.setClearButtonEnabled(True)
        self.message = QLabel(self)
        self.message.setObjectName("errorLabel")
        self.message.setWordWrap(True)
        self.message.hide()
        self._layout()
        for watchlist in self.state.watchlists:
            self.tabs.addTab(watchlist.name)
        self.tabs.setCurrentIndex(self.state.active)
        self._tell_watched()  # first: the engine learns the universe's instruments listed
        self.model.set_symbols(self.state.watchlists[self.state.active].symbols)
        self.table.show_columns(self.state.columns)
        self._unfitted: list[str] = []
        self._waited = 0
        self._show_widths()
        self._save_soon = QTimer(self, singleShot=True, interval=500)  # once a drag is over
        self._save_soon.timeout.connect(self._save)
        self.tabs.currentChanged.connect(self._on_tab)
        self.search.chosen.connect(self._add_from_search)
        self.filter_box.textChanged.connect(self._on_filter)
        self.model.symbols_edited.connect(self._on_symbols_edited)
        self.table.columns_changed.connect(self._on_columns)
        self.table.column_resized.connect(self._on_column_resized)
        self.table.chart_requested.connect(self.symbol_activated)
        self.table.order_requested.connect(self.order_requested)
        self.table.alert_requested.connect(self.alert_requested)
        self.table.ladder_requested.connect(self.ladder_requested)
        self.table.remove_requested.connect(self.model.remove_symbols)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.table.clicked.connect(self._on_click)
        self.model.modelReset.connect(self._reselect)
        self._current: str | None = None

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.tabs, 1)
        top.addWidget(self.menu_button)
        boxes = QHBoxLayout()
        boxes.setContentsMargins(2, 0, 2, 0)
        boxes.addWidget(self.search, 1)
        boxes.addWidget(self.filter_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(boxes)
        layout.addWidget(self.message)
        layout.addWidget(self.table)

    def _watchlist_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addAction(self.tr("New watchlist…")).triggered.connect(self._ask_new_watchlist)
        menu.addAction(self.tr("Rename watchlist…")).triggered.connect(self._ask_rename)
        menu.addAction(self.tr("Delete watchlist")).triggered.connect(self.delete_watchlist)
        menu.addSeparator()
        menu.addAction(self.tr("Import CSV…")).triggered.connect(self._ask_import)
        menu.addAction(self.tr("Export CSV…")).triggered.connect(self._ask_export)
        menu.addSeparator()
        menu.addAction(self.tr("Columns…")).triggered.connect(
            lambda: self.table.column_menu().popup(self.mapToGlobal(self.rect().center()))
        )
        menu.addAction(self.table.freeze_action)
        return menu

    def set_instruments(self, instruments: dict[str, Instrument]) -> None:
        """Feeds that started later bring more instruments."""
        self._instruments = instruments

    def set_theme(self, theme: Theme) -> None:
        """Draw the up/down colours and flashes of ``theme``."""
        self.model.set_theme(theme)
        self.table.update_colors()

    # ---- live data ----------------------------------------------------------------------------
    def update_ticks(self, ticks: dict[str, Tick]) -> None:
        self.model.update(ticks)

    def refresh(self) -> None:
        self.model.set_visible_rows(*self.table.visible_rows())
        self.model.refresh()
        if self._unfitted:
            self._fit_when_quoted()

    def _show_widths(self) -> None:
        """The watchlist's own column widths; the other columns fit their content once the
        shown rows have quotes (before, a price column would fit its title only)."""
        self.table.set_widths(self.active.widths)
        self._unfitted = [key for key in COLUMN_KEYS if key not in self.active.widths]
        self._waited = 0

    def _fit_when_quoted(self) -> None:
        self._waited += 1
        first, last = self.table.visible_rows()
        shown = range(first, min(last, self.model.rowCount() - 1) + 1)
        if self._waited < FIT_WAIT and not all(
            self.model.tick(self.model.symbol_at(row)) for row in shown
        ):
            return
        self.table.fit_columns(self._unfitted)
        self._unfitted = []

    def selected_symbol(self) -> str | None:
        return self.table.current_symbol()

    def select_symbol(self, symbol: str) -> bool:
        row = self.model.row_of(symbol)
        if row < 0:
            return False
        self.table.setCurrentIndex(self.model.index(row, 0))
        return True

    # ---- watchlists -----------------------------------------------------------------------------
    @property
    def active(self) -> Watchlist:
        return self.state.watchlists[self.state.active]

    def watched(self) -> list[str]:
        """Every symbol of every watchlist, once each."""
        return list(dict.fromkeys(s for w in self.state.watchlists for s in w.symbols))

    def add_symbol(self, text: str) -> bool:
        """Add what ``text`` stands for (an offered hit, a symbol, a code, pinyin initials:
        the best hit) to the current watchlist; an instrument only the universe knows is
        made known, and subscribed, first."""
        symbol = self.search.best(text)
        if symbol not in self._instruments and self._watch is not None:
            self._tell_watched(symbol)
        if symbol not in self._instruments:
            return self._refuse(self.tr("Add symbol: unknown symbol '{symbol}'").format(
                symbol=symbol))
        if not self.model.add_symbol(symbol):
            return self._refuse(self.tr("Add symbol: '{symbol}' is already in {watchlist}").format(
                symbol=symbol, watchlist=self.active.name))
        self.message.hide()
        self.select_symbol(symbol)
        return True

    def new_watchlist(self, name: str, symbols: list[str] | None = None) -> bool:
        name = name.strip()
        if not name or any(w.name == name for w in self.state.watchlists):
            return self._refuse(self.tr("Watchlist name: '{name}' is empty or already used").format(
                name=name))
        self.state.watchlists.append(Watchlist(name, list(symbols or [])))
        self._tell_watched()
        self.tabs.addTab(name)
        self.tabs.setCurrentIndex(len(self.state.watchlists) - 1)
        self._save()
        return True

    def rename_watchlist(self, name: str) -> bool:
        name = name.strip()
        if not name or any(w.name == name for w in self.state.watchlists):
            return self._refuse(self.tr("Watchlist name: '{name}' is empty or already used").format(
                name=name))
        self.active.name = name
        self.tabs.setTabText(self.state.active, name)
        self._save()
        return True

    def delete_watchlist(self) -> bool:
        if len(self.state.watchlists) == 1:
            return self._refuse(self.tr("Delete watchlist: the last watchlist cannot be deleted"))
        index = self.state.active
        del self.state.watchlists[index]
        self.state.active = min(index, len(self.state.watchlists) - 1)
        with signals_blocked(self.tabs):
            self.tabs.removeTab(index)
            self.tabs.setCurrentIndex(self.state.active)
        self.model.set_symbols(self.active.symbols)
        self._show_widths()
        self._tell_watched()
        self._save()
        return True

    def import_csv(self, path: Path) -> bool:
        """Add the file's symbols to the current watchlist; unknown ones are reported."""
        try:
            symbols, problems = import_csv(path, set(self._instruments))
            if problems and self._watch is not None:  # the universe may know them
                listed, _ = import_csv(path, _Anything())
                self._tell_watched(*listed)
                symbols, problems = import_csv(path, set(self._instruments))
        except (OSError, UnicodeDecodeError) as exc:
            return self._refuse(self.tr("Import CSV: cannot read {path}: {problem}").format(
                path=path, problem=exc))
        for symbol in symbols:
            self.model.add_symbol(symbol)
        if problems:
            return self._refuse(self.tr("Import CSV: {problems}").format(
                problems="; ".join(problems)))
        self.message.hide()
        return True

    def export_csv(self, path: Path) -> bool:
        try:
            export_csv(
                path, self.model.symbols(), {s: i.name for s, i in self._instruments.items()}
            )
        except OSError as exc:
            return self._refuse(self.tr("Export CSV: cannot write {path}: {problem}").format(
                path=path, problem=exc))
        return True

    # ---- reactions -------------------------------------------------------------------------------
    def _add_from_search(self, text: str) -> None:
        if self.add_symbol(text):
            self.search.clear()

    def _on_tab(self, index: int) -> None:
        if 0 <= index < len(self.state.watchlists):
            self.state.active = index
            self.model.set_symbols(self.active.symbols)
            self._show_widths()
            self._save()

    def _on_symbols_edited(self, symbols: list[str]) -> None:
        self.active.symbols = list(symbols)
        self.table.sync_sort_indicator()
        self._tell_watched()
        self._save()

    def _on_column_resized(self, key: str, width: int) -> None:
        self.active.widths[key] = width
        self._save_soon.start()

    def hideEvent(self, event: QHideEvent) -> None:
        if self._save_soon.isActive():  # the window closes right after a drag
            self._save_soon.stop()
            self._save()
        super().hideEvent(event)

    def _tell_watched(self, *more: str) -> None:
        if self._watch is not None:
            self._watch([*self.watched(), *more])

    def _on_columns(self, keys: list[str]) -> None:
        self.state.columns = list(keys)
        self._save()

    def _on_filter(self, text: str) -> None:
        try:
            self.model.set_filter(text)
        except FilterError as exc:
            self._refuse(str(exc))
            return
        self.message.hide()

    def _on_current_row(self, *_: object) -> None:
        symbol = self.table.current_symbol()
        if symbol is not None and symbol != self._current:
            self._current = symbol
            self.current_symbol_changed.emit(symbol)

    def _on_click(self, index: QModelIndex) -> None:
        key = COLUMNS[index.column()].key
        if key in PRICE_FIELDS:
            self.price_clicked.emit(self.model.symbol_at(index.row()), key)

    def _reselect(self) -> None:
        if self._current is not None:
            self.select_symbol(self._current)

    def _refuse(self, text: str) -> bool:
        log.warning("%s", text)
        self.message.setText(text)
        self.message.show()
        return False

    def _save(self) -> None:
        if self._store is not None:
            self._store.save(self.state)

    # ---- dialogs (thin wrappers the tests bypass) ----------------------------------------
    def _ask_new_watchlist(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New watchlist"), self.tr("Name:"))
        if ok:
            self.new_watchlist(name)

    def _ask_rename(self) -> None:
        name, ok = QInputDialog.getText(
            self, self.tr("Rename watchlist"), self.tr("Name:"), text=self.active.name
        )
        if ok:
            self.rename_watchlist(name)

    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import watchlist"), "", self.tr("CSV (*.csv)")
        )
        if path:
            self.import_csv(Path(path))

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export watchlist"), f"{self.active.name}.csv", self.tr("CSV (*.csv)")
        )
        if path:
            self.export_csv(Path(path))


class _Anything:
    """A set that holds every symbol (to read all of a file's symbols)."""

    def __contains__(self, _symbol: object) -> bool:
        return True
