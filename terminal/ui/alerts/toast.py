"""An in-window notification: messages stacked in the top right corner of a window, each gone
after a while or when clicked (where the desktop has no tray to show them)."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

MARGIN = 12
MAX_WIDTH = 460  # a longer line is cut short with "…"
SHOWN_MS = 12_000
MAX_SHOWN = 4


class ToastMessage(QLabel):
    """One message: the title in bold over the text; a click dismisses it."""

    def __init__(self, title: str, text: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.title, self.body = title, text
        self.setObjectName("toastMessage")
        metrics = self.fontMetrics()

        def fit(line: str) -> str:
            cut = metrics.elidedText(line, Qt.TextElideMode.ElideRight, MAX_WIDTH)
            return html.escape(cut)

        lines = "<br>".join(fit(line) for line in text.splitlines())
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setText(f"<b>{fit(title)}</b><br>{lines}")
        self.setToolTip(self.tr("Click to dismiss"))

    def plain(self) -> str:
        return f"{self.title}\n{self.body}"

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()
        owner = self.parentWidget()
        if isinstance(owner, Toast):
            owner.dismiss(self)


class Toast(QFrame):
    """Messages over ``window``'s top right corner, newest on top, at most ``MAX_SHOWN``."""

    def __init__(self, window: QWidget, shown_ms: int = SHOWN_MS) -> None:
        super().__init__(window)
        self.setObjectName("toast")
        self.shown_ms = shown_ms
        self.messages: list[ToastMessage] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self._layout.setSpacing(6)
        window.installEventFilter(self)
        self.hide()

    def show_message(self, title: str, text: str) -> ToastMessage:
        message = ToastMessage(title, text, self)
        self.messages.insert(0, message)
        self._layout.insertWidget(0, message)
        message.show()  # now: the layout leaves a hidden child out of the size
        for old in self.messages[MAX_SHOWN:]:
            self.dismiss(old)
        # The message is the timer's context: a message (or window) gone takes its timer along.
        QTimer.singleShot(self.shown_ms, message, lambda: self.dismiss(message))
        self.show()
        self.raise_()
        self._place()
        return message

    def dismiss(self, message: ToastMessage) -> None:
        if message not in self.messages:
            return
        self.messages.remove(message)
        self._layout.removeWidget(message)
        message.deleteLater()
        if self.messages:
            self._place()
        else:
            self.hide()

    def texts(self) -> list[str]:
        """What is shown now (title, a new line, the text), newest first."""
        return [message.plain() for message in self.messages]

    def set_colors(self, background: str, foreground: str, border: str) -> None:
        self.setStyleSheet(
            f"QFrame#toast {{ background: {background}; border: 1px solid {border};"
            f" border-radius: 4px; }}"
            f" QLabel#toastMessage {{ color: {foreground}; background: transparent; }}"
        )

    def _place(self) -> None:
        window = self.parentWidget()
        if window is None:
            return
        self._layout.activate()  # the new message's size counts now, not at the next event
        self.adjustSize()
        top = MARGIN
        menu = getattr(window, "menuWidget", lambda: None)()
        if isinstance(menu, QWidget) and menu.isVisible():
            top += menu.height()
        self.move(window.width() - self.width() - MARGIN, top)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return False
