"""Columns fit their content; a width the user drags is kept: per watchlist in the market
watch, per blotter in the window's saved layout."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from plugins.feeds.simulated import load_sim_instruments
from terminal.domain.enums import Side
from terminal.domain.events import SubmitOrder
from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.domain.orders import OrderRequest
from terminal.engine.paths import RESOURCES
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow
from terminal.ui.theme import THEMES
from terminal.ui.watch.columns import COLUMN_OF_KEY
from terminal.ui.watch.market_watch import FIT_WAIT, MarketWatch
from terminal.ui.watch.store import WatchlistStore
from terminal.ui.watch.table import NAME_WIDTH

INSTRUMENTS: dict[str, Instrument] = {
    s.symbol: s.instrument() for s in load_sim_instruments(RESOURCES / "sim_instruments.toml")
}
NAME, LAST = COLUMN_OF_KEY["name"], COLUMN_OF_KEY["last"]


def quotes(symbols: list[str], last: float) -> dict[str, Tick]:
    return {s: Tick(s, 1, last=last, volume=1.0, prev_close=last) for s in symbols}


def shown_watch(qtbot: QtBot, store: WatchlistStore) -> MarketWatch:
    watch = MarketWatch(INSTRUMENTS, ["600000.SSE", "AAPL.NASDAQ"], THEMES["dark"], store=store)
    qtbot.addWidget(watch)
    watch.resize(900, 400)
    watch.show()
    return watch


def test_market_watch_columns_fit_and_widths_are_kept_per_watchlist(
    qtbot: QtBot, tmp_path: Path
) -> None:
    store = WatchlistStore(tmp_path / "market_watch.json")
    watch = shown_watch(qtbot, store)
    table = watch.table
    watch.update_ticks(quotes(["600000.SSE", "AAPL.NASDAQ"], 123_456.78))
    watch.refresh()  # every shown row has its quote: the columns fit them
    text = table.viewport().fontMetrics().horizontalAdvance("123,456.78")
    assert text < table.columnWidth(LAST) < text + 20
    table.horizontalHeader().resizeSection(NAME, 200)  # what a drag of its edge does
    qtbot.waitUntil(lambda: store.load([]).watchlists[0].widths == {"name": 200}, timeout=3000)

    watch.new_watchlist("Crypto", ["BTCUSDT.BINANCE"])
    watch.update_ticks(quotes(["BTCUSDT.BINANCE"], 9.5))
    watch.refresh()
    assert table.columnWidth(NAME) <= NAME_WIDTH  # its own: fitted, not the other list's
    assert table.columnWidth(LAST) < text  # "9.50" is narrower
    watch.tabs.setCurrentIndex(0)
    assert table.columnWidth(NAME) == 200
    watch.close()

    again = shown_watch(qtbot, store)
    assert again.table.columnWidth(NAME) == 200  # kept across a restart
    again.tabs.setCurrentIndex(1)
    again.update_ticks(quotes(["BTCUSDT.BINANCE"], 9.5))
    again.refresh()  # the next refresh fits the columns the list has no width for
    assert again.table.columnWidth(NAME) <= NAME_WIDTH
    again.close()


def test_blotter_columns_fit_their_content_and_keep_the_users_widths(
    bridge: EngineBridge, settings: QSettings, qtbot: QtBot
) -> None:
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    window.show()
    orders = window.orders
    header = orders.table.horizontalHeader()
    order_id = "ORDER-ID-WIDER-THAN-ANY-TITLE-1"
    bridge.send(SubmitOrder(order_id, OrderRequest("paper", "600000.SSE", Side.BUY, 100)))
    qtbot.waitUntil(lambda: orders.model.rowCount() == 1, timeout=5000)
    wide = orders.table.fontMetrics().horizontalAdvance(order_id)
    assert header.sectionSize(0) > wide  # the order id column fits the id
    assert header.sectionSize(2) < wide  # the symbol column fits "600000.SSE" and its title
    header.resizeSection(2, 177)  # the user widens Symbol
    window.close()

    again = MainWindow(bridge, settings)
    qtbot.addWidget(again)
    again.show()
    try:
        assert again.orders.table.horizontalHeader().sectionSize(2) == 177
        assert again.orders.column_widths() == {"Symbol": 177}
    finally:
        again.close()


def test_a_symbol_without_quotes_delays_the_fit_only_a_while(
    qtbot: QtBot, tmp_path: Path
) -> None:
    watch = shown_watch(qtbot, WatchlistStore(tmp_path / "market_watch.json"))
    before = watch.table.columnWidth(LAST)
    watch.update_ticks(quotes(["600000.SSE"], 123_456.78))  # AAPL.NASDAQ never quotes
    for _ in range(FIT_WAIT - 1):
        watch.refresh()
    assert watch.table.columnWidth(LAST) == before
    watch.refresh()
    assert watch.table.columnWidth(LAST) != before
    watch.close()
