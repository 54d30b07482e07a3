"""The market watch as a user drives it: watchlists, search, Delete, reorder, sort while
ticking, flash, filter, columns, CSV, and persistence across a restart of the widget."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from plugins.feeds.simulated import load_sim_instruments
from terminal.domain.enums import AssetClass, Side
from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.engine.paths import RESOURCES
from terminal.engine.universe.search import SearchHit
from terminal.ui.theme import THEMES
from terminal.ui.watch.columns import COLUMN_OF_KEY
from terminal.ui.watch.market_watch import MarketWatch
from terminal.ui.watch.store import WatchlistStore

INSTRUMENTS: dict[str, Instrument] = {
    s.symbol: s.instrument() for s in load_sim_instruments(RESOURCES / "sim_instruments.toml")
}
FIRST = ["AAPL.NASDAQ", "MSFT.NASDAQ", "SPY.ARCA", "BTCUSDT.BINANCE"]
LAST = COLUMN_OF_KEY["last"]


def quote(symbol: str, last: float, ts: int = 1_700_000_000_000_000_000) -> Tick:
    return Tick(
        symbol=symbol, ts=ts, last=last, volume=100.0, prev_close=100.0,
        bid_prices=(last - 0.01,), bid_sizes=(5.0,), ask_prices=(last + 0.01,), ask_sizes=(7.0,),
    )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> WatchlistStore:
    return WatchlistStore(tmp_path / "data" / "market_watch.json")


@pytest.fixture
def make_watch(qtbot: QtBot, store: WatchlistStore) -> Iterator[Callable[[], MarketWatch]]:
    made: list[MarketWatch] = []

    def make() -> MarketWatch:
        watch = MarketWatch(INSTRUMENTS, FIRST, THEMES["dark"], store=store)
        qtbot.addWidget(watch)
        watch.resize(900, 400)
        watch.show()
        made.append(watch)
        return watch

    yield make
    for watch in made:
        watch.close()


def shown(watch: MarketWatch) -> list[str]:
    return [watch.model.symbol_at(r) for r in range(watch.model.rowCount())]


def select(qtbot: QtBot, watch: MarketWatch, symbol: str) -> None:
    table = watch.table
    row = watch.model.row_of(symbol)
    rect = table.visualRect(watch.model.index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert watch.selected_symbol() == symbol


def test_add_remove_and_reorder_like_a_user(
    qtbot: QtBot, make_watch: Callable[[], MarketWatch]
) -> None:
    watch = make_watch()
    assert shown(watch) == FIRST
    qtbot.keyClicks(watch.search, "EURUSD.FX")
    qtbot.keyClick(watch.search, Qt.Key.Key_Return)
    assert shown(watch)[-1] == "EURUSD.FX" and watch.search.text() == ""
    qtbot.keyClicks(watch.search, "NOPE.X")
    qtbot.keyClick(watch.search, Qt.Key.Key_Return)
    assert "unknown symbol 'NOPE.X'" in watch.message.text() and watch.message.isVisible()
    select(qtbot, watch, "MSFT.NASDAQ")
    qtbot.keyClick(watch.table, Qt.Key.Key_Delete)
    assert "MSFT.NASDAQ" not in shown(watch)
    select(qtbot, watch, "AAPL.NASDAQ")
    qtbot.keyClick(watch.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert shown(watch)[:2] == ["SPY.ARCA", "AAPL.NASDAQ"]
    assert watch.selected_symbol() == "AAPL.NASDAQ"  # the moved row stays current
    # Drag and drop goes through the model's mime data: drop BTC on the first row.
    model = watch.model
    data = model.mimeData([model.index(model.row_of("BTCUSDT.BINANCE"), 0)])
    model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, model.index(0, 0))
    assert shown(watch) == ["BTCUSDT.BINANCE", "SPY.ARCA", "AAPL.NASDAQ", "EURUSD.FX"]
    assert watch.active.symbols == shown(watch)


def test_search_completes_over_every_instrument(
    qtbot: QtBot, make_watch: Callable[[], MarketWatch]
) -> None:
    watch = make_watch()
    qtbot.keyClicks(watch.search, "tether")  # by name, case-insensitive, as typed
    completions = watch.search.completer_.model().stringList()  # type: ignore[union-attr]
    eth = next(c for c in completions if c.startswith("ETHUSDT.BINANCE"))
    assert watch.add_symbol(eth)  # a completion adds its symbol
    assert shown(watch)[-1] == "ETHUSDT.BINANCE"


def test_sort_stays_correct_while_ticking_and_resorts_once_per_refresh(
    qtbot: QtBot, make_watch: Callable[[], MarketWatch]
) -> None:
    watch = make_watch()
    model = watch.model
    watch.update_ticks({s: quote(s, 100.0 + i) for i, s in enumerate(FIRST)})
    watch.refresh()
    header = watch.table.horizontalHeader()
    x = header.sectionViewportPosition(LAST) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert shown(watch) == FIRST  # ascending by last
    layouts: list[int] = []
    model.layoutChanged.connect(lambda *_: layouts.append(1))
    for n in range(50):  # many ticks between refreshes: no re-sort until the refresh
        watch.update_ticks({"AAPL.NASDAQ": quote("AAPL.NASDAQ", 200.0 + n)})
    assert shown(watch) == FIRST and not layouts
    watch.refresh()
    assert shown(watch) == [*FIRST[1:], "AAPL.NASDAQ"] and len(layouts) == 1
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert shown(watch) == ["AAPL.NASDAQ", *reversed(FIRST[1:])]  # descending
    texts = [float(model.text_at(r, LAST).replace(",", "")) for r in range(model.rowCount())]
    assert texts == sorted(texts, reverse=True)


def test_rows_never_move_under_the_pointer_and_a_frozen_order_holds(
    qtbot: QtBot, make_watch: Callable[[], MarketWatch]
) -> None:
    watch = make_watch()
    model, viewport = watch.model, watch.table.viewport()
    watch.update_ticks({s: quote(s, 100.0 + i) for i, s in enumerate(FIRST)})
    watch.refresh()
    model.sort(LAST)
    assert shown(watch) == FIRST
    QApplication.sendEvent(viewport, QEvent(QEvent.Type.Enter))  # the pointer is over the rows
    watch.update_ticks({"AAPL.NASDAQ": quote("AAPL.NASDAQ", 500.0)})
    watch.refresh()
    assert shown(watch) == FIRST  # the row aimed at stays where it is
    QApplication.sendEvent(viewport, QEvent(QEvent.Type.Leave))
    assert shown(watch) == [*FIRST[1:], "AAPL.NASDAQ"]  # sorted the moment it left
    watch.table.freeze_action.trigger()  # as the context menu does
    assert model.frozen()
    watch.update_ticks({"AAPL.NASDAQ": quote("AAPL.NASDAQ", 1.0)})
    watch.refresh()
    assert shown(watch) == [*FIRST[1:], "AAPL.NASDAQ"]  # frozen: ticks move no row
    header = watch.table.horizontalHeader()
    x = header.sectionViewportPosition(LAST) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    order = shown(watch)  # a click sorts on demand, once
    texts = [float(model.text_at(r, LAST).replace(",", "")) for r in range(model.rowCount())]
    assert texts in (sorted(texts), sorted(texts, reverse=True)) and order[0] != FIRST[1]
    watch.update_ticks({order[0]: quote(order[0], 9_999.0)})
    watch.refresh()
    assert shown(watch) == order  # and frozen again after it
    watch.table.freeze_action.trigger()
    assert not model.frozen() and shown(watch) != order  # thawed: sorted at once
    assert watch.table.freeze_action in watch.table.context_menu(0).actions()


def commit_from_input_method(widget: QWidget, text: str) -> None:
    """Chinese is typed through an input method, which commits the composed characters."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def test_enter_takes_the_highlighted_completion_once(qtbot: QtBot, store: WatchlistStore) -> None:
    universe = {
        "600519.SSE": "贵州茅台", "000858.SZSE": "五粮液", "601398.SSE": "工商银行",
        "600036.SSE": "招商银行", "601288.SSE": "农业银行",
    }  # fmt: skip
    instruments = {
        symbol: Instrument(symbol, name, symbol.split(".")[1], AssetClass.STOCK, 0.01,
                           currency="CNY")
        for symbol, name in universe.items()
    }  # fmt: skip

    def search(text: str, limit: int) -> list[SearchHit]:
        return [SearchHit(s, n, "stock") for s, n in universe.items() if text in n or
                s.startswith(text)][:limit]  # fmt: skip

    watch = MarketWatch(instruments, ["000858.SZSE"], THEMES["dark"], store=store, search=search)
    qtbot.addWidget(watch)
    watch.show()
    watch.search.setFocus()
    before = watch.model.symbols()
    commit_from_input_method(watch.search, "茅台")
    qtbot.keyClick(watch.search, Qt.Key.Key_Return)
    assert watch.model.symbols() == [*before, "600519.SSE"] and not watch.message.isVisible()
    commit_from_input_method(watch.search, "银行")
    popup = watch.search.completer_.popup()
    assert popup is not None and popup.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Down)  # the second hit: 招商银行
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert watch.model.symbols()[-1] == "600036.SSE"
    assert not watch.message.isVisible()  # added once: no "already in" refusal
    watch.close()


