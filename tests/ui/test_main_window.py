"""The main window as a user meets it: live quotes, a chart that moves, an order end to end."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from terminal.domain.enums import OrderStatus
from terminal.engine.config import Config, load_config
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow


def double_click(qtbot: QtBot, table: QTableView, point: QPoint) -> None:
    """As a user does it: Qt's item views only act on a double-click after a press."""
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_market_watch_ticks(window: MainWindow, qtbot: QtBot) -> None:
    model = window.market_watch.model
    assert model.rowCount() >= 20
    last_column = 2
    qtbot.waitUntil(
        lambda: all(model.data(model.index(row, last_column)) for row in range(model.rowCount())),
        timeout=8000,
    )
    first = model.data(model.index(0, last_column))
    assert first.replace(",", "").replace(".", "").isdigit()


def test_order_from_ticket_shows_in_orders_and_trades(window: MainWindow, qtbot: QtBot) -> None:
    ticket = window.ticket
    qtbot.waitUntil(lambda: window.bridge.latest("BTCUSDT.BINANCE") is not None, timeout=8000)
    ticket.symbol_box.setCurrentText("BTCUSDT.BINANCE")
    ticket.quantity.clear()
    qtbot.keyClicks(ticket.quantity, "0.5")
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    assert ticket.message.text().startswith("Sending BUY 0.5 BTCUSDT.BINANCE MARKET (T-")
    qtbot.waitUntil(  # "Sent" once the engine has recorded the order
        lambda: ticket.message.text().startswith("Sent BUY 0.5 BTCUSDT.BINANCE"), timeout=3000
    )
    orders = window.orders.model
    qtbot.waitUntil(
        lambda: orders.rowCount() == 1 and orders.record(0).status is OrderStatus.FILLED,
        timeout=5000,
    )
    trades = window.trades.model
    # The paper broker takes the displayed depth level by level: one or more fills.
    qtbot.waitUntil(
        lambda: sum(trades.record(r).quantity for r in range(trades.rowCount())) == 0.5,
        timeout=5000,
    )
    positions = window.positions.model
    qtbot.waitUntil(lambda: positions.rowCount() == 1, timeout=5000)
    assert positions.record(0).quantity == 0.5


def test_chart_follows_live_ticks(window: MainWindow, qtbot: QtBot) -> None:
    chart = window.chart
    assert chart.symbol == "BTCUSDT.BINANCE"
    assert chart.buffer.size >= 500  # seeded history
    qtbot.waitUntil(lambda: chart.buffer.forming is not None, timeout=8000)
    first = chart.buffer.forming
    qtbot.waitUntil(lambda: chart.buffer.forming != first, timeout=8000)
    assert chart.last_line.value() == window.bridge.latest("BTCUSDT.BINANCE").last
    left, right = chart.price_plot.viewRange()[0]
    assert left < chart.buffer.count <= right  # the latest bar is in view


def test_double_click_in_market_watch_opens_that_chart(window: MainWindow, qtbot: QtBot) -> None:
    table = window.market_watch.table
    row = window.market_watch.model.symbols().index("600519.SSE")
    rect = table.visualRect(table.model().index(row, 0))
    double_click(qtbot, table, rect.center())
    assert window.chart.symbol == "600519.SSE"
    assert window.chart.symbol_box.currentText() == "600519.SSE"


def test_enter_in_market_watch_fills_the_ticket(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: window.bridge.latest("600000.SSE") is not None, timeout=8000)
    table = window.market_watch.table
    row = window.market_watch.model.symbols().index("600000.SSE")
    table.setFocus()
    table.selectRow(row)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    ticket = window.ticket
    assert ticket.symbol_box.currentText() == "600000.SSE"
    assert ticket.type_box.currentText() == "Limit"
    assert ticket.price.value() > 0
    assert ticket.quantity.value() == 100  # one lot


def test_ticket_refuses_bad_input_at_the_field(window: MainWindow, qtbot: QtBot) -> None:
    ticket = window.ticket
    ticket.symbol_box.setCurrentText("600000.SSE")
    ticket.quantity.clear()
    qtbot.keyClicks(ticket.quantity, "150")
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    assert ticket.message.text() == "Quantity 150 is not a multiple of the lot size 100"
    ticket.symbol_box.setCurrentText("NOPE.X")
    qtbot.mouseClick(ticket.sell_button, Qt.MouseButton.LeftButton)
    assert ticket.message.text() == "Unknown symbol 'NOPE.X'"
    ticket.symbol_box.setCurrentText("600000.SSE")
    ticket.type_box.setCurrentText("Limit")
    ticket.price.setValue(0)
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    assert ticket.message.text() == "Limit price must be positive, got 0"
    assert window.orders.model.rowCount() == 0  # nothing was sent


