"""The log dock: engine log lines, newest last, filterable by level."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from terminal.domain.events import LogEvent

LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
MAX_LINES = 5000


class LogPanel(QWidget):
    """Shows :class:`LogEvent` lines at or above the chosen level."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level_box = QComboBox()
        self.level_box.addItems(LEVELS)
        self.level_box.setCurrentText("INFO")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(MAX_LINES)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(font)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Level"))
        bar.addWidget(self.level_box)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.text)

    def add(self, events: list[LogEvent]) -> None:
        threshold = LEVELS.index(self.level_box.currentText())
        lines = [
            f"{datetime.fromtimestamp(e.ts):%H:%M:%S} {e.level:<7} {e.component}: {e.message}"
            for e in events
            if _rank(e.level) >= threshold
        ]
        if lines:
            self.text.appendPlainText("\n".join(lines))

    def lines(self) -> list[str]:
        return self.text.toPlainText().splitlines()


def _rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else 1