def test_only_changed_visible_rows_are_signalled(
    qtbot: QtBot, make_watch: Callable[[], MarketWatch]
) -> None:
    watch = make_watch()
    model = watch.model
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    watch.update_ticks({s: quote(s, 100.0) for s in FIRST})
    watch.refresh()
    changed.clear()
    for n in range(20):
        watch.update_ticks({"SPY.ARCA": quote("SPY.ARCA", 101.0 + n)})
    assert not changed  # nothing until the refresh
    watch.refresh()
    assert changed == [(2, 2)]  # one signal, for SPY's row only
    changed.clear()
    model.set_visible_rows(0, 1)  # SPY scrolled out of view: no signal, but the data is kept
    watch.model.update({"SPY.ARCA": quote("SPY.ARCA", 150.0)})
    model.refresh()
    assert not changed and model.text_at(2, LAST) == "150.00"


def test_changed_cell_flashes_in_the_direction_of_the_change(
    qtbot: QtBot, make_watch: Callable[[], MarketWatch]
) -> None:
    watch = make_watch()
    model = watch.model
    watch.update_ticks({"SPY.ARCA": quote("SPY.ARCA", 100.0)})
    watch.refresh()
    watch.update_ticks({"SPY.ARCA": quote("SPY.ARCA", 101.0)})
    watch.refresh()
    row = model.row_of("SPY.ARCA")
    assert model.flash_at(row, LAST) == 1
    assert model.flash_at(row, COLUMN_OF_KEY["volume"]) == 0  # unchanged cells do not flash
    rect = watch.table.visualRect(model.index(row, COLUMN_OF_KEY["volume"]))
    flashed = watch.table.visualRect(model.index(row, LAST))
    image = watch.table.viewport().grab().toImage()
    tint, plain = (
        QColor(image.pixel(flashed.left() + 2, flashed.top() + 3)),
        QColor(image.pixel(rect.left() + 2, rect.top() + 3)),
    )
    # The up colour (teal) shows through: green leads red by more than on the plain cell.
    assert tint.green() - tint.red() > plain.green() - plain.red() + 20
    watch.update_ticks({"SPY.ARCA": quote("SPY.ARCA", 99.0)})
    watch.refresh()
    assert model.flash_at(row, LAST) == -1
    model.refresh(now=math.inf)  # long after: the flash is over
    assert model.flash_at(row, LAST) == 0


