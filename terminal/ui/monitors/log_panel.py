"""The log dock: engine log lines, newest last, filtered by level, component and text.

The last ``MAX_LINES`` events are kept, so changing a filter re-shows what it now lets
through. Lines are copied with Ctrl+C (the selection), the context menu, or *Copy shown*.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime

from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.events import LogEvent

LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
MAX_LINES = 5000
ALL_COMPONENTS = "All components"


def format_line(event: LogEvent) -> str:
    return f"{datetime.fromtimestamp(event.ts):%H:%M:%S} {event.level:<7} {event.component}: " + (
        event.message
    )


class LogPanel(QWidget):
    """Shows :class:`LogEvent` lines at or above the chosen level, of the chosen component
    (or all), containing the filter text (case-insensitive)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._events: deque[LogEvent] = deque(maxlen=MAX_LINES)
        self.level_box = QComboBox()
        self.level_box.addItems(LEVELS)
        self.level_box.setCurrentText("INFO")
        self.component_box = QComboBox()
        self.component_box.addItem(ALL_COMPONENTS)
        self.component_box.setMinimumContentsLength(14)
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Filter: text, symbol, order id…")
        self.text_filter.setClearButtonEnabled(True)
        self.copy_button = QPushButton("Copy shown")
        self.copy_button.setToolTip("Copy every line shown (Ctrl+C copies the selection)")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(MAX_LINES)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(font)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Level"))
        bar.addWidget(self.level_box)
        bar.addWidget(self.component_box)
        bar.addWidget(self.text_filter, 1)
        bar.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.text)
        self.level_box.currentTextChanged.connect(self._refilter)
        self.component_box.currentTextChanged.connect(self._refilter)
        self.text_filter.textChanged.connect(self._refilter)
        self.copy_button.clicked.connect(self.copy_shown)

    def add(self, events: list[LogEvent]) -> None:
        self._events.extend(events)
        self._learn_components(events)
        lines = [format_line(e) for e in events if self._passes(e)]
        if lines:
            self.text.appendPlainText("\n".join(lines))

    def lines(self) -> list[str]:
        return self.text.toPlainText().splitlines()

    def copy_shown(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())

    def _learn_components(self, events: list[LogEvent]) -> None:
        box = self.component_box
        known = {box.itemText(i) for i in range(box.count())}
        for name in sorted({e.component for e in events} - known):
            # Kept sorted after the "All" entry, so a long list stays easy to scan.
            row = 1
            while row < box.count() and box.itemText(row) < name:
                row += 1
            box.insertItem(row, name)

    def _passes(self, event: LogEvent) -> bool:
        if _rank(event.level) < LEVELS.index(self.level_box.currentText()):
            return False
        component = self.component_box.currentText()
        if component != ALL_COMPONENTS and event.component != component:
            return False
        needle = self.text_filter.text().strip().lower()
        return not needle or needle in format_line(event).lower()

    def _refilter(self, *_: object) -> None:
        self.text.setPlainText("\n".join(format_line(e) for e in self._events if self._passes(e)))
        self.text.moveCursor(self.text.textCursor().MoveOperation.End)


def _rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else 1
