"""The main window's menus: File, View (docks, new chart, theme, language, reset layout),
Tools, Help."""

from __future__ import annotations

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

import terminal
from terminal.ui.dialogs import inform
from terminal.ui.i18n import LANGUAGES


class WindowMenuBar(QMenuBar):
    """Each item emits a signal the window acts on; View lists the docks' own show/hide
    actions, then New chart, Theme and Reset layout."""

    open_replay_requested = Signal()
    quit_requested = Signal()
    new_chart_requested = Signal()
    theme_chosen = Signal(str)  # a name of terminal.ui.theme.THEMES
    language_chosen = Signal(str)  # "auto" or a key of LANGUAGES
    reset_layout_requested = Signal()
    plugins_requested = Signal()
    test_email_requested = Signal()

    def __init__(
        self,
        dock_actions: list[QAction],
        theme_name: str,
        language: str = "auto",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        file_menu = self.addMenu(self.tr("&File"))
        self.open_replay_action = file_menu.addAction(self.tr("Open &replay…"))
        self.open_replay_action.setToolTip(self.tr("Play a run's journal in a window of its own"))
        self.open_replay_action.triggered.connect(self.open_replay_requested)
        file_menu.addSeparator()
        quit_action = file_menu.addAction(self.tr("&Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.quit_requested)
        self.view_menu = self.addMenu(self.tr("&View"))
        for action in dock_actions:
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        self.new_chart_action = self.view_menu.addAction(self.tr("&New chart"))
        self.new_chart_action.triggered.connect(self.new_chart_requested)
        theme_names = {"dark": self.tr("Dark"), "light": self.tr("Light")}
        self._choices(self.tr("&Theme"), theme_names, theme_name, self.theme_chosen)
        languages = {"auto": self.tr("As the system"), **LANGUAGES}
        self.language_menu = self._choices(
            self.tr("&Language"), languages, language, self.language_chosen
        )
        self.reset_action = self.view_menu.addAction(self.tr("&Reset layout"))
        self.reset_action.triggered.connect(self.reset_layout_requested)
        tools = self.addMenu(self.tr("&Tools"))
        tools.addAction(self.tr("&Plugins…")).triggered.connect(self.plugins_requested)
        self.test_email_action = tools.addAction(self.tr("Test &email…"))
        self.test_email_action.triggered.connect(self.test_email_requested)
        help_menu = self.addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("&About")).triggered.connect(
            lambda: inform(self.window(), self.tr("About"),
                           self.tr("Terminal {version}").format(version=terminal.__version__))
        )  # fmt: skip

    def _choices(
        self, title: str, names: dict[str, str], chosen: str, signal: SignalInstance
    ) -> QMenu:
        """A View submenu of exclusive choices, the ``chosen`` key checked; a choice emits
        ``signal`` with its key."""
        menu = self.view_menu.addMenu(title)
        group = QActionGroup(self)
        for key, name in names.items():
            action = QAction(name, self, checkable=True)
            action.setChecked(key == chosen)
            action.triggered.connect(lambda _=False, k=key: signal.emit(k))
            group.addAction(action)
            menu.addAction(action)
        return menu
