"""The market watch inside the main window, on the live simulated feed: double-click opens the
chart, Enter and the context menu fill the ticket, the depth dock follows the selection, the
status bar shows the loop's lag, and the watchlist survives a restart of the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from terminal.domain.enums import OrderType
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow

SYMBOL = "ETHUSDT.BINANCE"


def click_row(qtbot: QtBot, window: MainWindow, symbol: str, double: bool = False) -> None:
    table, model = window.market_watch.table, window.market_watch.model
    index = model.index(model.row_of(symbol), 1)
    table.scrollTo(index)
    rect = table.visualRect(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    if double:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_double_click_opens_the_chart(window: MainWindow, qtbot: QtBot) -> None:
    assert window.chart.symbol != SYMBOL
    click_row(qtbot, window, SYMBOL, double=True)
    assert window.chart.symbol == SYMBOL


def test_enter_buys_at_ask_and_menu_sells_at_bid(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: window.bridge.latest(SYMBOL) is not None, timeout=8000)
    click_row(qtbot, window, SYMBOL)
    qtbot.keyClick(window.market_watch.table, Qt.Key.Key_Return)
    ticket = window.ticket
    assert ticket.symbol_box.currentText() == SYMBOL
    assert ticket.type_box.currentData() == OrderType.LIMIT.value
    tick = window.bridge.latest(SYMBOL)
    assert tick is not None
    assert ticket.price.value() == pytest.approx(tick.ask)
    menu = window.market_watch.table.context_menu(window.market_watch.model.row_of(SYMBOL))
    assert menu is not None
    sell = next(a for a in menu.actions() if a.text() == "New order: sell at bid")
    sell.trigger()
    tick = window.bridge.latest(SYMBOL)
    assert tick is not None
    assert ticket.price.value() == pytest.approx(tick.bid)
    menu.deleteLater()


def test_depth_follows_the_selection_and_status_shows_lag(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: window.bridge.latest(SYMBOL) is not None, timeout=8000)
    click_row(qtbot, window, SYMBOL)
    depth = window.depth_panel
    assert depth.symbol == SYMBOL
    qtbot.waitUntil(lambda: depth.cell_text(4, 2) != "", timeout=3000)  # fifth ask level
    asks = [float(depth.cell_text(level, 2).replace(",", "")) for level in range(5)]
    assert asks == sorted(asks)  # best (lowest) ask first
    qtbot.waitUntil(lambda: "lag p99" in window.status_bar.load_label.text(), timeout=3000)


def test_clicking_a_depth_price_puts_it_in_the_ticket(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: window.bridge.latest(SYMBOL) is not None, timeout=8000)
    click_row(qtbot, window, SYMBOL)
    depth, ticket = window.depth_panel, window.ticket
    window.docks["depth"].raise_()
    qtbot.waitUntil(lambda: depth.cell_text(2, 1) != "", timeout=3000)
    table = depth.table
    rect = table.visualRect(table.model().index(2, 1))  # third bid level
    shown = float(depth.cell_text(2, 1).replace(",", ""))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ticket.symbol_box.currentText() == SYMBOL
    assert ticket.type_box.currentData() == OrderType.LIMIT.value
    assert ticket.price.value() == pytest.approx(shown)
    assert not window.docks["ticket"].visibleRegion().isEmpty()  # brought forward
    rect = table.visualRect(table.model().index(0, 0))  # a size, not a price: nothing
    window.docks["depth"].raise_()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ticket.price.value() == pytest.approx(shown)


def test_watchlist_survives_a_restart_of_the_window(
    engine: Engine, bridge: EngineBridge, settings: QSettings, qtbot: QtBot
) -> None:
    first = MainWindow(bridge, settings)
    qtbot.addWidget(first)
    first.market_watch.new_watchlist("Mine")
    first.market_watch.add_symbol(SYMBOL)
    first.close()
    second = MainWindow(bridge, settings)
    qtbot.addWidget(second)
    watch = second.market_watch
    assert watch.tabs.tabText(watch.tabs.currentIndex()) == "Mine"
    assert watch.model.symbols() == [SYMBOL]
    second.close()
