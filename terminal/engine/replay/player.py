"""Playing a journal at a chosen speed: the clock-driven task behind a replay in the GUI.

Qt-free. The player owns the position in a list of journal records and hands each one, in
file order, to ``apply`` (the replay engine). Pacing follows the records' timestamps: at speed
``s`` a record recorded ``d`` ns after the previous one is applied ``d / s`` ns of wall time
after it (an idle gap longer than ``max_gap_ns`` counts as ``max_gap_ns``, so a journal that
spans a night does not sit still for hours). Speed ``None`` is "max": as fast as the records
can be applied, in slices of ``slice_s`` seconds with a yield to the loop between slices, so a
GUI on the same loop repaints and takes input throughout.

The wall clock is injected (:class:`WallClock`), so tests pace a replay on a manual clock
without sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from terminal.engine import journal as j

log = logging.getLogger("terminal.replay")

SPEEDS: dict[str, float | None] = {"1×": 1.0, "10×": 10.0, "max": None}
"""The speeds offered in the GUI; ``None`` is as fast as possible."""
SLICE_S = 0.008
"""Longest run of records applied without yielding to the loop (the heartbeat ticks at 20 ms)."""
MAX_GAP_NS = 5_000_000_000


class WallClock(Protocol):
    """Where the player reads the time and waits: the loop's clock, or a manual one in tests."""

    def monotonic(self) -> float:
        """Seconds, only ever increasing."""
        ...

    async def wait(self, seconds: float, wake: asyncio.Event) -> None:
        """Return after ``seconds``, or as soon as ``wake`` is set; ``0``: only yield."""
        ...


class LoopWall:
    """The real clock: ``time.monotonic`` and the loop's timers."""

    def monotonic(self) -> float:
        return time.monotonic()

    async def wait(self, seconds: float, wake: asyncio.Event) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), seconds)


def event_time(record: j.Record) -> int:
    """When the event happened at the exchange: a tick's own time, else when it was recorded."""
    return record.tick.ts if isinstance(record, j.TickRec) else record.ts


class ReplayPlayer:
    """Applies ``records`` in order, paced at ``speed`` (``None``: max); pause, resume, step.

    ``run()`` is the task; the other methods are called from the GUI (same loop) at any time.
    ``on_finished`` callbacks run once, when the last record has been applied.
    """

    def __init__(
        self,
        records: Sequence[j.Record],
        apply: Callable[[j.Record], None],
        *,
        speed: float | None = 1.0,
        paused: bool = False,
        wall: WallClock | None = None,
        slice_s: float = SLICE_S,
        max_gap_ns: int = MAX_GAP_NS,
    ) -> None:
        self._records = records
        self._apply = apply
        self.speed = speed
        self.paused = paused
        self.wall: WallClock = wall or LoopWall()
        self.slice_s = slice_s
        self.max_gap_ns = max_gap_ns
        self.position = 0
        """Records applied so far; the next one is ``records[position]``."""
        self.event_ns = event_time(records[0]) if records else 0
        """Exchange time of the last event applied (the replay clock)."""
        self.errors = 0
        self.finished = False
        self.on_finished: list[Callable[[], None]] = []
        self._wake = asyncio.Event()
        self._last_ts = records[0].ts if records else 0
        self._paced_ns = 0  # recorded time so far, idle gaps capped
        self._anchor: tuple[float, int] | None = None  # (wall s, paced ns) pacing origin

    @property
    def total(self) -> int:
        return len(self._records)

    @property
    def playing(self) -> bool:
        return not self.paused and not self.finished

    # ---- control (from the GUI) -----------------------------------------------------------
    def play(self, speed: float | None) -> None:
        """Play at ``speed`` (``None``: max) from where it is."""
        self.speed = speed
        self.paused = False
        self._repace()

    def pause(self) -> None:
        self.paused = True
        self._repace()

    def resume(self) -> None:
        self.play(self.speed)

    def step(self) -> bool:
        """Pause, then apply exactly the next record. False when there is none left."""
        self.pause()
        if self.position >= self.total:
            return False
        self._apply_next()
        return True

    def _repace(self) -> None:
        """Pace from now on: time spent paused, or at another speed, is not caught up."""
        self._anchor = None
        self._wake.set()

    # ---- the task -------------------------------------------------------------------------
    async def run(self) -> None:
        """Play until the last record is applied (or the task is cancelled)."""
        while self.position < self.total:
            if self.paused:
                self._wake.clear()
                await self._wake.wait()
            else:
                await self._play_slice()

    async def _play_slice(self) -> None:
        self._wake.clear()
        wall, speed = self.wall, self.speed
        if self._anchor is None:
            self._anchor = (wall.monotonic(), self._paced_ns)
        deadline = wall.monotonic() + self.slice_s
        while self.position < self.total:
            if speed is not None:
                wait = self._due(speed) - wall.monotonic()
                if wait > 0:
                    await wall.wait(wait, self._wake)  # a pause or a new speed wakes it early
                    return
            self._apply_next()
            if wall.monotonic() >= deadline:
                break
        await wall.wait(0, self._wake)  # let the GUI paint and take input

    def _next_paced(self) -> int:
        gap = self._records[self.position].ts - self._last_ts
        return self._paced_ns + min(max(gap, 0), self.max_gap_ns)

    def _due(self, speed: float) -> float:
        """Wall time at which the next record is due."""
        assert self._anchor is not None
        wall0, paced0 = self._anchor
        return wall0 + (self._next_paced() - paced0) / speed / 1e9

    def _apply_next(self) -> None:
        record = self._records[self.position]
        self._paced_ns = self._next_paced()
        self._last_ts = record.ts
        self.position += 1
        self.event_ns = event_time(record)
        try:
            self._apply(record)
        except Exception:  # a bug in replaying one record must not end the replay
            self.errors += 1
            log.exception(
                "replay: record %d (%s at %d) failed", self.position, type(record).__name__,
                record.ts,
            )
        if self.position == self.total:
            self._finish()

    def _finish(self) -> None:
        self.finished = True
        self._wake.set()
        for callback in self.on_finished:
            callback()
