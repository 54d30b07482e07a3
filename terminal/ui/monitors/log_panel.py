"""The log dock: the activity (orders and strategies, see activity.py) and the engine's
messages, newest last; messages filtered by level, component and text.

The last ``MAX_LINES`` of each are kept, so changing a filter re-shows what it now lets
through. A line that repeats the one before it (the same level, component and message) is
shown once, with a count. Lines are copied with Ctrl+C (the selection), the context menu, or
*Copy shown*.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from datetime import datetime

from PySide6.QtGui import QFont, QGuiApplication, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.events import LogEvent

LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
MAX_LINES = 5000
ALL_COMPONENTS = "All components"
ACTIVITY, MESSAGES = 0, 1  # the views, in the order of their tabs


def format_line(event: LogEvent) -> str:
    return f"{datetime.fromtimestamp(event.ts):%H:%M:%S} {event.level:<7} {event.component}: " + (
        event.message
    )


class LineView(QPlainTextEdit):
    """Read-only monospace lines, newest last; a line whose key is the previous line's is
    folded into it: the later line shown once, with ``×count``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setMaximumBlockCount(MAX_LINES)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        self._last: tuple[Hashable, int] | None = None  # the last line's key and count

    def show_lines(self, lines: Iterable[tuple[Hashable, str]]) -> None:
        """Replace what is shown."""
        self.clear()
        self._last = None
        self.add_lines(lines)
        self.moveCursor(QTextCursor.MoveOperation.End)

    def add_lines(self, lines: Iterable[tuple[Hashable, str]]) -> None:
        """Append ``(key, text)`` lines; a repeat of the line before folds into it."""
        shown: list[str] = []
        for key, text in lines:
            if self._last is None or self._last[0] != key:
                self._last = (key, 1)
                shown.append(text)
                continue
            count = self._last[1] + 1
            self._last = (key, count)
            if shown:
                shown[-1] = f"{text}  ×{count}"
            else:
                self._replace_last_block(f"{text}  ×{count}")
        if shown:
            self.appendPlainText("\n".join(shown))

    def lines(self) -> list[str]:
        return self.toPlainText().splitlines()

    def _replace_last_block(self, text: str) -> None:
        cursor = QTextCursor(self.document().lastBlock())
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(text)


class LogPanel(QWidget):
    """Two views: *Activity* (lines from :class:`~terminal.ui.monitors.activity.ActivityFeed`,
    via :meth:`add_activity`) and *Messages* (:class:`LogEvent` lines at or above the chosen
    level, of the chosen component or all). The text filter (any case) applies to both; the
    Messages tab counts the warnings that came while it was not shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._events: deque[LogEvent] = deque(maxlen=MAX_LINES)
        self._activity: deque[str] = deque(maxlen=MAX_LINES)
        self._unseen_warnings = 0
        self.views = QTabBar()
        self.views.setObjectName("logViews")
        self.views.setDrawBase(False)
        self.views.addTab(self.tr("Activity"))
        self.views.addTab(self.tr("Messages"))
        self.level_label = QLabel(self.tr("Level"))
        self.level_box = QComboBox()
        self.level_box.addItems(LEVELS)
        self.level_box.setCurrentText("INFO")
        self.component_box = QComboBox()
        self.component_box.addItem(self.tr("All components"))
        self.component_box.setMinimumContentsLength(14)
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText(self.tr("Filter: text, symbol, order id…"))
        self.text_filter.setClearButtonEnabled(True)
        self.copy_button = QPushButton(self.tr("Copy shown"))
        self.copy_button.setToolTip(
            self.tr("Copy every line shown (Ctrl+C copies the selection)")
        )
        self.activity_view = LineView()
        self.text = LineView()  # the messages
        self.stack = QStackedWidget()
        self.stack.addWidget(self.activity_view)
        self.stack.addWidget(self.text)
        bar = QHBoxLayout()
        bar.addWidget(self.views)
        bar.addWidget(self.level_label)
        bar.addWidget(self.level_box)
        bar.addWidget(self.component_box)
        bar.addWidget(self.text_filter, 1)
        bar.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.stack)
        self.views.currentChanged.connect(self._on_view)
        self.level_box.currentTextChanged.connect(self._refilter)
        self.component_box.currentTextChanged.connect(self._refilter)
        self.text_filter.textChanged.connect(self._refilter)
        self.text_filter.textChanged.connect(self._refilter_activity)
        self.copy_button.clicked.connect(self.copy_shown)
        self._on_view(ACTIVITY)

    # ---- what comes in ----------------------------------------------------------------------
    def add(self, events: list[LogEvent]) -> None:
        """Engine messages (the Messages view)."""
        self._events.extend(events)
        self._learn_components(events)
        self.text.add_lines(_keyed(e) for e in events if self._passes(e))
        if self.views.currentIndex() != MESSAGES:
            warnings = sum(1 for e in events if _rank(e.level) >= LEVELS.index("WARNING"))
            if warnings:
                self._unseen_warnings += warnings
                self._title_messages()

    def add_activity(self, lines: list[str]) -> None:
        """Order and strategy lines (the Activity view)."""
        self._activity.extend(lines)
        self.activity_view.add_lines((line, line) for line in lines if self._shows(line))

    # ---- what is shown ------------------------------------------------------------------------
    def show_view(self, view: int) -> None:
        """``ACTIVITY`` or ``MESSAGES``."""
        self.views.setCurrentIndex(view)

    def lines(self) -> list[str]:
        """The messages shown."""
        return self.text.lines()

    def activity_lines(self) -> list[str]:
        return self.activity_view.lines()

    def copy_shown(self) -> None:
        shown = self.stack.currentWidget()
        if isinstance(shown, QPlainTextEdit):
            QGuiApplication.clipboard().setText(shown.toPlainText())

    def _on_view(self, view: int) -> None:
        self.stack.setCurrentIndex(view)
        for widget in (self.level_label, self.level_box, self.component_box):
            widget.setVisible(view == MESSAGES)  # they filter messages only
        if view == MESSAGES:
            self._unseen_warnings = 0
            self._title_messages()

    def _title_messages(self) -> None:
        title = self.tr("Messages")
        if self._unseen_warnings:
            title = self.tr("Messages ⚠ {count}").format(count=self._unseen_warnings)
        self.views.setTabText(MESSAGES, title)

    def _learn_components(self, events: list[LogEvent]) -> None:
        box = self.component_box
        known = {box.itemText(i) for i in range(1, box.count())}
        for name in sorted({e.component for e in events} - known):
            # Kept sorted after the "All" entry, so a long list stays easy to scan.
            row = 1
            while row < box.count() and box.itemText(row) < name:
                row += 1
            box.insertItem(row, name)

    def _shows(self, line: str) -> bool:
        needle = self.text_filter.text().strip().lower()
        return not needle or needle in line.lower()

    def _passes(self, event: LogEvent) -> bool:
        if _rank(event.level) < LEVELS.index(self.level_box.currentText()):
            return False
        box = self.component_box
        if box.currentIndex() > 0 and event.component != box.currentText():
            return False
        return self._shows(format_line(event))

    def _refilter(self, *_: object) -> None:
        self.text.show_lines(_keyed(e) for e in self._events if self._passes(e))

    def _refilter_activity(self, *_: object) -> None:
        self.activity_view.show_lines((line, line) for line in self._activity if self._shows(line))


def _keyed(event: LogEvent) -> tuple[Hashable, str]:
    """A message and what makes it the same as another: all but its time."""
    return (event.level, event.component, event.message), format_line(event)


def _rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else 1
