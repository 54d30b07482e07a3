"""Load shedding between the feeds and the bus.

Feeds hand ticks to a :class:`TickConflator` instead of publishing them. While the engine keeps
up, a tick is published at once. A burst that would keep the loop busy for more than
``budget_s`` in one turn is queued instead and published in slices of at most ``budget_s``,
so the loop (and the GUI on it) gets a turn between slices. When ticks arrive faster than the engine
processes them and the queue passes ``max_backlog``, the conflator sheds load: further ticks
of a symbol replace that symbol's waiting tick (quotes are conflated) instead of queueing.

Nothing traded is lost: a tick carries the day's *cumulative* volume and turnover, so the
surviving tick still accounts for every trade of the ones it replaced. A waiting tick is never
replaced by one from the next minute (bars would move volume across the minute boundary);
it is queued instead. Memory is bounded: the queue by ``max_backlog`` plus one tick per symbol
and minute boundary, the conflated set by the number of symbols.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

import msgspec

from terminal.domain.market import Tick

MINUTE_NS = 60_000_000_000


class ConflationStats(msgspec.Struct, frozen=True):
    """What the status bar shows: is load being shed, and how much."""

    shedding: bool
    backlog: int  # ticks waiting to be published
    conflated: int  # ticks replaced by a newer one of the same symbol, since start
    published: int


class TickConflator:
    """Queues ticks from feeds and publishes them on the loop, conflating under overload."""

    def __init__(
        self,
        publish: Callable[[Tick], None],
        max_backlog: int = 5_000,
        budget_s: float = 0.008,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._publish = publish
        self.max_backlog = max_backlog
        self.budget_s = budget_s
        self._clock = clock
        self._queue: deque[Tick] = deque()
        self._latest: dict[str, Tick] = {}  # conflated ticks, waiting behind the queue
        self._scheduled = False
        self._turn_started: float | None = None  # when this loop turn's direct publishing began
        self.shedding = False
        self.conflated = 0
        self.published = 0

    def submit(self, tick: Tick) -> None:
        """Take one tick from a feed (called on the loop's thread)."""
        if not self._queue and not self._latest and self._turn_has_time():
            self._publish(tick)
            self.published += 1
            return
        if not self.shedding and len(self._queue) >= self.max_backlog:
            self.shedding = True
        if self.shedding:
            held = self._latest.get(tick.symbol)
            if held is not None:
                if held.ts // MINUTE_NS == tick.ts // MINUTE_NS:
                    self.conflated += 1
                else:
                    self._queue.append(held)  # keep the minute's volume in its own bar
                del self._latest[tick.symbol]  # re-insert: the dict stays in arrival order
            self._latest[tick.symbol] = tick
        else:
            self._queue.append(tick)
        self._schedule()

    def stats(self) -> ConflationStats:
        return ConflationStats(self.shedding, self.backlog, self.conflated, self.published)

    @property
    def backlog(self) -> int:
        return len(self._queue) + len(self._latest)

    def drain(self) -> bool:
        """The scheduled callback: publish one slice; True when nothing is left waiting."""
        self._scheduled = False
        self._publish_slice()
        if self.backlog:
            self._schedule()
            return False
        self.shedding = False
        return True

    def flush(self) -> None:
        """Publish everything waiting now (at shutdown, or where no loop is running)."""
        while self.backlog:
            self._publish_slice()
        self.shedding = False

    def _publish_slice(self) -> None:
        """Publish for at most ``budget_s``: the queue first, then the conflated ticks."""
        deadline = self._clock() + self.budget_s
        queue, latest, publish, clock = self._queue, self._latest, self._publish, self._clock
        count = 0
        while queue or latest:
            publish(queue.popleft() if queue else latest.pop(next(iter(latest))))
            count += 1
            if count % 32 == 0 and clock() >= deadline:
                break
        self.published += count

    def _turn_has_time(self) -> bool:
        now = self._clock()
        if self._turn_started is None:
            try:
                asyncio.get_running_loop().call_soon(self._end_turn)
            except RuntimeError:
                return True  # no loop: nothing else is waiting for a turn
            self._turn_started = now
        return now - self._turn_started < self.budget_s

    def _end_turn(self) -> None:
        self._turn_started = None

    def _schedule(self) -> None:
        if self._scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()  # no loop (a plain script or test): publish synchronously
            return
        self._scheduled = True
        loop.call_soon(self.drain)
