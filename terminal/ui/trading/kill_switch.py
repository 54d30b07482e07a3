"""The kill switch: one red button in the menu row, with its hotkey."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolButton, QWidget


class KillSwitchButton(QToolButton):
    """Red (style sheet: ``#killSwitch``), at the right end of the menu bar: always in
    sight, and it takes no row of its own. Pressing it or its key emits
    :attr:`kill_requested`, which the window confirms before acting."""

    kill_requested = Signal()

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("killSwitch")
        self.kill_action = QAction(self.tr("■ Kill switch"), self)
        self.kill_action.setShortcut(QKeySequence(key))
        self.kill_action.setToolTip(
            self.tr("Cancel all working orders and stop all strategies ({key})").format(key=key)
        )
        self.kill_action.triggered.connect(self.kill_requested)
        self.setDefaultAction(self.kill_action)

    def turn_off(self) -> None:
        """Hide the button and disable its key (a window with no orders to act on)."""
        self.hide()
        self.kill_action.setEnabled(False)
