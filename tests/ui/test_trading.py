"""Trading from the GUI as a user does it: ticket keys and clicks, blotters, kill switch."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from terminal.domain.enums import OrderStatus, OrderType, Side
from terminal.domain.events import AddStrategy, StartStrategy
from terminal.domain.orders import OrderRequest
from terminal.engine.config import Config
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow
from terminal.ui.watch.columns import COLUMNS
from tests.ui.desk import desk_config, started_desk_engine

GOLD_ETF = "518880.SSE"


@pytest.fixture
def config() -> Config:
    return desk_config()


@pytest.fixture
def engine(config: Config, run_async: Callable[..., Any]) -> Iterator[Engine]:
    engine = started_desk_engine(config, run_async)
    yield engine
    run_async(engine.stop())


@pytest.fixture
def window(window: MainWindow, engine: Engine, qtbot: QtBot) -> MainWindow:
    """The shared window, active (for its hotkeys) and with quotes for the symbols used."""
    window.activateWindow()
    qtbot.waitUntil(
        lambda: (
            engine.latest.get("600000.SSE") is not None
            and engine.latest.get("rb2605.SHFE") is not None
        ),
        timeout=8000,
    )
    return window


def orders_of(window: MainWindow) -> list[Any]:
    return window.orders.model.records()


def test_stop_order_with_keys_rests_until_triggered(window: MainWindow, qtbot: QtBot) -> None:
    ticket = window.ticket
    ticket.symbol_box.setCurrentText("600000.SSE")
    ticket.type_box.setCurrentText("Stop")
    assert ticket.trigger.isEnabled() and not ticket.price.isEnabled()
    ticket.trigger.clear()
    qtbot.keyClicks(ticket.trigger, "99.00")
    qtbot.keyClick(window, Qt.Key.Key_F1)  # F1: buy
    qtbot.waitUntil(  # "Sent" once the engine has recorded it, prices on the tick grid
        lambda: "Sent BUY 100 600000.SSE trigger 99.00 STOP" in ticket.message.text(),
        timeout=3000,
    )
    qtbot.waitUntil(lambda: len(orders_of(window)) == 1, timeout=3000)
    qtbot.waitUntil(lambda: orders_of(window)[0].status is OrderStatus.ACCEPTED, timeout=3000)
    order = orders_of(window)[0]
    assert order.order_type is OrderType.STOP and order.trigger_price == 99.0
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert ticket.type_box.currentText() == "Market" and ticket.message.text() == ""


def test_depth_click_and_follow_fill_the_price(window: MainWindow, qtbot: QtBot) -> None:
    ticket = window.ticket
    ticket.symbol_box.setCurrentText("600000.SSE")
    qtbot.waitUntil(lambda: ticket.depth_labels[2][2].text() != "", timeout=3000)
    third_ask = ticket.depth_labels[2][2]
    qtbot.mouseClick(third_ask, Qt.MouseButton.LeftButton)
    assert ticket.type_box.currentText() == "Limit"
    assert ticket.price.value() == pytest.approx(third_ask.value)
    ticket.follow_box.setCurrentText("Bid")
    qtbot.waitUntil(
        lambda: ticket.price.value() == pytest.approx(window.bridge.latest("600000.SSE").bid),
        timeout=3000,
    )


def test_futures_show_offset_and_margin_estimate(window: MainWindow) -> None:
    ticket = window.ticket
    ticket.symbol_box.setCurrentText("600000.SSE")
    assert ticket.offset_box.isHidden()
    ticket.symbol_box.setCurrentText("rb2605.SHFE")
    assert not ticket.offset_box.isHidden()
    assert "margin" in ticket.estimate.text() and "commission" in ticket.estimate.text()


def test_real_broker_orders_need_confirmation(window: MainWindow, qtbot: QtBot) -> None:
    ticket = window.ticket
    asked: list[tuple[str, Callable[[], None]]] = []
    ticket.confirm = lambda text, on_yes: asked.append((text, on_yes))
    ticket.symbol_box.setCurrentText("600000.SSE")
    ticket.broker_box.setCurrentText("desk")
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    assert [text for text, _ in asked] == ["BUY 100 600000.SSE MARKET"]
    assert ticket.message.text() == "Waiting for confirmation: BUY 100 600000.SSE MARKET"
    qtbot.wait(200)
    assert orders_of(window) == []  # nothing sent before the answer
    asked[0][1]()  # the user says yes
    qtbot.waitUntil(
        lambda: ticket.message.text().startswith("Sent BUY 100 600000.SSE MARKET"), timeout=3000
    )
    assert len(orders_of(window)) == 1
    ticket.broker_box.setCurrentText("paper")
    ticket.confirm = lambda text, on_yes: pytest.fail("paper trading needs no confirmation")
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(orders_of(window)) == 2, timeout=3000)


def test_working_filter_cancel_all_and_export(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    ticket = window.ticket
    ticket.symbol_box.setCurrentText("600000.SSE")
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)  # market: fills
    ticket.type_box.setCurrentText("Limit")
    for price in (1.00, 1.01):  # far below: they rest
        ticket.price.setValue(price)
        qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    panel = window.orders
    qtbot.waitUntil(
        lambda: (
            sum(o.status.is_working for o in orders_of(window)) == 2
            and any(o.status is OrderStatus.FILLED for o in orders_of(window))
        ),
        timeout=5000,
    )
    panel.filter_box.setCurrentText("Working")
    assert panel.proxy.rowCount() == 2
    assert panel.export_to(tmp_path / "working.csv") == 2
    with (tmp_path / "working.csv").open() as handle:
        assert {row["status"] for row in csv.DictReader(handle)} == {"accepted"}
    questions: list[str] = []
    window.confirm = lambda text, on_yes: (questions.append(text), on_yes())  # type: ignore[method-assign]
    qtbot.mouseClick(panel.cancel_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.proxy.rowCount() == 0, timeout=3000)
    assert sum(o.status is OrderStatus.CANCELLED for o in orders_of(window)) == 2
    assert questions == ["Cancel all 2 working orders?"]


def test_close_position_from_the_positions_menu(window: MainWindow, qtbot: QtBot) -> None:
    ticket = window.ticket
    qtbot.waitUntil(lambda: window.bridge.latest(GOLD_ETF) is not None, timeout=8000)
    ticket.symbol_box.setCurrentText(GOLD_ETF)  # trades T+0: closed the day it was bought
    ticket.quantity.setValue(300)
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    positions = window.positions
    qtbot.waitUntil(
        lambda: positions.proxy.rowCount() == 1 and positions.record_at(0).quantity == 300,
        timeout=5000,
    )
    menu = positions.menu_for(0)
    close = next(a for a in menu.actions() if a.text() == "Close position")
    close.trigger()
    assert ticket.quantity.value() == 300 and ticket.type_box.currentText() == "Market"
    assert ticket.message.text() == f"Close {GOLD_ETF}: Sell 300"
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: positions.record_at(0).quantity == 0, timeout=5000)


def test_kill_switch_cancels_orders_and_stops_strategies(
    window: MainWindow, engine: Engine, qtbot: QtBot
) -> None:
    window.bridge.send(AddStrategy("s1", "sma_cross", "600000.SSE", "paper"))
    window.bridge.send(StartStrategy("s1"))
    ticket = window.ticket
    ticket.symbol_box.setCurrentText("600000.SSE")
    ticket.type_box.setCurrentText("Limit")
    ticket.price.setValue(1.00)
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(engine.order_book.working()) == 1, timeout=3000)
    questions: list[str] = []
    window.confirm = lambda text, on_yes: (questions.append(text), on_yes())  # type: ignore[method-assign]
    window.kill_switch_button.kill_action.trigger()
    assert questions == ["Kill switch: cancel 1 working orders and stop 1 running strategies?"]
    assert not engine.order_book.working()
    assert engine.strategies.get("s1").state == "stopped"


def test_risk_refusal_names_the_rule_and_numbers(window: MainWindow, qtbot: QtBot) -> None:
    ticket = window.ticket
    ticket.symbol_box.setCurrentText("600000.SSE")
    ticket.quantity.setValue(200_000)
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(orders_of(window)) == 1, timeout=3000)
    order = orders_of(window)[0]
    assert order.status is OrderStatus.REJECTED
    assert order.reason == "risk (broker paper): max order quantity: 200000 > limit 100000"


def test_account_selector_follows_the_broker(window: MainWindow, engine: Engine) -> None:
    ticket = window.ticket
    ticket.broker_box.setCurrentText("desk")
    assert [ticket.account_box.itemText(i) for i in range(ticket.account_box.count())] == ["desk"]
    ticket.broker_box.setCurrentText("paper")
    assert ticket.account_box.currentText() == "paper"
    assert ticket.request(Side.BUY).account == "paper"
    wrong = engine.submit(OrderRequest("paper", "600000.SSE", Side.BUY, 100, account="ACC-9"))
    assert engine.order_book.get(wrong).reason == (
        "account 'ACC-9' is not one of broker paper's accounts ['paper']")


def test_blotters_filter_by_text(window: MainWindow, qtbot: QtBot) -> None:
    ticket = window.ticket
    for symbol in ("600000.SSE", "rb2605.SHFE"):
        ticket.symbol_box.setCurrentText(symbol)
        qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    trades = window.trades
    qtbot.waitUntil(lambda: {f.symbol for f in trades.model.records()}
                    == {"600000.SSE", "rb2605.SHFE"}, timeout=5000)
    qtbot.keyClicks(trades.search, "shfe")
    assert {f.symbol for f in trades.shown_records()} == {"rb2605.SHFE"}
    trades.search.clear()
    assert {f.symbol for f in trades.shown_records()} == {"600000.SSE", "rb2605.SHFE"}


def test_hotkeys_come_from_the_config(engine: Engine, bridge: EngineBridge, settings: QSettings,
                                      qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    hotkeys = msgspec.structs.replace(engine.config.ui.hotkeys, buy="F5", sell="Ctrl+Nonsense+")
    engine.config = msgspec.structs.replace(
        engine.config, ui=msgspec.structs.replace(engine.config.ui, hotkeys=hotkeys))
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    try:
        assert window.ticket.buy_button.text() == "Buy  F5"
        assert window.ticket.sell_button.text() == "Sell  F2"  # the invalid one fell back
        assert "ui.hotkeys.sell = 'Ctrl+Nonsense+' is not a key sequence" in caplog.text
        qtbot.waitUntil(lambda: engine.latest.get("600000.SSE") is not None, timeout=5000)
        window.ticket.symbol_box.setCurrentText("600000.SSE")
        qtbot.keyClick(window, Qt.Key.Key_F5)
        qtbot.waitUntil(
            lambda: window.ticket.message.text().startswith("Sent BUY 100 600000.SSE"),
            timeout=3000,
        )
    finally:
        window.close()


def test_clicking_a_price_in_the_market_watch_fills_the_ticket(
    window: MainWindow, engine: Engine, qtbot: QtBot, run_async: Callable[..., Any]
) -> None:
    run_async(engine.feeds["sim"].stop())  # hold the quotes still while we compare
    watch = window.market_watch
    row = watch.model.symbols().index("600519.SSE")
    bid_column = next(i for i, c in enumerate(COLUMNS) if c.key == "bid")
    table = watch.table
    table.scrollTo(watch.model.index(row, bid_column))
    rect = table.visualRect(watch.model.index(row, bid_column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    ticket = window.ticket
    assert ticket.symbol_box.currentText() == "600519.SSE"
    assert ticket.type_box.currentText() == "Limit"
    assert ticket.price.value() == pytest.approx(window.bridge.latest("600519.SSE").bid)
