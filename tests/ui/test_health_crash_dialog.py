"""Crash reports: unhandled exceptions from Qt slots, loop callbacks and threads are logged
and shown in a non-modal dialog with a copy button; the terminal keeps running."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from terminal.ui.crash_dialog import MAX_REPORTS, CrashReporter


@pytest.fixture
def reporter(qtbot: QtBot, aloop: asyncio.AbstractEventLoop) -> Iterator[CrashReporter]:
    reporter = CrashReporter()
    reporter.install(aloop)
    yield reporter
    reporter.uninstall()
    if reporter.dialog is not None:
        reporter.dialog.close()
        reporter.dialog.deleteLater()


def shown(reporter: CrashReporter) -> bool:
    return reporter.dialog is not None and reporter.dialog.isVisible()


def divide_by_zero() -> None:
    ratio = 1 / 0
    print(ratio)


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_qt_slot_is_shown_logged_and_copied(
    reporter: CrashReporter, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    later: list[str] = []
    QTimer.singleShot(0, divide_by_zero)
    QTimer.singleShot(20, lambda: later.append("still running"))
    qtbot.waitUntil(lambda: shown(reporter), timeout=3000)
    qtbot.waitUntil(lambda: later == ["still running"], timeout=3000)
    dialog = reporter.dialog
    assert dialog is not None and not dialog.isModal()
    text = dialog.text.toPlainText()
    assert text.startswith("unhandled exception:\nTraceback (most recent call last):")
    assert "in divide_by_zero" in text and "ZeroDivisionError: division by zero" in text
    records = [r for r in caplog.records if r.name == "terminal.ui.crash"]
    assert records and records[0].levelno == logging.CRITICAL and records[0].exc_info
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == text
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_loop_callback_and_thread_errors_are_reported(
    reporter: CrashReporter, qtbot: QtBot, aloop: asyncio.AbstractEventLoop
) -> None:
    def bad_callback() -> None:
        raise KeyError("no such order")

    aloop.call_soon(bad_callback)
    qtbot.waitUntil(lambda: shown(reporter), timeout=3000)
    thread = threading.Thread(target=divide_by_zero, name="quote-poller")
    thread.start()
    thread.join()
    assert reporter.dialog is not None
    qtbot.waitUntil(lambda: len(reporter.dialog.reports) == 2, timeout=3000)  # type: ignore[union-attr]
    first, second = reporter.dialog.reports
    assert "KeyError: 'no such order'" in first and "bad_callback" in first
    assert second.startswith("unhandled exception in quote-poller:")
    for _ in range(MAX_REPORTS + 3):
        reporter.report("flood", ValueError("again"), None)
    qtbot.waitUntil(lambda: reporter.dialog.dropped == 5, timeout=3000)  # type: ignore[union-attr]
    assert len(reporter.dialog.reports) == MAX_REPORTS
    assert "5 more not shown" in reporter.dialog.summary.text()
