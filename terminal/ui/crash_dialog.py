"""Crash reports: an unhandled exception anywhere is logged with its traceback and shown in a
non-modal dialog (with a copy button), and the terminal keeps running.

Two hooks catch them: ``sys.excepthook`` (exceptions escaping Qt slots and virtual methods,
which PySide6 hands to it, and the main thread) plus ``threading.excepthook``, and the
asyncio loop's exception handler (callbacks, tasks whose exception nobody retrieved). The
dialog is shown with ``show()``, never ``exec()``: a nested event loop under qasync has
crashed the interpreter (see dialogs.py). Reports from other threads reach the dialog through
a queued signal.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import traceback
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("terminal.ui.crash")

MAX_REPORTS = 20  # a handler failing on every tick must not grow the dialog without bound
SEPARATOR = "\n" + "─" * 60 + "\n"


class CrashDialog(QDialog):
    """Lists the tracebacks of unexpected errors; the terminal goes on behind it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Unexpected error"))
        self.setModal(False)
        self.resize(760, 420)
        self.reports: list[str] = []
        self.dropped = 0
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(font)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy the tracebacks, to paste into a bug report"))
        self.close_button = QPushButton(self.tr("Close"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.copy_button.clicked.connect(self.copy)
        self.close_button.clicked.connect(self.close)

    def add_report(self, report: str) -> None:
        if len(self.reports) >= MAX_REPORTS:
            self.dropped += 1
        else:
            self.reports.append(report)
            self.text.setPlainText(SEPARATOR.join(self.reports))
        more = (
            self.tr(" ({count} more not shown: see the log)").format(count=self.dropped)
            if self.dropped else ""
        )  # fmt: skip
        self.summary.setText(
            self.tr("{count} unexpected error(s){more}. The terminal keeps running; the part "
                    "that failed may not have finished its work. Details are in the log "
                    "file.").format(count=len(self.reports), more=more)
        )

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())


class CrashReporter(QObject):
    """Installs the hooks; logs each unhandled exception and shows it in one dialog."""

    _reported = Signal(str)  # queued into the GUI thread when raised from another one

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialog: CrashDialog | None = None
        self._previous_excepthook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reported.connect(self._show)

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        self._previous_excepthook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self.excepthook
        threading.excepthook = self._thread_hook
        self._loop = loop
        loop.set_exception_handler(self.loop_exception)

    def uninstall(self) -> None:
        if sys.excepthook == self.excepthook:
            sys.excepthook = self._previous_excepthook
        if threading.excepthook == self._thread_hook:
            threading.excepthook = self._previous_thread_hook
        if self._loop is not None and not self._loop.is_closed():
            self._loop.set_exception_handler(None)
        self._loop = None

    def excepthook(
        self, kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous_excepthook(kind, value, tb)
            return
        self.report("unhandled exception", value, tb)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread else "a thread"
        self.report(f"unhandled exception in {name}", args.exc_value, args.exc_traceback)

    def loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exception = context.get("exception")
        message = str(context.get("message", "error in the event loop"))
        if isinstance(exception, BaseException):
            self.report(message, exception, exception.__traceback__)
        else:
            self.report(message, None, None)

    def report(self, what: str, value: BaseException | None, tb: TracebackType | None) -> None:
        """Log it (with the traceback) and queue it for the dialog. Never raises."""
        try:
            if value is None:
                text = what
                log.critical("%s", what)
            else:
                text = f"{what}:\n" + "".join(traceback.format_exception(type(value), value, tb))
                log.critical(
                    "%s: %s: %s",
                    what,
                    type(value).__name__,
                    value,
                    exc_info=(type(value), value, tb),
                )
            self._reported.emit(text)
        except Exception:  # the reporter must never become a second crash
            print("terminal: could not report an error", file=sys.stderr)

    def _show(self, text: str) -> None:
        if self.dialog is None:
            owner = self.parent()  # the main window, once there is one: the dialog stays on top
            self.dialog = CrashDialog(owner if isinstance(owner, QWidget) else None)
        self.dialog.add_report(text)
        self.dialog.show()
        self.dialog.raise_()
