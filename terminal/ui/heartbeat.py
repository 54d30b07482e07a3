"""Measures how responsive the GUI loop is: a timer that notes how late each beat fires.

A beat that fires 40 ms late means a click or a repaint would also have waited 40 ms. The
last ``window`` lateness samples are kept (bounded memory) for percentiles.
"""

from __future__ import annotations

import gc
import time
from collections import deque

from PySide6.QtCore import QObject, Qt, QTimer


class LoopHeartbeat(QObject):
    """Fires every ``interval_ms`` on the GUI loop and records each beat's lateness in ms."""

    def __init__(
        self, interval_ms: int = 20, window: int = 3000, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.samples: deque[float] = deque(maxlen=window)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._beat)
        self._last = 0.0

    def start(self) -> None:
        self.samples.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _beat(self) -> None:
        now = time.perf_counter()
        self.samples.append(max(0.0, (now - self._last) * 1000.0 - self.interval_ms))
        self._last = now

    def percentile(self, pct: float) -> float:
        """The ``pct`` percentile of lateness in ms over the window (0 before any beat)."""
        if not self.samples:
            return 0.0
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100.0))]


def freeze_startup_heap() -> None:
    """Move everything alive after start-up out of the garbage collector's reach.

    A full (oldest-generation) collection walks every tracked object: with the window, the
    engine and their libraries loaded that is a pause of tens of milliseconds, sometimes over
    a hundred, at random moments while ticks allocate. Start-up objects live as long as the
    process, so scanning them again finds nothing; frozen, a full collection walks only what
    was made since. (A reference cycle among frozen objects would never be collected; start-up
    state does not drop such cycles.)
    """
    gc.collect()
    gc.freeze()
