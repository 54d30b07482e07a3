"""The order ticket as a trader sees it: the fate of each order it sent (refusals in red),
prices exactly as sent, a limit price that follows the touch, the position held."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from terminal.domain.enums import OrderStatus, OrderType, Side
from terminal.domain.market import Tick
from terminal.domain.orders import OrderRequest
from terminal.engine.engine import Engine
from terminal.ui.main_window import MainWindow
from terminal.ui.theme import THEMES_DIR
from terminal.ui.trading.ticket import OrderTicket
from tests.ui.desk import quiet_desk_engine

BTC = "BTCUSDT.BINANCE"
STOCK = "600000.SSE"
DARK_RED = QColor("#ff6b6b")  # QLabel#errorLabel in the dark theme
DARK_GREEN = QColor("#5fd38d")  # QLabel#okLabel


@pytest.fixture
def engine(run_async: Callable[..., Any]) -> Iterator[Engine]:
    yield from quiet_desk_engine(run_async)


@pytest.fixture
def window(window: MainWindow) -> MainWindow:
    window.activateWindow()
    window.ticket.setStyleSheet((THEMES_DIR / "dark.qss").read_text(encoding="utf-8"))
    return window


def quote(window: MainWindow, symbol: str, bid: float, ask: float) -> Tick:
    """A quote of ``symbol`` reaches the engine and, at once, the widgets."""
    engine: Engine = window.bridge.engine  # type: ignore[assignment]
    book = {"bid_prices": (bid,), "bid_sizes": (1e6,), "ask_prices": (ask,), "ask_sizes": (1e6,)}
    tick = Tick(symbol, engine.clock.now_ns(), last=ask, volume=0.0, **book)  # type: ignore[arg-type]
    engine.bus.publish(tick)
    window.bridge.flush()
    return tick


def colour(ticket: OrderTicket) -> QColor:
    return ticket.message.palette().color(QPalette.ColorRole.WindowText)


def type_price(qtbot: QtBot, ticket: OrderTicket, text: str) -> None:
    ticket.price.clear()
    qtbot.keyClicks(ticket.price, text)


def test_a_risk_refusal_shows_in_red_in_the_ticket_never_as_sent(
    window: MainWindow, qtbot: QtBot
) -> None:
    ticket = window.ticket
    quote(window, STOCK, 10.50, 10.51)
    ticket.symbol_box.setCurrentText(STOCK)
    ticket.quantity.setValue(200_000)
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ticket.message.text().startswith("Rejected"), timeout=3000)
    text = ticket.message.text()
    assert text.startswith("Rejected BUY 200,000 600000.SSE MARKET (T-")
    assert text.endswith("): risk (broker paper): max order quantity: 200000 > limit 100000")
    assert "Sent" not in text and colour(ticket) == DARK_RED
    ticket.quantity.setValue(100)
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ticket.message.text().startswith("Sent"), timeout=3000)
    assert ticket.message.text().endswith(": filled") and colour(ticket) == DARK_GREEN


def test_a_broker_refusal_shows_in_red(window: MainWindow, qtbot: QtBot) -> None:
    ticket = window.ticket
    ticket.symbol_box.setCurrentText(STOCK)
    ticket.broker_box.setCurrentText("paper")
    # No quote for this symbol yet: a limit order passes the pre-trade checks (its price is
    # known) and the paper broker rejects it itself.
    ticket.type_box.setCurrentIndex(ticket.type_box.findData(OrderType.LIMIT))
    ticket.price.setValue(10.0)
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ticket.message.text().startswith("Rejected"), timeout=3000)
    assert ticket.message.text().endswith(": no quote for 600000.SSE yet")
    assert colour(ticket) == DARK_RED


def test_two_tickets_in_one_process_never_reuse_an_order_id(
    window: MainWindow, engine: Engine, qtbot: QtBot
) -> None:
    # Ids made from the process id and a counter repeated: the second ticket's (or the next
    # run's) first order was refused as a duplicate while its ticket said "Sent".
    quote(window, STOCK, 10.50, 10.51)
    other = OrderTicket(window.bridge)
    qtbot.addWidget(other)
    sent = []
    for ticket in (window.ticket, other):
        ticket.symbol_box.setCurrentText(STOCK)
        sent.append(ticket.submit(Side.BUY))
    assert None not in sent and sent[0] != sent[1]
    for ticket, order_id in zip((window.ticket, other), sent, strict=True):
        qtbot.waitUntil(lambda t=ticket: t.message.text().startswith("Sent"), timeout=3000)
        order = engine.order_book.get(str(order_id))
        assert order is not None and order.status is OrderStatus.FILLED


def test_a_duplicate_order_id_is_refused_and_the_ticket_says_so(
    window: MainWindow, engine: Engine, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    quote(window, STOCK, 10.50, 10.51)
    taken = engine.submit(OrderRequest("paper", STOCK, Side.BUY, 100))  # e.g. an earlier run's
    monkeypatch.setattr("terminal.ui.trading.ticket.new_order_id", lambda prefix: taken)
    ticket = window.ticket
    ticket.symbol_box.setCurrentText(STOCK)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert ticket.message.text() == (
        f"Refused BUY 100 600000.SSE MARKET: order id {taken} is already in use")
    assert colour(ticket) == DARK_RED
    window.bridge.flush()
    assert ticket.message.text().startswith("Refused")  # the earlier order's news is not ours


def test_the_confirmation_shows_exactly_the_price_sent_and_blotters_keep_it(
    window: MainWindow, engine: Engine, qtbot: QtBot
) -> None:
    quote(window, BTC, 96072.66, 96072.67)
    ticket = window.ticket
    ticket.symbol_box.setCurrentText(BTC)
    ticket.broker_box.setCurrentText("desk")
    ticket.type_box.setCurrentText("Limit")
    ticket.quantity.setValue(0.01)
    type_price(qtbot, ticket, "96072.67")
    ticket.confirm = ticket._ask  # the real dialog
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    box = ticket.findChild(QMessageBox)
    assert box is not None and box.text() == "Send BUY 0.01 BTCUSDT.BINANCE @ 96,072.67 LIMIT?"
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ticket.message.text().startswith("Sent"), timeout=3000)
    (order,) = engine.order_book.all()
    assert order.price == 96072.67
    # The same price, on a paper fill, in every blotter.
    ticket.broker_box.setCurrentText("paper")
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.positions.proxy.rowCount() == 1, timeout=3000)
    shown = {
        "orders": column(window.orders, "Price", 0),
        "orders avg": column(window.orders, "Avg price", 0),
        "trades": column(window.trades, "Price", 0),
        "position avg": column(window.positions, "Avg price", 0),
        "position last": column(window.positions, "Last", 0),
    }
    assert set(shown.values()) == {"96,072.67"}, shown


def column(monitor: Any, title: str, row: int) -> str:
    titles = [c.title for c in monitor.model.columns]
    return str(monitor.proxy.index(row, titles.index(title)).data())


def test_the_limit_price_starts_at_the_touch_and_follows_it_until_edited(
    window: MainWindow, engine: Engine, qtbot: QtBot
) -> None:
    ticket = window.ticket
    quote(window, STOCK, 10.50, 10.51)
    ticket.symbol_box.setCurrentText(STOCK)
    quote(window, STOCK, 11.20, 11.21)  # the market moves before the user picks Limit
    ticket.type_box.setCurrentText("Limit")
    assert ticket.price.value() == 11.21  # a buy pays the ask
    assert ticket.buy_button.text() == "Buy 11.21  F1"
    assert ticket.sell_button.text() == "Sell 11.20  F2"
    quote(window, STOCK, 11.30, 11.32)
    assert ticket.price.value() == 11.32
    sell = ticket.submit(Side.SELL)  # a sell goes at the bid, and the field shows it
    assert ticket.price.value() == 11.30
    qtbot.waitUntil(lambda: engine.order_book.get(str(sell)) is not None, timeout=3000)
    assert engine.order_book.get(str(sell)).price == 11.30  # type: ignore[union-attr]
    type_price(qtbot, ticket, "11.05")
    assert ticket.follow_box.currentText() == "Manual"
    assert ticket.buy_button.text() == "Buy  F1"
    quote(window, STOCK, 11.40, 11.41)
    assert ticket.price.value() == 11.05  # edited: it stays


def test_a_new_symbol_clears_what_was_said_and_shows_its_position(
    window: MainWindow, qtbot: QtBot
) -> None:
    ticket = window.ticket
    quote(window, STOCK, 10.50, 10.51)
    quote(window, BTC, 96072.66, 96072.67)
    ticket.symbol_box.setCurrentText(STOCK)
    assert ticket.position_label.text() == "Position at paper: none"
    ticket.quantity.setValue(300)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(
        lambda: ticket.position_label.text()
        == "Position at paper: long 300 @ 10.51 (300 today)",
        timeout=3000,
    )
    ticket.fill_close(STOCK, "paper", 300)
    assert ticket.message.text() == "Close 600000.SSE: Sell 300"
    ticket.type_box.setCurrentText("Limit")
    assert ticket.price.value() == 10.50  # closing a long sells: the bid
    ticket.symbol_box.setCurrentText(BTC)
    assert ticket.message.text() == ""
    assert ticket.position_label.text() == "Position at paper: none"
    assert ticket.price.value() == 96072.66  # the new symbol's touch, not the old price
    assert "96,072.66" in ticket.quote.text()