def test_filter_by_text_and_by_live_value(
    qtbot: QtBot, make_watch: Callable[[], MarketWatch]
) -> None:
    watch = make_watch()
    qtbot.keyClicks(watch.filter_box, "nasdaq")
    assert shown(watch) == ["AAPL.NASDAQ", "MSFT.NASDAQ"]
    watch.filter_box.clear()
    qtbot.keyClicks(watch.filter_box, "last>150")
    watch.update_ticks({s: quote(s, 100.0) for s in FIRST})
    watch.refresh()
    assert shown(watch) == []
    watch.update_ticks({"SPY.ARCA": quote("SPY.ARCA", 151.0)})
    watch.refresh()
    assert shown(watch) == ["SPY.ARCA"]  # stays correct as prices change
    watch.filter_box.clear()
    qtbot.keyClicks(watch.filter_box, "colour>1")
    assert "unknown column 'colour'" in watch.message.text()


def test_enter_and_context_menu_request_orders_and_charts(
    qtbot: QtBot, make_watch: Callable[[], MarketWatch]
) -> None:
    watch = make_watch()
    select(qtbot, watch, "SPY.ARCA")
    with qtbot.waitSignal(watch.order_requested) as blocker:
        qtbot.keyClick(watch.table, Qt.Key.Key_Return)
    assert blocker.args == ["SPY.ARCA", Side.BUY]
    with qtbot.waitSignal(watch.order_requested) as blocker:
        qtbot.keyClick(watch.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert blocker.args == ["SPY.ARCA", Side.SELL]
    menu = watch.table.context_menu(watch.model.row_of("MSFT.NASDAQ"))
    assert menu is not None
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert list(actions) == [
        "Open chart", "New order: buy at ask", "New order: sell at bid", "Alert…", "Ladder",
        "Remove", "Copy", "Freeze row order",
    ]  # fmt: skip
    with qtbot.waitSignal(watch.symbol_activated) as chart:
        actions["Open chart"].trigger()
    assert chart.args == ["MSFT.NASDAQ"]
    with qtbot.waitSignal(watch.alert_requested) as alert:
        actions["Alert…"].trigger()
    assert alert.args == ["MSFT.NASDAQ"]
    watch.update_ticks({"MSFT.NASDAQ": quote("MSFT.NASDAQ", 123.45)})
    copied = watch.table.copy_selection()
    assert "MSFT.NASDAQ" in copied and "123.45" in copied
    actions["Remove"].trigger()
    assert "MSFT.NASDAQ" not in shown(watch)
    menu.deleteLater()


def test_watchlists_columns_and_sort_survive_a_restart(
    qtbot: QtBot, make_watch: Callable[[], MarketWatch], tmp_path: Path
) -> None:
    first = make_watch()
    assert first.new_watchlist("Crypto")
    assert first.add_symbol("BTCUSDT.BINANCE") and first.add_symbol("ETHUSDT.BINANCE")
    first.table.set_column_shown("name", False)
    first.table.horizontalHeader().moveSection(
        first.table.horizontalHeader().visualIndex(COLUMN_OF_KEY["bid"]), 1
    )
    columns = first.table.visible_columns()
    assert columns[:2] == ["symbol", "bid"] and "name" not in columns
    assert first.new_watchlist("Crypto") is False  # a name is used once
    first.close()
    second = make_watch()
    assert [second.tabs.tabText(i) for i in range(second.tabs.count())] == ["Default", "Crypto"]
    assert second.tabs.currentIndex() == 1
    assert shown(second) == ["BTCUSDT.BINANCE", "ETHUSDT.BINANCE"]
    assert second.table.visible_columns() == columns
    second.tabs.setCurrentIndex(0)
    assert shown(second) == FIRST


def test_csv_export_import_and_bad_lines(
    qtbot: QtBot, make_watch: Callable[[], MarketWatch], tmp_path: Path
) -> None:
    watch = make_watch()
    path = tmp_path / "list.csv"
    assert watch.export_csv(path)
    assert path.read_text().splitlines()[:2] == ["symbol,name", "AAPL.NASDAQ,Apple Inc."]
    watch.new_watchlist("Imported")
    assert watch.import_csv(path)
    assert shown(watch) == FIRST
    bad = tmp_path / "bad.csv"
    bad.write_text("symbol\nEURUSD.FX\nZZZ.Q\n")
    assert not watch.import_csv(bad)
    assert "bad.csv line 3: unknown symbol 'ZZZ.Q'" in watch.message.text()
    assert shown(watch) == [*FIRST, "EURUSD.FX"]  # the good lines were kept


def test_a_corrupt_file_is_set_aside_not_lost(store: WatchlistStore) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{not json")
    state = store.load(["AAPL.NASDAQ"])
    assert state.watchlists[0].symbols == ["AAPL.NASDAQ"]
    assert store.path.with_suffix(".json.bad").read_text() == "{not json"
