"""The trading toolbar: the kill switch button, with its hotkey."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar, QWidget


class KillSwitchBar(QToolBar):
    """One red button (style sheet: ``#killSwitch``); pressing it or its key emits
    :attr:`kill_requested`, which the window confirms before acting."""

    kill_requested = Signal()

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__("Trading", parent)
        self.setObjectName("tradingToolbar")  # the saved window state places it by this name
        self.setMovable(False)
        self.kill_action = QAction("■ Kill switch", self)
        self.kill_action.setShortcut(QKeySequence(key))
        self.kill_action.setToolTip(
            f"Cancel all working orders and stop all strategies ({key})"
        )
        self.kill_action.triggered.connect(self.kill_requested)
        self.addAction(self.kill_action)
        self.widgetForAction(self.kill_action).setObjectName("killSwitch")

    def turn_off(self) -> None:
        """Hide the bar and disable its key (a window with no orders to act on)."""
        self.hide()
        self.kill_action.setEnabled(False)
