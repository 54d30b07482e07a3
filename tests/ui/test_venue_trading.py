"""Trading at a crypto venue from the window: ccxt against the local Binance-format server, the
engine and the GUI on one qasync loop. A trade from the ticket fills in the blotters and moves
the venue's balances; the ticket offers only what the venue takes and rounds to its lot; the
status bar shows the venue's quotes and orders; a reconnect's findings are shown."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from pytestqt.qtbot import QtBot

from terminal.domain.enums import OrderStatus, OrderType, ReconcileKind, Side
from terminal.domain.orders import OrderRequest
from terminal.engine.config import Config
from terminal.engine.engine import Engine
from terminal.ui.main_window import MainWindow
from tests.adapters.ccxt.binance_server import FakeBinance
from tests.adapters.ccxt.harness import BTC, KEYS, engine_config

Run = Callable[..., Any]


@pytest.fixture
def binance(run_async: Run, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBinance]:
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    server = FakeBinance()
    run_async(server.start())
    yield server
    run_async(server.stop())


@pytest.fixture
def config(binance: FakeBinance) -> Config:
    """The ccxt feed and broker, both called "binance", and the paper broker."""
    return engine_config(binance, {"stale_after_s": 1.0}, {}, paper=True)


@pytest.fixture
def window(window: MainWindow, engine: Engine, binance: FakeBinance, qtbot: QtBot) -> MainWindow:
    qtbot.waitUntil(lambda: BTC in engine.latest and bool(engine.balances()), timeout=10_000)
    qtbot.waitUntil(lambda: any(s is not None for s in binance.api_sockets.values()), timeout=5000)
    window.ticket.confirm = lambda text, on_yes: on_yes()  # a real venue asks: the user says yes
    return window


def balance(window: MainWindow, currency: str) -> float:
    rows = window.venue.balances.model.records()
    return next(b.total for b in rows if b.broker == "binance" and b.currency == currency)


def item_enabled(box: Any, text: str) -> bool:
    model = box.model()
    assert isinstance(model, QStandardItemModel)
    item = model.item(box.findText(text))
    assert item is not None
    return bool(item.isEnabled())


def test_a_trade_from_the_ticket_fills_in_the_blotter_and_moves_the_balances(
    window: MainWindow, qtbot: QtBot
) -> None:
    qtbot.waitUntil(lambda: bool(window.venue.balances.model.records()), timeout=5000)
    usdt, btc = balance(window, "USDT"), balance(window, "BTC")
    ticket = window.ticket
    ticket.symbol_box.setCurrentText(BTC)
    ticket.broker_box.setCurrentText("binance")
    ticket.type_box.setCurrentText("Market")
    ticket.quantity.clear()
    qtbot.keyClicks(ticket.quantity, "0.002")
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(
            o.symbol == BTC and o.status is OrderStatus.FILLED
            for o in window.orders.model.records()
        ),
        timeout=5000,
    )
    order = next(o for o in window.orders.model.records() if o.symbol == BTC)
    assert (order.broker, order.side, order.filled_quantity) == ("binance", Side.BUY, 0.002)
    fills = [f for f in window.trades.model.records() if f.order_id == order.order_id]
    assert fills and sum(f.quantity for f in fills) == pytest.approx(0.002)
    # The venue's balances, as it reports them: USDT paid, BTC received less Binance's fee.
    qtbot.waitUntil(lambda: balance(window, "USDT") < usdt, timeout=5000)
    qtbot.waitUntil(lambda: balance(window, "BTC") > btc, timeout=5000)
    paid = usdt - balance(window, "USDT")
    assert paid == pytest.approx(0.002 * order.average_price, rel=1e-6)
    assert balance(window, "BTC") - btc == pytest.approx(0.002 * 0.999, rel=1e-6)
    position = next(p for p in window.positions.model.records() if p.broker == "binance")
    assert position.quantity == pytest.approx(0.002)


def test_the_ticket_offers_what_the_venue_takes_and_rounds_to_its_lot(
    window: MainWindow, qtbot: QtBot
) -> None:
    ticket = window.ticket
    ticket.symbol_box.setCurrentText(BTC)
    ticket.broker_box.setCurrentText("binance")
    # Binance's BTCUSDT takes stop-limit but not stop-market orders; spot has no reduce-only.
    assert not item_enabled(ticket.type_box, "Stop") and item_enabled(ticket.type_box, "Stop-limit")
    assert not ticket.venue_rules.reduce_only.isEnabled()
    ticket.type_box.setCurrentText("Market")
    assert not ticket.venue_rules.post_only.isEnabled()  # post-only is for limit orders
    ticket.type_box.setCurrentText("Limit")
    assert ticket.venue_rules.post_only.isEnabled()
    ticket.broker_box.setCurrentText("paper")  # the paper broker takes stops, not post-only
    assert item_enabled(ticket.type_box, "Stop") and not ticket.venue_rules.post_only.isEnabled()
    ticket.broker_box.setCurrentText("binance")
    ticket.quantity.clear()
    qtbot.keyClicks(ticket.quantity, "0.0012345")
    qtbot.keyClick(ticket.quantity, Qt.Key.Key_Return)
    assert ticket.quantity.value() == pytest.approx(0.00123)
    assert "rounded down to 0.00123 (lot size 1e-05)" in ticket.message.text()
    ticket.venue_rules.post_only.setChecked(True)
    request = ticket.request(Side.BUY)
    assert request.post_only and not request.reduce_only and request.quantity == 0.00123


def test_the_status_bar_shows_the_venues_quotes_and_orders_and_when_quotes_go_stale(
    window: MainWindow, binance: FakeBinance, qtbot: QtBot
) -> None:
    bar = window.status_bar
    qtbot.waitUntil(lambda: "binance: quotes live · orders live" in bar.status_text(), timeout=5000)
    binance.pause_market()
    qtbot.waitUntil(
        lambda: "binance: quotes stale · orders live" in bar.status_text(), timeout=5000
    )
    binance.pause_market(False)
    qtbot.waitUntil(lambda: "binance: quotes live" in bar.status_text(), timeout=5000)


def test_what_a_reconnect_found_is_shown_not_written_over(
    window: MainWindow, engine: Engine, binance: FakeBinance, qtbot: QtBot, run_async: Run
) -> None:
    qtbot.waitUntil(lambda: bool(window.venue.balances.model.records()), timeout=5000)
    binance.venue.balances["USDT"]["free"] += 500  # a deposit the terminal cannot explain
    binance.user_events = "lost"
    run_async(binance.drop_sockets("api"))
    binance.user_events = "normal"
    qtbot.waitUntil(lambda: bool(window.venue.notices.model.records()), timeout=5000)
    [notice] = window.venue.notices.model.records()
    assert notice.kind is ReconcileKind.BALANCE_DIFFERENCE and notice.subject == "USDT"
    assert "difference +500" in window.statusBar().currentMessage()
    assert balance(window, "USDT") == pytest.approx(notice.venue)
    # An order the venue has and the terminal never sent is adopted into the Orders monitor.
    run_async(binance.place_elsewhere("SELL", "0.00100000", "99000.00"))
    qtbot.waitUntil(
        lambda: any(o.origin == "venue" for o in window.orders.model.records()), timeout=5000
    )
    adopted = next(o for o in window.orders.model.records() if o.origin == "venue")
    assert (adopted.order_type, adopted.status) == (OrderType.LIMIT, OrderStatus.ACCEPTED)
    engine.submit(OrderRequest("binance", BTC, Side.BUY, 0.001, OrderType.LIMIT, 50000.0))
