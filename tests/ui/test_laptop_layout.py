"""The default layout on a laptop screen (1366×768): the chart and the market watch get the
room, Bid and Ask are in sight, the strategy form's buttons too, the kill switch sits in the
menu row; and a layout saved by an older version still restores."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QApplication, QToolBar, QWidget
from pytestqt.qtbot import QtBot

from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow
from terminal.ui.watch.columns import COLUMN_OF_KEY

OLD_LAYOUT = Path(__file__).parent.parent / "data" / "ui" / "layout_before_20.ini"
LEFT = Qt.DockWidgetArea.LeftDockWidgetArea


@pytest.fixture
def laptop(bridge: EngineBridge, settings: QSettings, qtbot: QtBot) -> Iterator[MainWindow]:
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.chart.width() > 0, timeout=2000)
    yield window
    window.close()


def area(widget: QWidget) -> int:
    return widget.width() * widget.height()


def fully_shown(widget: QWidget) -> bool:
    """Visible, and not clipped by any parent (a scroll area, a dock too small)."""
    return widget.isVisible() and widget.visibleRegion().boundingRect().size() == widget.size()


def test_chart_and_market_watch_get_the_room(laptop: MainWindow) -> None:
    docks = laptop.docks
    chart, watch, orders = docks["chart"], docks["market_watch"], docks["orders"]
    assert area(chart) + area(watch) > 0.5 * area(laptop)
    assert chart.width() > 0.5 * laptop.width() and chart.height() > 0.6 * laptop.height()
    assert orders.height() < 0.3 * laptop.height()  # the empty blotters take a low row
    assert watch.height() > 0.45 * laptop.height()
    assert laptop.dockWidgetArea(watch) == LEFT == laptop.dockWidgetArea(docks["ticket"])


def test_bid_and_ask_are_in_the_market_watchs_view(laptop: MainWindow, qtbot: QtBot) -> None:
    table = laptop.market_watch.table

    def in_view(key: str) -> bool:
        column = COLUMN_OF_KEY[key]
        left = table.columnViewportPosition(column)
        return left >= 0 and left + table.columnWidth(column) <= table.viewport().width()

    qtbot.waitUntil(lambda: laptop.bridge.latest("BTCUSDT.BINANCE") is not None, timeout=8000)

    def last_fits_its_longest_price() -> bool:
        longest = max(
            table.viewport().fontMetrics().horizontalAdvance(
                laptop.market_watch.model.text_at(row, COLUMN_OF_KEY["last"])
            )
            for row in range(laptop.market_watch.model.rowCount())
        )
        return longest < table.columnWidth(COLUMN_OF_KEY["last"]) < longest + 20

    # Once quotes are in, the columns fit their content: the longest price, not a fixed width
    # (however soon the quotes came: the fit may be done before this test looks).
    qtbot.waitUntil(last_fits_its_longest_price, timeout=5000)
    assert table.horizontalScrollBar().value() == 0
    assert in_view("bid") and in_view("ask")


def test_strategy_form_buttons_and_ticket_buttons_in_sight(
    laptop: MainWindow, qtbot: QtBot
) -> None:
    laptop.bring_forward("strategies")
    manager = laptop.strategy_manager
    qtbot.waitUntil(lambda: manager.isVisible(), timeout=2000)
    QApplication.processEvents()
    for button in (manager.add_button, manager.save_button, manager.reload_button):
        assert fully_shown(button), button.text()
    assert fully_shown(laptop.ticket.buy_button) and fully_shown(laptop.ticket.sell_button)


def inside_the_window(widget: QWidget, window: QWidget) -> bool:
    top_left = widget.mapTo(window, widget.rect().topLeft())
    return window.rect().contains(QRect(top_left, widget.size()))


def test_ticket_buttons_inside_the_window_without_options_the_broker_lacks(
    laptop: MainWindow, qtbot: QtBot
) -> None:
    """The paper broker takes neither post-only nor reduce-only: no row of greyed boxes
    pushes the Buy and Sell buttons off a laptop screen (the ticket in front, as by default)."""
    ticket = laptop.ticket
    assert ticket.broker_box.currentText() == "paper"
    qtbot.waitUntil(lambda: ticket.isVisible(), timeout=2000)
    options = ticket.venue_rules.post_only.parentWidget()
    assert options is not None and not options.isVisible()
    QApplication.processEvents()
    for button in (ticket.buy_button, ticket.sell_button):
        assert fully_shown(button) and inside_the_window(button, laptop), button.text()


@pytest.mark.parametrize(
    ("symbol", "shown"),
    [("BTCUSDT.BINANCE", "0.0001"), ("SOLUSDT.BINANCE", "0.01"), ("600519.SSE", "100")],
)
def test_the_quantity_shows_the_decimals_of_the_lot_and_no_more(
    laptop: MainWindow, symbol: str, shown: str
) -> None:
    ticket = laptop.ticket
    ticket.set_symbol(symbol)
    assert ticket.quantity.text() == shown
    ticket.quantity.setValue(3 * ticket.quantity.singleStep())
    assert ticket.quantity.text() == f"{3 * float(shown):.{len(shown.partition('.')[2])}f}"


def test_kill_switch_sits_in_the_menu_row(laptop: MainWindow) -> None:
    menus = laptop.menuBar()
    button = laptop.kill_switch_button
    assert menus.cornerWidget(Qt.Corner.TopRightCorner) is button
    assert fully_shown(button)
    top = button.mapTo(laptop, button.rect().topLeft()).y()
    assert top < menus.height()
    assert not [bar for bar in laptop.findChildren(QToolBar) if bar.isVisible()]  # no row
    assert button.defaultAction() is button.kill_action


def test_a_layout_saved_by_an_older_version_still_restores(
    engine: Engine, bridge: EngineBridge, tmp_path: Path, qtbot: QtBot
) -> None:
    """Saved before #20 (the ticket right of the chart, a toolbar for the kill switch, the
    Health dock closed, Positions in front): restored as it was, then reset to the new
    default."""
    copy = tmp_path / "layout.ini"
    shutil.copy(OLD_LAYOUT, copy)
    window = MainWindow(bridge, QSettings(str(copy), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    try:
        assert (window.width(), window.height()) == (1500, 900)
        docks = window.docks
        assert docks["health"].isHidden()
        assert window.dockWidgetArea(docks["ticket"]) == Qt.DockWidgetArea.RightDockWidgetArea
        assert docks["positions"] in window.tabifiedDockWidgets(docks["orders"])
        assert not docks["positions"].visibleRegion().isEmpty()  # in front of its tabs
        assert fully_shown(window.kill_switch_button)
        window.reset_layout()
        assert not docks["health"].isHidden()
        assert window.dockWidgetArea(docks["ticket"]) == LEFT
    finally:
        window.close()
