"""The main window on a remote engine (what `terminal --connect` opens), and the age of each
feed's last tick in the status bar."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from terminal.adapters.spot.remote import RemoteEngine
from terminal.adapters.spot.server import EngineMarket, SpotServer
from terminal.adapters.spot.subscriber import ZmqFeedOptions
from terminal.domain.enums import OrderStatus, OrderType, Side
from terminal.domain.events import SubmitOrder
from terminal.domain.orders import OrderRequest
from terminal.engine.config import Config
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow

SYMBOL = "BTCUSDT.BINANCE"


@pytest.fixture
def remote(
    engine: Engine, config: Config, run_async: Callable[..., Any]
) -> Iterator[RemoteEngine]:
    server = SpotServer(EngineMarket(engine), "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                        heartbeat_s=0.1)  # fmt: skip
    run_async(server.start())
    remote = RemoteEngine(config, ZmqFeedOptions(pub=server.pub_endpoint,
                                                 rep=server.rep_endpoint))  # fmt: skip
    run_async(remote.start())
    yield remote
    run_async(remote.stop())
    run_async(server.stop())


def ages(text: str) -> dict[str, float]:
    """Feed name → age in seconds, from the status bar's labels."""
    found = (re.search(r"</span> (.+): live · ([\d.]+) s$", label) for label in text.split(" | "))
    return {match[1]: float(match[2]) for match in found if match}


def test_remote_window_shows_the_engine_and_sends_its_commands(
    remote: RemoteEngine, engine: Engine, settings: QSettings, qtbot: QtBot
) -> None:
    bridge = EngineBridge(remote, refresh_hz=30)
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    window.show()

    def shown(order_id: str) -> OrderStatus:
        """The status the Orders panel shows for ``order_id``."""
        found = [o.status for o in window.orders.model.records() if o.order_id == order_id]
        return found[0] if found else OrderStatus.REJECTED
    status = window.status_bar.status_text
    try:
        assert set(window.market_watch.model.symbols()) <= set(engine.instruments)
        qtbot.waitUntil(lambda: "sim: live" in status(), timeout=5000)
        assert "paper: live" in status()
        # This GUI's own link to the engine shows its state and the age of its last message.
        qtbot.waitUntil(lambda: remote.name in ages(status()), timeout=5000)
        assert ages(status())[remote.name] < 2.0
        qtbot.waitUntil(lambda: window.bridge.latest(SYMBOL) is not None, timeout=5000)
        # The Health dock shows the engine's feeds and brokers, sent once a second.
        qtbot.waitUntil(lambda: bool(window.health_panel.rows()), timeout=5000)
        rows = {row[2]: row for row in window.health_panel.rows()}
        assert rows["sim"][:2] == ("green", "feed") and rows["paper"][1] == "broker"

        # An order sent the way the ticket sends it rests on the engine and shows here.
        price = round(remote.latest[SYMBOL].last * 0.5, 2)
        request = OrderRequest("paper", SYMBOL, Side.BUY, 0.01, OrderType.LIMIT, price)
        bridge.send(SubmitOrder("W-1", request))
        qtbot.waitUntil(lambda: shown("W-1").is_working, timeout=5000)

        # The kill switch, confirmed, cancels it on the engine; the window shows that too.
        window.confirm = lambda _text, on_yes: on_yes()  # type: ignore[method-assign]
        window.kill_switch_button.kill_action.trigger()
        qtbot.waitUntil(lambda: engine.order_book.get("W-1").status  # type: ignore[union-attr]
                        is OrderStatus.CANCELLED, timeout=5000)  # fmt: skip
        qtbot.waitUntil(lambda: shown("W-1") is OrderStatus.CANCELLED, timeout=5000)
    finally:
        window.close()
        bridge.close()


def test_status_bar_shows_the_age_of_each_feeds_last_tick(
    engine: Engine, bridge: EngineBridge, settings: QSettings, qtbot: QtBot
) -> None:
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    window.show()
    status = window.status_bar.status_text
    try:
        qtbot.waitUntil(lambda: "sim" in ages(status()), timeout=5000)
        assert ages(status())["sim"] < 1.5  # 500 ticks/s
        assert "paper: live" in status() and "paper" not in ages(status())
        engine.feeds["sim"]._task.cancel()  # type: ignore[attr-defined]  # the feed goes quiet
        qtbot.waitUntil(lambda: ages(status()).get("sim", 0) >= 2.0, timeout=6000)
    finally:
        window.close()


def test_the_remote_tickets_orders_report_back_sent_or_refused(
    remote: RemoteEngine, engine: Engine, settings: QSettings, qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bridge = EngineBridge(remote, refresh_hz=30)
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    window.show()
    ticket = window.ticket
    try:
        qtbot.waitUntil(lambda: window.bridge.latest(SYMBOL) is not None, timeout=5000)
        ticket.symbol_box.setCurrentText(SYMBOL)
        ticket.quantity.setValue(0.01)
        sent = ticket.submit(Side.BUY)
        qtbot.waitUntil(lambda: ticket.message.text().startswith("Sent"), timeout=5000)
        assert engine.order_book.get(str(sent)) is not None
        # The same id again (as a repeating id scheme did): the server's refusal comes back.
        monkeypatch.setattr("terminal.ui.trading.ticket.new_order_id", lambda prefix: sent)
        ticket.submit(Side.BUY)
        qtbot.waitUntil(lambda: ticket.message.text().startswith("Refused"), timeout=5000)
        assert ticket.message.text().endswith(f": order id {sent} is already in use")
        assert ticket.message.objectName() == "errorLabel"
    finally:
        window.close()
        bridge.close()
