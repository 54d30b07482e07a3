"""The ticket's attached orders as a trader uses them: a bracket, an OCO pair and a trailing
stop sent with the Buy and Sell buttons; a missing figure refused at its field, the engine's
refusal in red."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from terminal.domain.enums import LegState, OrderStatus, OrderType, Side
from terminal.engine.engine import Engine
from terminal.ui.main_window import MainWindow
from terminal.ui.trading.ticket import OrderTicket
from terminal.ui.trading.ticket_attach import Attach
from tests.ui.desk import quiet_desk_engine
from tests.ui.test_ticket import quote

BTC = "BTCUSDT.BINANCE"


@pytest.fixture
def engine(run_async: Callable[..., Any]) -> Iterator[Engine]:
    yield from quiet_desk_engine(run_async)


def prepare(window: MainWindow, attach: Attach, order_type: OrderType) -> OrderTicket:
    ticket = window.ticket
    ticket.symbol_box.setCurrentText(BTC)
    ticket.broker_box.setCurrentText("paper")
    ticket.attach_box.setCurrentIndex(ticket.attach_box.findData(attach))
    if ticket.type_box.isEnabled():
        ticket.type_box.setCurrentIndex(ticket.type_box.findData(order_type))
    ticket.quantity.setValue(2)
    return ticket


def send_bracket(
    window: MainWindow, qtbot: QtBot, price: float, take_profit: float, stop_loss: float
) -> OrderTicket:
    """A buy limit of 2 at ``price`` with a bracket, sent from the ticket."""
    ticket = prepare(window, Attach.BRACKET, OrderType.LIMIT)
    ticket.follow_box.setCurrentText("Manual")
    ticket.price.setValue(price)
    ticket.take_profit.setValue(take_profit)
    ticket.stop_loss.setValue(stop_loss)
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ticket.message.text().startswith("Sent"), timeout=3000)
    return ticket


def engine_of(window: MainWindow) -> Engine:
    engine: Engine = window.bridge.engine  # type: ignore[assignment]
    return engine


def test_a_bracket_from_the_ticket_and_its_exits_after_the_fill(
    window: MainWindow, qtbot: QtBot
) -> None:
    quote(window, BTC, 100.00, 100.10)
    ticket = send_bracket(window, qtbot, 99.50, 105.00, 97.00)
    assert ticket.take_profit.isVisible() and ticket.stop_loss.isVisible()
    assert ticket.trail.isVisible() and ticket.type_box.isEnabled()
    assert " + TP 105.00, SL 97.00 (T-" in ticket.message.text()
    engine = engine_of(window)
    (group,) = engine.contingent.groups()
    assert [leg.state for leg in group.legs] == [LegState.WAITING, LegState.WAITING]
    quote(window, BTC, 99.40, 99.50)  # the entry fills
    assert engine.order_book.get(group.entry_id + "-TP").price == 105.0
    assert engine.order_book.get(group.entry_id + "-SL").trigger_price == 97.0


def test_a_bracket_needs_an_exit_and_the_engine_refuses_one_on_the_wrong_side(
    window: MainWindow, qtbot: QtBot
) -> None:
    quote(window, BTC, 100.00, 100.10)
    ticket = prepare(window, Attach.BRACKET, OrderType.MARKET)
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    assert ticket.message.text() == "Give a take-profit, a stop-loss or a trail"
    assert ticket.take_profit.hasFocus()
    ticket.take_profit.setValue(90.00)  # under the buy: the engine says why not
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ticket.message.text().startswith("Refused"), timeout=3000)
    assert ticket.message.text().endswith(
        "bracket: take-profit 90 of a buy must be above the entry 100.1")
    assert engine_of(window).contingent.groups() == []


def test_an_oco_pair_from_the_ticket_one_fill_cancels_the_other(
    window: MainWindow, qtbot: QtBot
) -> None:
    engine = engine_of(window)
    quote(window, BTC, 100.00, 100.10)
    ticket = prepare(window, Attach.OCO, OrderType.MARKET)
    assert not ticket.type_box.isEnabled() and ticket.trigger.isEnabled()
    assert not ticket.take_profit.isVisible()
    ticket.follow_box.setCurrentText("Manual")
    ticket.price.setValue(103.00)
    ticket.trigger.setValue(98.00)
    qtbot.mouseClick(ticket.sell_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ticket.message.text().startswith("Sent"), timeout=3000)
    (group,) = engine.contingent.groups()
    limit, stop = (engine.order_book.get(leg.order_id) for leg in group.legs)
    assert (limit.side, limit.order_type, limit.price) == (Side.SELL, OrderType.LIMIT, 103.0)
    assert (stop.order_type, stop.trigger_price) == (OrderType.STOP, 98.0)
    quote(window, BTC, 97.80, 97.90)  # the stop is hit
    assert engine.order_book.get(stop.order_id).status is OrderStatus.FILLED
    assert engine.order_book.get(limit.order_id).status is OrderStatus.CANCELLED


def test_a_trailing_stop_from_the_ticket_by_percent(window: MainWindow, qtbot: QtBot) -> None:
    engine = engine_of(window)
    quote(window, BTC, 100.00, 100.00)
    ticket = prepare(window, Attach.TRAILING, OrderType.MARKET)
    assert ticket.trail.isVisible() and not ticket.price.isEnabled()
    qtbot.mouseClick(ticket.sell_button, Qt.MouseButton.LeftButton)
    assert ticket.message.text() == "A trailing stop needs a trail above 0"
    ticket.trail_unit.setCurrentIndex(ticket.trail_unit.findData(True))
    ticket.trail.setValue(2.0)
    qtbot.mouseClick(ticket.sell_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ticket.message.text().startswith("Sent"), timeout=3000)
    (group,) = engine.contingent.groups()
    order_id = group.legs[0].order_id
    assert engine.order_book.get(order_id).trigger_price == 98.0
    quote(window, BTC, 110.00, 110.00)
    assert engine.order_book.get(order_id).trigger_price == 107.8
