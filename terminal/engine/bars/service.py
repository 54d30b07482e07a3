"""``engine.bars``: live bars for whoever asks, history, and the timer that closes bars on time.

The chart and each strategy subscribe the timeframes they need; each (symbol, timeframe) is
built once and shared. Closed bars go to the history store and onto the bus as
``BarEvent(bar, closed=True)``.

History comes from the feed at start (``seed``), from finer stored bars when a timeframe is
first subscribed, and from a history source (the backfill) on request (``request_history``,
``merge_history``). Of what history holds, the closed periods go to the store; the period in
progress goes to the live builder as the start of its forming bar, never into the store: one
bar per period, and today's bar holds the whole day.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from terminal.domain.events import BarEvent
from terminal.domain.market import Bar, Tick
from terminal.engine.bars.batch import frame_to_bars, resample_bars
from terminal.engine.bars.calendar import SessionCalendar
from terminal.engine.bars.store import BarStore
from terminal.engine.bars.streaming import BarStats, StreamingBars, VolumeMode
from terminal.engine.bars.timeframes import parse_timeframe
from terminal.engine.bus import EventBus
from terminal.engine.clock import Clock

log = logging.getLogger("terminal.bars")

TIMER_INTERVAL_S = 0.1


class HistorySource(Protocol):
    """Fetches missing history in the background (the engine's backfill)."""

    def request(
        self, symbol: str, timeframe: str, count: int | None = None
    ) -> asyncio.Future[Any] | None: ...


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
        self._calendar_of = self.calendar_of = calendar_of
        self.keep = keep
        self.store = BarStore()
        self.store_dir = store_dir
        self._subscribers: Counter[tuple[str, str]] = Counter()
        self.history_source: HistorySource | None = None
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
        """Bars of ``timeframe`` from the stored base bars newer than its own stored ones."""
        base = self.builder.base.name
        if timeframe == base or not self.store.has(symbol, base):
            return
        frame = self.store.frame(symbol, base)
        held = self.store.series(symbol, timeframe)
        last_held = int(held.start[held.size - 1]) if held.size else None
        if last_held is not None:
            frame = frame[frame["start"] >= last_held]
        try:
            derived = resample_bars(frame, self._calendar_of(symbol), timeframe)
        except ValueError as exc:
            log.warning("bars: no %s history for %s from %s bars: %s", timeframe, symbol, base, exc)
            return
        if last_held is not None:
            derived = derived[derived["start"] > last_held]
        covered = int(frame["start"].iloc[-1]) + self.builder.base.length_ns if len(frame) else 0
        self.merge_history(symbol, timeframe, derived, covered)

    def merge_history(
        self, symbol: str, timeframe: str, frame: pd.DataFrame, covered: int | None = None
    ) -> int:
        """Merge history bars of one symbol and timeframe (any order): closed periods into the
        store, where they replace held bars of the same start; the period still in progress
        (held up to ``covered``, by default now) into the forming bar. Returns bars stored."""
        if frame.empty:
            return 0
        now = self._clock.now_ns()
        tf = parse_timeframe(timeframe)
        period = self._calendar_of(symbol).forming_period(tf, now)
        starts = frame["start"].to_numpy(np.int64)
        closed = starts < (period[0] if period is not None else now)
        self.store.merge(frame[closed])
        partial = frame[~closed & (starts == (period[0] if period else -1))]
        if period is not None and len(partial) and tf.name != self.builder.base.name:
            bar = frame_to_bars(partial.tail(1))[0]
            self.builder.seed(symbol, tf.name, bar, period[1], now if covered is None else covered)
        return int(closed.sum())

    def request_history(
        self, symbol: str, timeframe: str = "1m", count: int | None = None
    ) -> asyncio.Future[Any] | None:
        """Have the history source fetch what the store lacks of the newest ``count`` bars (by
        default ``keep``) in the background; None when there is nothing to fetch or no source.
        The future is done once the bars are merged."""
        if self.history_source is None:
            return None
        return self.history_source.request(symbol, timeframe, count or self.keep)

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
