"""The chart's history line: what a background history fetch for the shown symbol and
timeframe is doing (requests answered, bars received), that it is done, or why it failed."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from terminal.domain.enums import HistoryState
from terminal.domain.events import HistoryProgress
from terminal.ui.bridge import EngineBridge

DONE_SHOWN_MS = 4000


class HistoryStatus(QLabel):
    """Hidden unless a fetch for the followed symbol and timeframe is running, has just
    finished (for a few seconds), or has failed (until the chart shows something else)."""

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartHistory")
        self._key = ("", "")
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self.hide)
        self.hide()
        bridge.history_progress.connect(self._on_progress)

    def follow(self, symbol: str, timeframe: str, fetching: bool) -> None:
        """Show the fetches of ``symbol`` ``timeframe`` from now on; ``fetching``: one began."""
        self._key = (symbol, timeframe)
        self._hide_timer.stop()
        self.setStyleSheet("")
        self.setToolTip("")
        self.setText(self.tr("History: fetching…"))
        self.setVisible(fetching)

    def _on_progress(self, changed: dict[tuple[str, str], HistoryProgress]) -> None:
        event = changed.get(self._key)
        if event is not None:
            self.show_progress(event)

    def show_progress(self, event: HistoryProgress) -> None:
        self._hide_timer.stop()
        self.setStyleSheet("")
        self.setToolTip(event.detail)
        if event.state is HistoryState.RUNNING:
            self.setText(self.tr("History: {source} {done}/{total} · {bars} bars").format(
                source=event.source, done=event.done, total=event.total, bars=f"{event.bars:,}"
            ))
        elif event.state is HistoryState.DONE:
            self.setText(self.tr("History: {bars} bars from {source}").format(
                bars=f"{event.bars:,}", source=event.source
            ) + (" ⚠" if event.detail else ""))
            self._hide_timer.start(DONE_SHOWN_MS)
        else:
            self.setStyleSheet("color: #e05252;")
            self.setText(self.tr("History failed: {detail}").format(detail=event.detail))
        self.show()
