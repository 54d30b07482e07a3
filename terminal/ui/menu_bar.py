"""The main window's menus: File, View (docks, new chart, theme, reset layout), Tools, Help."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget

import terminal
from terminal.ui.dialogs import inform
from terminal.ui.theme import THEMES


class WindowMenuBar(QMenuBar):
    """Each item emits a signal the window acts on; View lists the docks' own show/hide
    actions, then New chart, Theme and Reset layout."""

    open_replay_requested = Signal()
    quit_requested = Signal()
    new_chart_requested = Signal()
    theme_chosen = Signal(str)  # a name of THEMES
    reset_layout_requested = Signal()
    plugins_requested = Signal()
    test_email_requested = Signal()

    def __init__(
        self, dock_actions: list[QAction], theme_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        file_menu = self.addMenu("&File")
        self.open_replay_action = file_menu.addAction("Open &replay…")
        self.open_replay_action.setToolTip("Play a run's journal in a window of its own")
        self.open_replay_action.triggered.connect(self.open_replay_requested)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.quit_requested)
        self.view_menu = self.addMenu("&View")
        for action in dock_actions:
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        self.new_chart_action = self.view_menu.addAction("&New chart")
        self.new_chart_action.triggered.connect(self.new_chart_requested)
        themes = self.view_menu.addMenu("&Theme")
        group = QActionGroup(self)
        for name in THEMES:
            action = QAction(name.capitalize(), self, checkable=True)
            action.setChecked(name == theme_name)
            action.triggered.connect(lambda _=False, n=name: self.theme_chosen.emit(n))
            group.addAction(action)
            themes.addAction(action)
        self.reset_action = self.view_menu.addAction("&Reset layout")
        self.reset_action.triggered.connect(self.reset_layout_requested)
        tools = self.addMenu("&Tools")
        tools.addAction("&Plugins…").triggered.connect(self.plugins_requested)
        self.test_email_action = tools.addAction("Test &email…")
        self.test_email_action.triggered.connect(self.test_email_requested)
        help_menu = self.addMenu("&Help")
        help_menu.addAction("&About").triggered.connect(
            lambda: inform(self.window(), "About", f"Terminal {terminal.__version__}")
        )
