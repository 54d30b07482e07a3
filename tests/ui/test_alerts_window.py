"""Alerts in the window, driven as a trader would: "Alert…" on a market-watch row, the dialog,
a price crossing firing once with the notification seen and heard, re-armed from the Alerts
dock, kept across a restart; refused input named in the dialog; the mail of a fired alert
sent through a real local SMTP server and its state in the dock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from terminal.domain.market_alerts import AlertCondition, AlertStatus
from terminal.ui.alerts.dialog import AlertDialog
from terminal.ui.main_window import MainWindow
from tests.mail_server import HOST, MailSink, smtp_server
from tests.ui.alert_desk import SYMBOL, close_window, desk_engine, open_window, quote


def ask_from_the_watch(window: MainWindow, qtbot: QtBot) -> AlertDialog:
    table = window.market_watch.table
    menu = table.context_menu(window.market_watch.model.row_of(SYMBOL))
    assert menu is not None
    actions = {action.text(): action for action in menu.actions()}
    actions["Alert…"].trigger()
    menu.deleteLater()
    dialog = window.alert_desk.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def press_ok(dialog: AlertDialog, qtbot: QtBot) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def rows(window: MainWindow) -> list[list[str]]:
    panel = window.alert_desk.panel
    model = panel.proxy
    return [[str(model.index(r, c).data()) for c in range(model.columnCount())]
            for r in range(model.rowCount())]  # fmt: skip


def test_a_crossing_fires_once_is_seen_and_heard_then_re_armed_and_kept_after_a_restart(
    run_async: Callable[..., Any], settings: QSettings, qtbot: QtBot
) -> None:
    engine = desk_engine(run_async)
    window = open_window(engine, settings, qtbot)
    notifier = window.alert_desk.notifier
    try:
        quote(engine, 100.0)
        dialog = ask_from_the_watch(window, qtbot)
        assert dialog.symbol.currentText() == SYMBOL and dialog.price.value() == 100.0
        dialog.price.setValue(101.0)
        dialog.note.setText("resistance")
        press_ok(dialog, qtbot)
        qtbot.waitUntil(lambda: len(rows(window)) == 1, timeout=3000)
        assert rows(window)[0][:3] == [SYMBOL, "Last crosses 101.00", "armed"]
        assert notifier.tray is None  # offscreen there is no tray: the toast shows it
        assert not notifier.toast.isVisible()

        quote(engine, 100.5, 101.2, 100.4, 101.6)  # up through 101, back, and up again
        qtbot.waitUntil(notifier.toast.isVisible, timeout=3000)
        assert notifier.toast.texts() == [
            f"Alert: {SYMBOL}\nLast crosses 101.00 — now 101.20\nresistance"]
        assert notifier.beeps == 1
        qtbot.waitUntil(lambda: rows(window)[0][2] == "fired", timeout=3000)
        assert rows(window)[0][4] == "101.20"
        window.bridge.flush()
        assert len(notifier.toast.texts()) == 1 and notifier.beeps == 1  # once, not again

        panel = window.alert_desk.panel
        menu = panel.menu_for(0)
        {a.text(): a for a in menu.actions()}["Re-arm"].trigger()
        qtbot.waitUntil(lambda: rows(window)[0][2] == "armed", timeout=3000)
        quote(engine, 100.9)  # armed above 101 (at 101.6): the fall through 101 fires
        qtbot.waitUntil(lambda: notifier.beeps == 2, timeout=3000)
        assert notifier.toast.texts()[0].endswith("Last crosses 101.00 — now 100.90\nresistance")
        fired_at = engine.alerts.alerts()[0]
        assert (fired_at.status, fired_at.fired_count) == (AlertStatus.FIRED, 2)
    finally:
        close_window(window)
        run_async(engine.stop())

    engine = desk_engine(run_async)  # the same data folder: a restart
    window = open_window(engine, settings, qtbot)
    try:
        assert rows(window)[0][:3] == [SYMBOL, "Last crosses 101.00", "fired"]
        assert "(×2)" in rows(window)[0][3]
        line = next(iter(window.chart.alerts.lines.values()))
        assert line.price == 101.0 and line.text() == "Alert (fired): Last crosses 101.00"
    finally:
        close_window(window)
        run_async(engine.stop())


def test_the_dialog_names_what_cannot_be_watched_and_builds_condition_alerts(
    run_async: Callable[..., Any], settings: QSettings, qtbot: QtBot
) -> None:
    engine = desk_engine(run_async)
    window = open_window(engine, settings, qtbot)
    try:
        dialog = ask_from_the_watch(window, qtbot)  # no quote yet: the price is 0
        press_ok(dialog, qtbot)
        assert dialog.isVisible() and dialog.error.text() == "price = 0: must be a positive price"
        dialog.condition.setCurrentIndex(dialog.condition.findData(AlertCondition.BAR_CLOSE))
        assert not dialog.price.isVisible() and dialog.indicator.isVisible()
        dialog.indicator.setCurrentText("BB")
        assert [dialog.line.itemText(i) for i in range(dialog.line.count())] == [
            "upper", "middle", "lower"]  # fmt: skip
        dialog.params["period"].setValue(10)
        dialog.line.setCurrentText("lower")
        dialog.direction.setCurrentIndex(1)  # closes below
        dialog.timeframe.setCurrentText("5m")
        press_ok(dialog, qtbot)
        qtbot.waitUntil(lambda: len(rows(window)) == 1, timeout=3000)
        assert rows(window)[0][1] == "5m bar closes below BB(10,2).lower"
        assert "5m" in engine.bars.subscriptions(SYMBOL)  # its timeframe is built

        edit = window.alert_desk.open_dialog(engine.alerts.alerts()[0])
        assert not edit.symbol.isEnabled() and edit.line.currentText() == "lower"
        edit.condition.setCurrentIndex(edit.condition.findData(AlertCondition.DAY_MOVE))
        edit.percent.setValue(4.5)
        press_ok(edit, qtbot)
        qtbot.waitUntil(lambda: rows(window)[0][1] == "down by 4.5% on the day", timeout=3000)
        assert len(engine.alerts.alerts()) == 1
        panel = window.alert_desk.panel
        panel.table.setFocus()
        panel.table.setCurrentIndex(panel.proxy.index(0, 0))
        qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
        qtbot.waitUntil(lambda: not rows(window), timeout=3000)
        assert engine.alerts.alerts() == []
    finally:
        close_window(window)
        run_async(engine.stop())


@pytest.fixture
def sink() -> MailSink:
    return MailSink()


def test_a_fired_alert_mails_through_the_mail_broker_and_the_dock_says_so(
    run_async: Callable[..., Any], settings: QSettings, qtbot: QtBot, sink: MailSink
) -> None:
    with smtp_server(sink) as server:
        options = {"host": HOST, "port": server.port, "security": "none",
                   "sender": "t@example.com", "recipients": ["desk@example.com"]}  # fmt: skip
        engine = desk_engine(run_async, [{"name": "mail", "plugin": "mail", "options": options}])
        window = open_window(engine, settings, qtbot)
        try:
            quote(engine, 100.0)
            dialog = ask_from_the_watch(window, qtbot)
            assert [dialog.mail.itemText(i) for i in range(dialog.mail.count())] == [
                "No mail", "Mail through mail"]  # fmt: skip
            dialog.mail.setCurrentIndex(1)
            dialog.price.setValue(99.5)
            press_ok(dialog, qtbot)
            qtbot.waitUntil(lambda: len(rows(window)) == 1, timeout=3000)
            quote(engine, 99.4)
            qtbot.waitUntil(lambda: len(sink.raw) == 1, timeout=8000)
            qtbot.waitUntil(lambda: rows(window)[0][5].startswith("sent "), timeout=3000)
        finally:
            close_window(window)
            run_async(engine.stop())
    message = sink.messages[0]
    assert message["Subject"] == f"Alert: {SYMBOL} last crosses 99.50: last 99.40"
    assert sink.envelopes[0] == ("t@example.com", ["desk@example.com"])


def test_the_toast_stacks_the_newest_first_fits_them_and_goes_on_a_click_or_in_time(
    qtbot: QtBot,
) -> None:
    from PySide6.QtWidgets import QWidget

    from terminal.ui.alerts.toast import MAX_SHOWN, Toast

    window = QWidget()
    qtbot.addWidget(window)
    window.resize(900, 600)
    window.show()
    toast = Toast(window, shown_ms=400)
    for number in range(MAX_SHOWN + 1):
        toast.show_message(f"Alert {number}", f"Last crosses 10.{number}0\na note")
    assert toast.texts() == [f"Alert {n}\nLast crosses 10.{n}0\na note" for n in (4, 3, 2, 1)]
    assert all(m.height() >= m.sizeHint().height() for m in toast.messages)  # none cut
    assert toast.geometry().right() < window.width() and toast.y() >= 0
    qtbot.mouseClick(toast.messages[0], Qt.MouseButton.LeftButton)
    assert toast.texts()[0].startswith("Alert 3")
    qtbot.waitUntil(lambda: not toast.isVisible(), timeout=3000)  # each goes in time
    assert toast.texts() == []


def test_a_toast_whose_window_is_gone_does_not_wake_up(qtbot: QtBot) -> None:
    """Its messages' timers go with it (they raised on a deleted layout before)."""
    from PySide6.QtWidgets import QWidget

    from terminal.ui.alerts.toast import Toast

    window = QWidget()
    window.show()
    toast = Toast(window, shown_ms=50)
    toast.show_message("Alert", "Last crosses 10.00")
    window.deleteLater()
    qtbot.waitUntil(lambda: not toast_alive(toast), timeout=2000)
    qtbot.wait(150)  # past the message's time: nothing runs, nothing raises


def toast_alive(toast: object) -> bool:
    from shiboken6 import isValid

    return bool(isValid(toast))
