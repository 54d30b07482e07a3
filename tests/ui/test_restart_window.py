"""After a restart the window shows every restored order and fill, and "Cancel all" reaches
the restored working orders (the paper broker took them back); so does a remote GUI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from terminal.adapters.spot.remote import RemoteEngine
from terminal.adapters.spot.server import EngineMarket, SpotServer
from terminal.adapters.spot.subscriber import ZmqFeedOptions
from terminal.domain.enums import OrderStatus, OrderType, Side
from terminal.domain.events import Tick
from terminal.domain.orders import OrderRequest
from terminal.engine.config import Config, load_config
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow
from tests.mail_server import HOST, MailSink, smtp_server

SYMBOL = "600000.SSE"


def trade_then_stop(
    config: Config, run_async: Callable[..., Any], qtbot: QtBot
) -> tuple[str, list[str], set[str]]:
    """A first run: one filled market order and two resting limits. Returns their ids and
    the fill ids."""
    first = Engine(config)
    run_async(first.start())
    try:
        qtbot.waitUntil(lambda: isinstance(first.latest.get(SYMBOL), Tick), timeout=8000)
        filled = first.submit(OrderRequest("paper", SYMBOL, Side.BUY, 100))
        resting = [
            first.submit(OrderRequest("paper", SYMBOL, Side.BUY, 100, OrderType.LIMIT, price))
            for price in (1.00, 1.01)
        ]
        assert first.order_book.get(filled).status is OrderStatus.FILLED  # type: ignore[union-attr]
        fills = {f.fill_id for f in first.store.fills()} if first.store else set()
    finally:
        run_async(first.stop())
    assert fills
    return filled, resting, fills


def window_on(bridge: EngineBridge, settings: QSettings, qtbot: QtBot) -> MainWindow:
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    window.show()
    return window


def shows(window: MainWindow, order_ids: set[str], fill_ids: set[str]) -> bool:
    orders = {o.order_id for o in window.orders.model.records()}
    fills = {f.fill_id for f in window.trades.model.records()}
    return orders == order_ids and fills == fill_ids


def test_restored_orders_and_fills_are_shown_and_cancel_all_reaches_them(
    config: Config, run_async: Callable[..., Any], settings: QSettings, qtbot: QtBot
) -> None:
    filled, resting, fills = trade_then_stop(config, run_async, qtbot)

    # As the application starts: the bridge first, then the engine, then the window.
    engine = Engine(config)
    bridge = EngineBridge(engine, refresh_hz=30)
    run_async(engine.start())
    window = window_on(bridge, settings, qtbot)
    try:
        qtbot.waitUntil(lambda: shows(window, {filled, *resting}, fills), timeout=3000)
        window.confirm = lambda text, on_yes: on_yes()  # type: ignore[method-assign]
        qtbot.mouseClick(window.orders.cancel_all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: all(
                engine.order_book.get(i).status is OrderStatus.CANCELLED  # type: ignore[union-attr]
                for i in resting
            ),
            timeout=3000,
        )
    finally:
        window.close()
        bridge.close()
        run_async(engine.stop())


def test_a_remote_gui_shows_the_restored_orders_and_fills(
    config: Config, run_async: Callable[..., Any], settings: QSettings, qtbot: QtBot
) -> None:
    filled, resting, fills = trade_then_stop(config, run_async, qtbot)
    engine = Engine(config)
    run_async(engine.start())
    server = SpotServer(EngineMarket(engine), "tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
    run_async(server.start())
    remote = RemoteEngine(config, ZmqFeedOptions(pub=server.pub_endpoint,
                                                 rep=server.rep_endpoint))  # fmt: skip
    bridge = EngineBridge(remote, refresh_hz=30)
    run_async(remote.start())
    window = window_on(bridge, settings, qtbot)
    try:
        qtbot.waitUntil(lambda: shows(window, {filled, *resting}, fills), timeout=3000)
    finally:
        window.close()
        bridge.close()
        run_async(remote.stop())
        run_async(server.stop())
        run_async(engine.stop())


def test_a_restored_mail_order_opens_the_mark_dialog(
    run_async: Callable[..., Any], settings: QSettings, qtbot: QtBot
) -> None:
    with smtp_server(MailSink()) as server:
        options = {"host": HOST, "port": server.port, "security": "none",
                   "sender": "t@example.com", "recipients": ["desk@example.com"]}  # fmt: skip
        config = load_config(overrides={
            "feeds": [{"name": "sim", "plugin": "simulated", "options": {"rate": 300.0}}],
            "brokers": [{"name": "desk", "plugin": "mail", "options": options}],
        })  # fmt: skip
        first = Engine(config)
        run_async(first.start())
        try:
            order_id = first.submit(
                OrderRequest("desk", SYMBOL, Side.BUY, 100, OrderType.LIMIT, 10.5)
            )
            qtbot.waitUntil(
                lambda: (
                    first.order_book.get(order_id).status  # type: ignore[union-attr]
                    is OrderStatus.ACCEPTED
                ),
                timeout=8000,
            )
        finally:
            run_async(first.stop())
        engine = Engine(config)
        bridge = EngineBridge(engine, refresh_hz=30)
        run_async(engine.start())
        window = window_on(bridge, settings, qtbot)
        try:
            qtbot.waitUntil(lambda: window.orders.model.rowCount() == 1, timeout=3000)
            menu = window.orders.menu_for(0)
            next(a for a in menu.actions() if a.text() == "Mark filled / cancelled…").trigger()
            assert window.mark_dialog.isVisible()
            assert window.mark_dialog.windowTitle() == f"Mark order {order_id}"
            window.mark_dialog.close()
        finally:
            window.close()
            bridge.close()
            run_async(engine.stop())
