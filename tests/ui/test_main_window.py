"""The main window as a user meets it: live quotes, a chart that moves, an order end to end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from terminal.domain.enums import OrderStatus
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow


@pytest.fixture
def window(
    engine: Engine, bridge: EngineBridge, settings: QSettings, qtbot: QtBot
) -> Iterator[MainWindow]:
    window = MainWindow(engine, bridge, settings)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()


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
    assert "Sent BUY 0.5 BTCUSDT.BINANCE" in ticket.message.text()
    orders = window.orders.model
    qtbot.waitUntil(
        lambda: orders.rowCount() == 1 and orders.record(0).status is OrderStatus.FILLED,
        timeout=5000,
    )
    trades = window.trades.model
    qtbot.waitUntil(lambda: trades.rowCount() == 1, timeout=5000)
    assert trades.record(0).quantity == 0.5
    positions = window.positions.model
    qtbot.waitUntil(lambda: positions.rowCount() == 1, timeout=5000)
    assert positions.record(0).quantity == 0.5
