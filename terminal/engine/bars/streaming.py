"""The live bar builder: ticks → bars of every subscribed timeframe, one tick at a time.

Only the finest (base) timeframe is touched per tick, through a short hot path on a plain
list; every other timeframe is folded from closed base bars, so six timeframes cost about
what one does. Anything unusual — a new bar, a tick outside sessions, a late or duplicate
tick, a cumulative volume that went backwards — leaves the hot path for :meth:`_slow`.

Volume rules (shared with :mod:`terminal.engine.bars.batch`): with cumulative feeds, bar
volume is the rise of the day volume over the previous in-order tick; a fall (feed restart)
re-bases without adding anything; the first tick of a trading day brings its whole day
volume only if it arrives in the day's first minute (the opening auction), otherwise it is
the baseline (engine started mid-day). Late ticks (older than the newest seen) within
``late_tolerance_ns`` and still inside the forming bar update its high/low and tick count;
other late ticks and exact duplicates are counted and dropped.

History meets live in the period in progress: :meth:`StreamingBars.seed` hands a higher
timeframe the part of its current period that history holds (derived from stored finer bars,
or a vendor's bar for today), and live bars fold in after it, so the period is one forming bar.
A day bar also takes the feed's own day open, high, low and volume (cumulative feeds whose ticks
carry them) when the first tick of the day came after the open: what traded before the terminal
watched is not lost.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import Literal

import msgspec

from terminal.domain.market import NO_LAST, Bar, Tick
from terminal.engine.bars.calendar import SessionCalendar
from terminal.engine.bars.forming import Forming, with_feed_day
from terminal.engine.bars.timeframes import MINUTE_NS, Timeframe, parse_timeframe

log = logging.getLogger("terminal.bars")

VolumeMode = Literal["cumulative", "delta"]
BarSink = Callable[[Bar, bool], None]

# Slots of the per-symbol hot list.
LAST_TS, END, HIGH, LOW, LAST, COUNT, VOL, TURN = range(8)
DROP_LOG_INTERVAL_S = 60.0
"""Dropped ticks are logged as one summary line at most this often (a whole market polled
outside its sessions would otherwise write a line per instrument)."""


class BarStats(msgspec.Struct):
    """Tick counts of a builder: what went into bars and what was dropped, and why."""

    used: int = 0
    outside_sessions: int = 0
    late: int = 0
    duplicates: int = 0
    volume_resets: int = 0
    untraded: int = 0
    """Quotes with no last price (NO_LAST): shown, never put into a bar."""

    @property
    def dropped(self) -> int:
        return self.outside_sessions + self.late + self.duplicates


class _Symbol:
    """Slow-path state of one symbol."""

    __slots__ = (
        "aggs",
        "bar_end",
        "bar_open",
        "calendar",
        "day_before",
        "day_start",
        "hot",
        "open",
        "segment",
        "start",
        "timeframes",
        "to_base",
        "to_carry",
        "vol_base",
        "vol_carry",
    )

    def __init__(self, calendar: SessionCalendar) -> None:
        self.calendar = calendar
        self.hot: list | None = None
        self.bar_open = False
        self.start = self.bar_end = self.segment = 0
        self.day_start = -1
        self.day_before: tuple[float, float] | None = None
        """Day volume and turnover before the day's first tick seen, when it came after the
        opening minute (None: the day was watched from its open)."""
        self.open = 0.0
        self.vol_base = self.to_base = self.vol_carry = self.to_carry = 0.0
        self.timeframes: dict[str, Timeframe] = {}
        self.aggs: dict[str, Forming | None] = {}


class StreamingBars:
    """Session-aware live bars for many symbols; emits ``sink(bar, closed)`` on every close."""

    def __init__(
        self,
        calendar_of: Callable[[str], SessionCalendar],
        sink: BarSink,
        *,
        base: str = "1m",
        volume: VolumeMode = "cumulative",
        late_tolerance_ns: int = 500_000_000,
        default_timeframes: tuple[str, ...] = (),
    ) -> None:
        self.base = parse_timeframe(base)
        if not self.base.intraday or self.base.length_ns > MINUTE_NS:
            raise ValueError(f"base timeframe must be 1s…1m, got '{base}'")
        self.calendar_of = calendar_of
        self.sink = sink
        self.volume_mode = volume
        self.late_tolerance_ns = late_tolerance_ns
        self._stats = BarStats()
        self.default_timeframes = default_timeframes
        self._hot: dict[str, list] = {}
        self._symbols: dict[str, _Symbol] = {}
        self._drops: Counter[str] = Counter()  # by reason, since the last summary line
        self._dropped_symbols: set[str] = set()
        self._next_drop_log = 0.0
        self.on_tick = self._on_tick_cumulative if volume == "cumulative" else self._on_tick_delta

    @property
    def stats(self) -> BarStats:
        """Counts so far; ``used`` includes the ticks of bars still forming."""
        forming = sum(sym.hot[COUNT] for sym in self._symbols.values() if sym.bar_open and sym.hot)
        return msgspec.structs.replace(self._stats, used=self._stats.used + forming)

    # ---- subscriptions -------------------------------------------------------------------
    def subscribe(self, symbol: str, timeframe: str) -> None:
        """Build ``timeframe`` bars for ``symbol`` from now on (idempotent)."""
        tf = parse_timeframe(timeframe)
        if tf.intraday and tf.length_ns < self.base.length_ns:
            raise ValueError(f"timeframe '{timeframe}' is finer than the base '{self.base.name}'")
        if tf.intraday and tf.length_ns % self.base.length_ns:
            raise ValueError(f"timeframe '{timeframe}' is not a multiple of '{self.base.name}'")
        sym = self._symbol(symbol)
        if tf.name not in sym.timeframes:
            sym.timeframes[tf.name] = tf
            if tf != self.base:
                sym.aggs[tf.name] = None

    def timeframes(self, symbol: str) -> list[str]:
        sym = self._symbols.get(symbol)
        return list(sym.timeframes) if sym else []

    def seed(self, symbol: str, timeframe: str, bar: Bar, end: int, covered: int) -> None:
        """History of ``timeframe``'s period in progress (``bar.start`` to ``end``) up to
        ``covered``: it becomes the forming bar, and live base bars fold into it from then on."""
        if timeframe == self.base.name:
            raise ValueError(f"the base timeframe '{timeframe}' forms from ticks only")
        sym = self._symbol(symbol)
        self.subscribe(symbol, timeframe)
        sym.aggs[timeframe] = Forming(bar.start, end, bar, covered)

    def _symbol(self, symbol: str) -> _Symbol:
        sym = self._symbols.get(symbol)
        if sym is None:
            sym = self._symbols[symbol] = _Symbol(self.calendar_of(symbol))
            for timeframe in self.default_timeframes:
                self.subscribe(symbol, timeframe)
        return sym

    # ---- the hot paths -------------------------------------------------------------------
    def _on_tick_cumulative(self, tick: Tick) -> None:
        s = self._hot.get(tick.symbol)
        if s is not None:
            ts = tick.ts
            if s[0] < ts < s[1] and tick.volume >= s[4].volume:
                px = tick.last
                if px > s[2]:
                    s[2] = px
                elif px < s[3]:
                    if px <= NO_LAST:  # a quote with no last price is not a trade
                        self._stats.untraded += 1
                        return
                    s[3] = px
                s[0] = ts
                s[4] = tick
                s[5] += 1
                return
        self._slow(tick, s)

    def _on_tick_delta(self, tick: Tick) -> None:
        # A second copy of the hot path rather than a mode test on every tick.
        s = self._hot.get(tick.symbol)
        if s is not None:
            ts = tick.ts
            if s[0] < ts < s[1]:
                px = tick.last
                if px > s[2]:
                    s[2] = px
                elif px < s[3]:
                    if px <= NO_LAST:
                        self._stats.untraded += 1
                        return
                    s[3] = px
                s[0] = ts
                s[4] = tick
                s[5] += 1
                s[6] += tick.volume
                s[7] += tick.turnover
                return
        self._slow(tick, s)

    # ---- the slow path -------------------------------------------------------------------
    def _slow(self, tick: Tick, s: list | None) -> None:
        if tick.last <= NO_LAST:  # no last price (before the first trade, suspended)
            self._stats.untraded += 1
            return
        sym = self._symbol(tick.symbol)
        ts = tick.ts
        if s is not None:
            last: Tick = s[LAST]
            if ts < s[LAST_TS] or (ts == s[LAST_TS] and _same(tick, last)):
                self._late(tick, sym, s)
                return
            if sym.bar_open and ts < s[END]:
                self._apply_in_order(tick, sym, s)
                return
            if sym.bar_open:
                self._close_base(tick.symbol, sym)
        segment = sym.calendar.locate(ts)
        if s is not None:
            self._close_aggs(tick.symbol, sym, ts, segment)
        if segment < 0:
            self._stats.outside_sessions += 1
            self._note_drop(tick, "outside sessions")
            return
        self._open_base(tick, sym, s, segment)

    def _apply_in_order(self, tick: Tick, sym: _Symbol, s: list) -> None:
        last: Tick = s[LAST]
        if self.volume_mode == "cumulative" and tick.volume < last.volume:
            # The feed restarted its day count: keep what the bar had, re-base on this tick.
            self._stats.volume_resets += 1
            sym.vol_carry += last.volume - sym.vol_base
            sym.to_carry += last.turnover - sym.to_base
            sym.vol_base, sym.to_base = tick.volume, tick.turnover
        elif self.volume_mode == "delta":
            s[VOL] += tick.volume
            s[TURN] += tick.turnover
        px = tick.last
        s[HIGH] = max(s[HIGH], px)
        s[LOW] = min(s[LOW], px)
        s[LAST_TS], s[LAST] = tick.ts, tick
        s[COUNT] += 1

    def _late(self, tick: Tick, sym: _Symbol, s: list) -> None:
        if tick.ts == s[LAST_TS]:
            self._stats.duplicates += 1
            return
        if sym.bar_open and tick.ts >= sym.start and s[LAST_TS] - tick.ts <= self.late_tolerance_ns:
            s[HIGH] = max(s[HIGH], tick.last)
            s[LOW] = min(s[LOW], tick.last)
            s[COUNT] += 1
            if self.volume_mode == "delta":
                s[VOL] += tick.volume
                s[TURN] += tick.turnover
            return
        self._stats.late += 1
        self._note_drop(tick, "late")

    def _open_base(self, tick: Tick, sym: _Symbol, s: list | None, segment: int) -> None:
        cal = sym.calendar
        ts = tick.ts
        start, end = cal.bar_bounds(self.base, segment, ts)
        close = int(cal.closes[segment])
        day_start = int(cal.day_start[segment])
        last: Tick | None = s[LAST] if s is not None else None
        if day_start != sym.day_start or last is None:
            sym.day_start = day_start
            # The day's first tick: its day volume is the opening auction's only if it comes
            # in the first minute; later it is everything traded before we started watching.
            opening = ts < int(cal.day_open[segment]) + MINUTE_NS
            ref_vol, ref_to = (0.0, 0.0) if opening else (tick.volume, tick.turnover)
            sym.day_before = None if opening else (ref_vol, ref_to)
        else:
            ref_vol, ref_to = last.volume, last.turnover
        if tick.volume < ref_vol:
            self._stats.volume_resets += 1
            ref_vol, ref_to = tick.volume, tick.turnover
        sym.vol_base, sym.to_base, sym.vol_carry, sym.to_carry = ref_vol, ref_to, 0.0, 0.0
        sym.bar_open, sym.start, sym.bar_end, sym.segment = True, start, end, segment
        sym.open = tick.last
        # A session's closing tick is its own, unless the next session starts right there.
        end_excl = end if end < close or cal.joined[segment] else close + 1
        px = tick.last
        hot = [ts, end_excl, px, px, tick, 1, 0.0, 0.0]
        if self.volume_mode == "delta":
            hot[VOL], hot[TURN] = tick.volume, tick.turnover
        sym.hot = self._hot[tick.symbol] = hot

    # ---- closing -------------------------------------------------------------------------
    def _base_bar(self, symbol: str, sym: _Symbol) -> Bar:
        s = sym.hot
        assert s is not None
        last: Tick = s[LAST]
        if self.volume_mode == "cumulative":
            volume = sym.vol_carry + last.volume - sym.vol_base
            turnover = sym.to_carry + last.turnover - sym.to_base
        else:
            volume, turnover = s[VOL], s[TURN]
        return Bar(
            symbol,
            self.base.name,
            sym.start,
            sym.open,
            s[HIGH],
            s[LOW],
            last.last,
            volume,
            turnover,
            last.open_interest,
            s[COUNT],
        )

    def _close_base(self, symbol: str, sym: _Symbol) -> None:
        bar = self._base_bar(symbol, sym)
        sym.bar_open = False
        assert sym.hot is not None
        sym.hot[END] = -1  # every tick takes the slow path until a new bar opens
        self._stats.used += bar.ticks
        if self.base.name in sym.timeframes:
            self.sink(bar, True)
        for name, agg in sym.aggs.items():
            tf = sym.timeframes[name]
            start, end = sym.calendar.bar_bounds(tf, sym.segment, bar.start)
            if agg is not None and agg.start != start:
                self.sink(self._agg_bar(symbol, sym, name, agg), True)
                agg = None
            if agg is None:
                agg = Forming(start, end, msgspec.structs.replace(bar, timeframe=name))
            elif bar.start >= agg.covered:  # earlier ones are in the seeded history already
                agg.fold(bar)
            if sym.bar_end >= end:
                self.sink(self._agg_bar(symbol, sym, name, agg), True)
                agg = None
            sym.aggs[name] = agg

    def close_due(self, now_ns: int) -> int:
        """Close every bar whose period ended ``late_tolerance_ns`` before ``now_ns``."""
        closed = 0
        cutoff = now_ns - self.late_tolerance_ns
        for symbol, sym in self._symbols.items():
            if sym.bar_open and sym.bar_end <= cutoff:
                self._close_base(symbol, sym)
                closed += 1
            if not sym.bar_open:
                closed += self._close_aggs(symbol, sym, cutoff)
        return closed

    def _close_aggs(self, symbol: str, sym: _Symbol, now_ns: int, segment: int = -1) -> int:
        """Close higher-timeframe bars whose period ended by ``now_ns`` — unless a tick at
        ``now_ns`` in ``segment`` still belongs to it (a session's closing tick)."""
        closed = 0
        for name, agg in sym.aggs.items():
            if agg is None or agg.end > now_ns:
                continue
            tf = sym.timeframes[name]
            if segment < 0 or sym.calendar.bar_bounds(tf, segment, now_ns)[0] != agg.start:
                self.sink(self._agg_bar(symbol, sym, name, agg), True)
                sym.aggs[name] = None
                closed += 1
        return closed

    def flush(self) -> None:
        """Close every forming bar now (end of a replay or of a file)."""
        for symbol, sym in self._symbols.items():
            if sym.bar_open:
                self._close_base(symbol, sym)
            for name, agg in sym.aggs.items():
                if agg is not None:
                    self.sink(self._agg_bar(symbol, sym, name, agg), True)
                    sym.aggs[name] = None

    # ---- reading -------------------------------------------------------------------------
    def forming(self, symbol: str, timeframe: str) -> Bar | None:
        """The bar still forming, as it stands now (None when none is)."""
        sym = self._symbols.get(symbol)
        if sym is None:
            return None
        base = self._base_bar(symbol, sym) if sym.bar_open else None
        if timeframe == self.base.name:
            return base
        tf = sym.timeframes.get(timeframe) or parse_timeframe(timeframe)
        agg = sym.aggs.get(timeframe)
        if agg is not None:
            inside = base is not None and agg.start <= base.start < agg.end
            inside = inside and base is not None and base.start >= agg.covered
            return self._agg_bar(symbol, sym, timeframe, agg, base if inside else None)
        if base is None:
            return None
        start, end = sym.calendar.bar_bounds(tf, sym.segment, base.start)
        agg = Forming(start, end, msgspec.structs.replace(base, timeframe=timeframe))
        return self._agg_bar(symbol, sym, timeframe, agg)

    def _agg_bar(
        self, symbol: str, sym: _Symbol, timeframe: str, agg: Forming, base: Bar | None = None
    ) -> Bar:
        """``agg`` as a bar; a day's also with the feed's day figures (module docstring)."""
        bar = agg.bar(symbol, timeframe, base)
        if (
            sym.day_before is None
            or sym.hot is None
            or self.volume_mode != "cumulative"
            or bar.start != sym.day_start
            or sym.timeframes[timeframe].kind != "day"
        ):
            return bar
        return with_feed_day(bar, agg, sym.hot[LAST], sym.day_before)

    def _note_drop(self, tick: Tick, why: str) -> None:
        self._drops[why] += 1
        self._dropped_symbols.add(tick.symbol)
        now = time.monotonic()
        if now >= self._next_drop_log:
            reasons = ", ".join(f"{count} {reason}" for reason, count in self._drops.items())
            log.info(
                "bars: dropped %d ticks of %d symbols (%s), e.g. %s; said at most every %.0f s",
                self._drops.total(), len(self._dropped_symbols), reasons, tick.symbol,
                DROP_LOG_INTERVAL_S,
            )  # fmt: skip
            self._next_drop_log = now + DROP_LOG_INTERVAL_S
            self._drops.clear()
            self._dropped_symbols.clear()


def _same(tick: Tick, other: Tick) -> bool:
    return tick.last == other.last and tick.volume == other.volume
