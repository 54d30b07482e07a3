"""Clocks: the live wall clock, and a settable one for tests and replay."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now_ns(self) -> int:
        """Current time as UTC nanoseconds."""
        ...


class LiveClock:
    """The machine's wall clock."""

    def now_ns(self) -> int:
        return time.time_ns()


class ManualClock:
    """A clock that moves only when told to (tests, replay, a backtest). ``now`` is a plain
    attribute: a backtest moves it by storing to it, not by a call (twice a bar)."""

    def __init__(self, start_ns: int = 0) -> None:
        self.now = start_ns

    def now_ns(self) -> int:
        return self.now

    def set(self, ns: int) -> None:
        self.now = ns

    def advance(self, ns: int) -> None:
        self.now += ns
