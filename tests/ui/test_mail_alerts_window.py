"""Mail-alert trades in the window: from the ticket to an email on a real local SMTP server,
the Alert column following the email, marking the order filled, and Tools ▸ Test email."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from terminal.domain.enums import OrderType
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow
from terminal.ui.trading.mark_order_dialog import MarkOrderDialog
from tests.mail_server import HOST, MailSink, smtp_server

SYMBOL = "600000.SSE"


@pytest.fixture
def sink() -> MailSink:
    return MailSink()


@pytest.fixture
def policy_sink() -> MailSink:
    return MailSink(fail_first=99, fail_reply="550 5.7.1 Message rejected by policy")


@pytest.fixture
def window(
    sink: MailSink,
    policy_sink: MailSink,
    run_async: Callable[..., Any],
    settings: QSettings,
    qtbot: QtBot,
) -> Iterator[MainWindow]:
    def broker(name: str, port: int) -> dict[str, Any]:
        options = {"host": HOST, "port": port, "security": "none", "sender": "t@example.com",
                   "recipients": ["desk@example.com"], "retry_initial_s": 0.1}  # fmt: skip
        return {"name": name, "plugin": "mail", "options": options}

    with smtp_server(sink) as good, smtp_server(policy_sink) as strict:
        config = load_config(
            overrides={
                "feeds": [{"name": "sim", "plugin": "simulated", "options": {"rate": 300.0}}],
                "brokers": [broker("desk", good.port), broker("strict", strict.port)],
            }
        )
        engine = Engine(config)
        run_async(engine.start())
        bridge = EngineBridge(engine, refresh_hz=30)
        window = MainWindow(bridge, settings)
        qtbot.addWidget(window)
        window.show()
        try:
            yield window
        finally:
            window.close()
            bridge.close()
            run_async(engine.stop())


def place_limit_buy(window: MainWindow, qtbot: QtBot, broker: str) -> None:
    ticket = window.ticket
    qtbot.waitUntil(lambda: window.bridge.latest(SYMBOL) is not None, timeout=8000)
    ticket.symbol_box.setCurrentText(SYMBOL)
    ticket.broker_box.setCurrentText(broker)
    ticket.type_box.setCurrentIndex(ticket.type_box.findData(OrderType.LIMIT))
    ticket.price.setValue(10.5)
    ticket.quantity.setValue(300)
    asked: list[str] = []
    # A mail broker is real money: the ticket asks first; the user says yes.
    ticket.confirm = lambda text, on_yes: (asked.append(text), on_yes())
    qtbot.mouseClick(ticket.buy_button, Qt.MouseButton.LeftButton)
    assert asked == [f"BUY 300 {SYMBOL} @ 10.50 LIMIT"]  # the price as sent, on the tick grid
    qtbot.waitUntil(  # the engine has it: sent (or already rejected by the broker)
        lambda: ticket.message.text().startswith(
            (f"Sent BUY 300 {SYMBOL} @ 10.50 LIMIT", f"Rejected BUY 300 {SYMBOL} @ 10.50 LIMIT")
        ),
        timeout=3000,
    )


def cell(window: MainWindow, title: str, row: int = 0) -> str:
    model = window.orders.model
    column = [c.title for c in model.columns].index(title)
    return str(model.data(model.index(row, column)))


def test_mail_trade_from_the_ticket_arrives_and_is_marked_filled(
    window: MainWindow, sink: MailSink, qtbot: QtBot
) -> None:
    place_limit_buy(window, qtbot, "desk")
    qtbot.waitUntil(lambda: len(sink.raw) == 1, timeout=8000)
    assert sink.messages[0]["Subject"] == f"BUY 300 {SYMBOL} @ 10.50 LIMIT"
    qtbot.waitUntil(lambda: cell(window, "Alert").startswith("sent "), timeout=5000)
    qtbot.waitUntil(lambda: cell(window, "Status") == "accepted", timeout=5000)

    # A user double-clicks the row (Qt wants the press first, as a real mouse sends it).
    viewport = window.orders.table.viewport()
    where = window.orders.table.visualRect(window.orders.proxy.index(0, 0)).center()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=where)
    dialog = window.mark_dialog
    assert isinstance(dialog, MarkOrderDialog) and dialog.isVisible()
    assert dialog.quantity.value() == 300 and dialog.price.value() == pytest.approx(10.5)
    dialog.quantity.setValue(0)
    qtbot.mouseClick(dialog.filled_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Filled quantity: must be more than 0, got 0"
    # Sending a mark is covered at engine level (tests/plugins/test_mail_broker.py): a GUI
    # test that moves an ACCEPTED mail order on crashes this PySide build at interpreter exit.
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert cell(window, "Status") == "accepted" and len(sink.raw) == 1


def test_a_refused_alert_shows_the_server_error_in_the_orders_monitor(
    window: MainWindow, policy_sink: MailSink, qtbot: QtBot
) -> None:
    place_limit_buy(window, qtbot, "strict")
    qtbot.waitUntil(lambda: cell(window, "Status") == "rejected", timeout=8000)
    qtbot.waitUntil(lambda: cell(window, "Alert").startswith("failed"), timeout=5000)
    assert cell(window, "Alert") == "failed: 550 5.7.1 Message rejected by policy"
    assert cell(window, "Reason") == "mail alert failed: 550 5.7.1 Message rejected by policy"
    assert "strict: error" in window.status_bar.status_text()
    message = window.ticket.message  # the ticket that sent it says so, in red
    qtbot.waitUntil(lambda: message.text().startswith("Rejected"), timeout=3000)
    assert message.text().endswith(": mail alert failed: 550 5.7.1 Message rejected by policy")
    assert message.objectName() == "errorLabel"


def test_tools_test_email_reports_success_and_the_exact_error(
    window: MainWindow, sink: MailSink, qtbot: QtBot
) -> None:
    window.menus.test_email_action.trigger()
    dialog = window.alert_test_dialog
    assert dialog.isVisible()
    dialog.broker_box.setCurrentText("desk")
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_label.text().startswith("✔"), timeout=8000)
    assert dialog.result_label.text() == "✔ desk: test email sent to desk@example.com"
    assert sink.messages[0]["Subject"] == "Terminal test email from mail broker 'desk'"
    dialog.broker_box.setCurrentText("strict")
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_label.text().startswith("✘"), timeout=8000)
    assert dialog.result_label.text() == "✘ strict: 550 5.7.1 Message rejected by policy"
    dialog.close()


def test_context_action_opens_the_mark_dialog_for_the_selected_mail_order(
    window: MainWindow, sink: MailSink, qtbot: QtBot
) -> None:
    place_limit_buy(window, qtbot, "desk")
    qtbot.waitUntil(lambda: cell(window, "Alert").startswith("sent "), timeout=8000)
    qtbot.waitUntil(lambda: cell(window, "Status") == "accepted", timeout=5000)
    menu = window.orders.menu_for(0)
    next(a for a in menu.actions() if a.text() == "Mark filled / cancelled…").trigger()
    dialog = window.mark_dialog
    assert dialog.isVisible()
    assert dialog.windowTitle() == f"Mark order {window.orders.model.record(0).order_id}"
    dialog.price.setValue(0)
    qtbot.mouseClick(dialog.filled_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Fill price: must be positive, got 0"
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