def test_double_click_cancels_a_working_order(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: window.bridge.latest("600000.SSE") is not None, timeout=8000)
    ticket = window.ticket
    ticket.symbol_box.setCurrentText("600000.SSE")
    ticket.type_box.setCurrentText("Limit")
    ticket.price.setValue(1.00)  # far below the market: rests
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    orders = window.orders.model
    qtbot.waitUntil(
        lambda: orders.rowCount() == 1 and orders.record(0).status is OrderStatus.ACCEPTED,
        timeout=5000,
    )
    table = window.orders.table
    rect = table.visualRect(window.orders.proxy.index(0, 0))
    double_click(qtbot, table, rect.center())
    qtbot.waitUntil(lambda: orders.record(0).status is OrderStatus.CANCELLED, timeout=5000)


def test_view_menu_toggles_every_dock(window: MainWindow) -> None:
    actions = {a.text(): a for a in window.menus.view_menu.actions()}
    for title in (
        "Market watch",
        "Chart",
        "Order ticket",
        "Strategies",
        "Orders",
        "Trades",
        "Positions",
        "Account",
        "Log",
    ):
        dock = next(d for d in window.docks.values() if d.windowTitle() == title)
        actions[title].trigger()
        assert dock.isHidden()
        actions[title].trigger()
        assert not dock.isHidden()


def test_layout_persists_and_resets(
    engine: Engine, bridge: EngineBridge, settings: QSettings, qtbot: QtBot
) -> None:
    first = MainWindow(bridge, settings)
    qtbot.addWidget(first)
    first.show()
    first.docks["log"].hide()
    first.resize(1300, 900)
    size = first.size()
    assert size.width() == 1300  # differs from the 1600x950 default, so the restore is visible
    first.set_theme("light")
    first.close()
    second = MainWindow(bridge, settings)
    qtbot.addWidget(second)
    second.show()
    assert second.docks["log"].isHidden()
    assert second.size() == size
    assert second.theme.name == "light"
    second.reset_layout()
    assert all(not dock.isHidden() for dock in second.docks.values())
    second.set_theme("dark")
    second.close()


def test_status_bar_shows_feeds_brokers_and_tick_rate(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: "sim: live" in window.status_bar.status_text(), timeout=3000)
    assert "paper: live" in window.status_bar.status_text()
    qtbot.waitUntil(lambda: window.status_bar.rate_label.text() != "0 ticks/s", timeout=5000)
    assert window.status_bar.rate_label.text().endswith("ticks/s")


def test_failed_plugin_is_shown_in_the_status_bar(
    config: Config, settings: QSettings, qtbot: QtBot, run_async: Any
) -> None:
    broken = load_config(
        overrides={
            "feeds": [
                {"name": "sim", "plugin": "simulated", "options": {"rate": 100.0}},
                {"name": "vendor", "plugin": "no_such_feed"},
            ]
        }
    )
    engine = Engine(broken)
    run_async(engine.start())
    bridge = EngineBridge(engine)
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    window.show()
    try:
        assert "1 plugin(s) failed: feed vendor" in window.status_bar.plugin_label.text()
        qtbot.waitUntil(
            lambda: window.market_watch.model.tick("BTCUSDT.BINANCE") is not None, timeout=5000
        )
    finally:
        window.close()
        bridge.close()
        run_async(engine.stop())


def test_new_chart_docks_each_follow_their_own_symbol_and_timeframe(
    window: MainWindow, engine: Engine, qtbot: QtBot
) -> None:
    window.menus.new_chart_action.trigger()
    dock = window.new_chart("600519.SSE", "5m")
    first, second = window.extra_charts
    assert first.symbol == window.chart.symbol and first.timeframe == "1m"
    assert (second.symbol, second.timeframe) == ("600519.SSE", "5m")
    assert dock.windowTitle() == "Chart · 600519.SSE 5m"
    assert "5m" in engine.bars.subscriptions("600519.SSE")
    first.set_timeframe("15m")
    qtbot.waitUntil(lambda: first.buffer.forming is not None, timeout=8000)
    assert first.buffer.forming[0] % (15 * 60_000_000_000) == 0  # a 15-minute bar
    assert window.chart.timeframe == "1m"  # the others keep theirs
    window.set_theme("light")
    assert second.theme.name == "light"
    dock.close()
    qtbot.waitUntil(lambda: len(window.extra_charts) == 1, timeout=2000)
