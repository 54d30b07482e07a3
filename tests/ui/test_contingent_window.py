"""Brackets and trailing stops in the window as #20.3 names them, on the paper broker: a bracket
sent from the ticket fills, its stop is hit and the take-profit is cancelled — also with the
terminal restarted between the fill and the stop (the exits come back, on the chart and in the
Orders blotter); a trailing stop's chart line follows the price up, never down, until hit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from terminal.domain.enums import LegState, OrderStatus, OrderType
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow
from terminal.ui.trading.ticket_attach import Attach
from tests.ui.desk import desk_config, desk_engine
from tests.ui.test_ticket import quote
from tests.ui.test_ticket_contingent import BTC, prepare, send_bracket

Run = Callable[..., Any]


class Terminal:
    """The engine, the bridge and the window, started and stopped as the application does (the
    bridge before the engine starts: it hears what the engine restores)."""

    def __init__(self, run_async: Run, settings: QSettings, qtbot: QtBot) -> None:
        self.engine = desk_engine(desk_config())
        self.bridge = EngineBridge(self.engine, refresh_hz=30)
        run_async(self.engine.start())
        run_async(self.engine.feeds["sim"].stop())  # every quote is the test's
        self.stopped = False
        self.window = MainWindow(self.bridge, settings)
        qtbot.addWidget(self.window)
        self.window.show()
        self.window.chart.set_symbol(BTC)
        self._run = run_async

    def stop(self) -> None:
        self.stopped = True
        self.window.close()
        self.bridge.close()
        self._run(self.engine.stop())

    def status(self, order_id: str) -> OrderStatus | None:
        """The status the Orders blotter shows."""
        shown = {o.order_id: o.status for o in self.window.orders.model.records()}
        return shown.get(order_id)

    def line_price(self, order_id: str) -> float | None:
        line = self.window.chart.trades.order_lines.get(order_id)
        return line.price if line is not None else None


@pytest.fixture
def start(run_async: Run, settings: QSettings, qtbot: QtBot) -> Iterator[Callable[[], Terminal]]:
    started: list[Terminal] = []

    def start() -> Terminal:
        started.append(Terminal(run_async, settings, qtbot))
        return started[-1]

    yield start
    for terminal in started:
        if not terminal.stopped:
            terminal.stop()


@pytest.mark.parametrize("restart", [False, True], ids=["live", "restart-between"])
def test_a_bracket_entry_fills_then_its_stop_is_hit_and_the_take_profit_is_cancelled(
    start: Callable[[], Terminal], qtbot: QtBot, restart: bool
) -> None:
    terminal = start()
    window = terminal.window
    quote(window, BTC, 100.00, 100.10)
    send_bracket(window, qtbot, 99.50, 105.00, 97.00)
    (group,) = terminal.engine.contingent.groups()
    entry = group.entry_id
    take_profit, stop_loss = entry + "-TP", entry + "-SL"
    quote(window, BTC, 99.40, 99.50)  # the entry fills: the exits go live, sized to the fill
    qtbot.waitUntil(lambda: terminal.status(stop_loss) is OrderStatus.ACCEPTED, timeout=3000)
    assert terminal.status(entry) is OrderStatus.FILLED
    if restart:
        terminal.stop()
        terminal = start()
        window = terminal.window
        (group,) = terminal.engine.contingent.groups()  # back from the trading store
        assert [leg.state for leg in group.legs] == [LegState.LIVE, LegState.LIVE]
    qtbot.waitUntil(lambda: terminal.line_price(stop_loss) == 97.0, timeout=3000)
    assert terminal.line_price(take_profit) == 105.0
    book = terminal.engine.order_book
    assert book.get(stop_loss).quantity == book.get(take_profit).quantity == 2  # type: ignore[union-attr]
    quote(window, BTC, 96.90, 97.00)  # the stop is hit
    qtbot.waitUntil(lambda: terminal.status(stop_loss) is OrderStatus.FILLED, timeout=3000)
    qtbot.waitUntil(lambda: terminal.status(take_profit) is OrderStatus.CANCELLED, timeout=3000)
    assert terminal.engine.contingent.groups() == []
    qtbot.waitUntil(lambda: not window.chart.trades.order_lines, timeout=3000)
    assert terminal.engine.portfolio.quantity("paper", BTC) == 0


def test_a_trailing_stops_line_follows_the_price_up_never_down_until_hit(
    start: Callable[[], Terminal], qtbot: QtBot
) -> None:
    terminal = start()
    window = terminal.window
    quote(window, BTC, 100.00, 100.00)
    ticket = prepare(window, Attach.TRAILING, OrderType.MARKET)
    ticket.trail.setValue(1.50)  # by price
    qtbot.mouseClick(ticket.sell_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ticket.message.text().startswith("Sent"), timeout=3000)
    (group,) = terminal.engine.contingent.groups()
    stop = group.legs[0].order_id
    qtbot.waitUntil(lambda: terminal.line_price(stop) == 98.5, timeout=3000)
    for price, trigger in ((101.0, 99.5), (103.2, 101.7), (102.0, 101.7), (102.5, 101.7)):
        quote(window, BTC, price, price)
        qtbot.waitUntil(lambda t=trigger: terminal.line_price(stop) == t, timeout=3000)  # type: ignore[misc]
        assert terminal.engine.order_book.get(stop).trigger_price == trigger  # type: ignore[union-attr]
    quote(window, BTC, 101.6, 101.6)  # through the trigger: the stop fills
    qtbot.waitUntil(lambda: terminal.status(stop) is OrderStatus.FILLED, timeout=3000)
    qtbot.waitUntil(lambda: stop not in window.chart.trades.order_lines, timeout=3000)
