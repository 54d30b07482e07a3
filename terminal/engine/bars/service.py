"""``engine.bars``: live bars for whoever asks, history, and the timer that closes bars on time.

The chart and each strategy subscribe the timeframes they need; each (symbol, timeframe) is
built once and shared. Closed bars go to the history store and onto the bus as
``BarEvent(bar, closed=True)``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from terminal.domain.events import BarEvent
from terminal.domain.market import Bar, Tick
from terminal.engine.bars.batch import resample_bars
from terminal.engine.bars.calendar import SessionCalendar
from terminal.engine.bars.store import BarStore
from terminal.engine.bars.streaming import BarStats, StreamingBars, VolumeMode
from terminal.engine.bars.timeframes import parse_timeframe
from terminal.engine.bus import EventBus
from terminal.engine.clock import Clock

log = logging.getLogger("terminal.bars")

TIMER_INTERVAL_S = 0.1


class BarService:
    """Session-aware bars of every subscribed timeframe, built once per (symbol, timeframe)."""

    timeframe = "1m"  # the default timeframe, always built for every symbol that ticks

    def __init__(
        self,
        bus: EventBus,
        clock: Clock,
        calendar_of: Callable[[str], SessionCalendar],
        *,
        keep: int = 2000,
        volume: VolumeMode = "cumulative",
        late_tolerance_ns: int = 500_000_000,
        store_dir: Path | None = None,
    ) -> None:
        self._bus = bus
        self._clock = clock
        self._calendar_of = calendar_of
        self.keep = keep
        self.store = BarStore()
        self.store_dir = store_dir
        self._subscribers: Counter[tuple[str, str]] = Counter()
        self.builder = StreamingBars(
            calendar_of,
            self._on_bar,
            volume=volume,
            late_tolerance_ns=late_tolerance_ns,
            default_timeframes=(self.timeframe,),
        )
        self.on_tick: Callable[[Tick], None] = self.builder.on_tick

    @property
    def stats(self) -> BarStats:
        return self.builder.stats

    # ---- subscriptions -----------------------------------------------------------------------
    def subscribe(self, symbol: str, timeframe: str = "1m") -> Callable[[], None]:
        """Build ``timeframe`` bars of ``symbol`` (shared); returns the unsubscriber.

        A new timeframe starts with history derived from the finer bars already held.
        """
        tf = parse_timeframe(timeframe)
        key = (symbol, tf.name)
        if not self._subscribers[key]:
            self.builder.subscribe(symbol, tf.name)
            self._derive_history(symbol, tf.name)
        self._subscribers[key] += 1

        def unsubscribe() -> None:
            if self._subscribers[key] > 0:
                self._subscribers[key] -= 1

        return unsubscribe

    def subscriptions(self, symbol: str) -> list[str]:
        return self.builder.timeframes(symbol)

    def _derive_history(self, symbol: str, timeframe: str) -> None:
        base = self.builder.base.name
        if timeframe == base or self.store.has(symbol, timeframe):
            return
        if not self.store.has(symbol, base):
            return
        try:
            derived = resample_bars(
                self.store.frame(symbol, base), self._calendar_of(symbol), timeframe
            )
        except ValueError as exc:
            log.warning("bars: no %s history for %s from %s bars: %s", timeframe, symbol, base, exc)
            return
        # The last derived bar may still be forming; the builder owns that one.
        forming = self.builder.forming(symbol, timeframe)
        if forming is not None:
            derived = derived[derived["start"] < forming.start]
        self.store.merge(derived)

    # ---- reading -------------------------------------------------------------------------------
    def history(self, symbol: str, timeframe: str = "1m") -> list[Bar]:
        """Closed bars, oldest first (the last ``keep``)."""
        return self.store.bars(symbol, timeframe, self.keep)

    def forming(self, symbol: str, timeframe: str = "1m") -> Bar | None:
        return self.builder.forming(symbol, timeframe)

    def seed(self, symbol: str, bars: list[Bar]) -> None:
        """Merge history bars from a feed (any timeframe, oldest first)."""
        self.store.extend([bar for bar in bars if bar.symbol == symbol])

    # ---- closing -------------------------------------------------------------------------------
    def _on_bar(self, bar: Bar, closed: bool) -> None:
        self.store.append(bar)
        self._bus.publish(BarEvent(bar, closed=closed))

    def close_due(self) -> int:
        return self.builder.close_due(self._clock.now_ns())

    async def run_timer(self, interval_s: float = TIMER_INTERVAL_S) -> None:
        """Close bars whose period has ended even when no further tick comes (breaks, close)."""
        while True:
            await asyncio.sleep(interval_s)
            self.close_due()

    # ---- persistence ---------------------------------------------------------------------------
    def load(self) -> None:
        if self.store_dir is not None:
            count = self.store.load(self.store_dir)
            if count:
                log.info("bars: loaded %d series from %s", count, self.store_dir)

    def save(self) -> None:
        stats = self.stats
        log.info(
            "bars: %d ticks used; dropped %d outside sessions, %d late, %d duplicates",
            stats.used,
            stats.outside_sessions,
            stats.late,
            stats.duplicates,
        )
        if self.store_dir is not None:
            try:
                count = self.store.save(self.store_dir)
            except OSError as exc:
                log.error("bars: could not save history to %s: %s", self.store_dir, exc)
                return
            log.info("bars: saved %d series to %s", count, self.store_dir)
