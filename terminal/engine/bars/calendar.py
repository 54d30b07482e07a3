"""A session calendar: every session of every trading day as sorted UTC-nanosecond arrays.

Both bar builders look ticks up here — the streaming one a tick at a time (bisect), the batch
one whole arrays at a time (``searchsorted``) — so both cut bars at exactly the same places.
"""

from __future__ import annotations

import bisect
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from terminal.domain.instrument import TradingSessions
from terminal.engine.bars.timeframes import Timeframe

# Night sessions open days before their trading day (a Monday's on Friday, more after a
# holiday), so tables reach this far beyond the dates asked for.
MARGIN_DAYS = 15
I64 = np.int64


def _ns(moment: datetime) -> int:
    return int(moment.timestamp()) * 1_000_000_000 + moment.microsecond * 1000


def _month_end(day: date) -> date:
    """Last day of ``day``'s month: tables end on a month end so monthly bars end right."""
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


class SessionCalendar:
    """Sessions of one definition plus its holidays, looked up by UTC nanoseconds.

    Segment ``i`` is open on ``[opens[i], closes[i]]`` — closed at the right end, so a tick
    stamped exactly at a session's close belongs to that session's last bar (unless the next
    session opens at that very instant: then the tick opens it).
    """

    def __init__(self, sessions: TradingSessions, holidays: frozenset[date] = frozenset()):
        self.sessions = sessions
        self.holidays = holidays
        self.tz = sessions.tz
        self._first: date | None = None
        self._last: date | None = None
        self.opens = np.empty(0, I64)
        self.closes = np.empty(0, I64)
        self.day_start = np.empty(0, I64)  # trading day's label: its local midnight
        self.day_end = np.empty(0, I64)  # close of the trading day's last session
        self.day_open = np.empty(0, I64)  # open of the trading day's first session
        self.week_start = np.empty(0, I64)
        self.week_end = np.empty(0, I64)
        self.month_start = np.empty(0, I64)
        self.month_end = np.empty(0, I64)
        self.joined = np.empty(0, bool)
        self._any_joined = False
        self._closes_list: list[int] = []

    @property
    def name(self) -> str:
        return self.sessions.name

    # ---- trading days -----------------------------------------------------------------
    def is_trading_day(self, day: date) -> bool:
        return day.weekday() in self.sessions.weekdays and day not in self.holidays

    def previous_trading_day(self, day: date) -> date:
        day -= timedelta(days=1)
        for _ in range(60):
            if self.is_trading_day(day):
                return day
            day -= timedelta(days=1)
        raise ValueError(f"sessions '{self.name}': no trading day in the 60 days before {day}")

    def trading_day_of(self, ts: int) -> date | None:
        """The trading day a tick at ``ts`` belongs to, or None outside sessions."""
        index = self.locate(ts)
        if index < 0:
            return None
        return self._local_date(int(self.day_start[index]))

    def _local_date(self, ns: int) -> date:
        return datetime.fromtimestamp(ns / 1e9, UTC).astimezone(self.tz).date()

    # ---- the table --------------------------------------------------------------------
    def ensure(self, first_ns: int, last_ns: int) -> None:
        """Make the table cover every session that could contain ``first_ns``..``last_ns``."""
        first = self._local_date(first_ns) - timedelta(days=2)
        last = _month_end(self._local_date(last_ns) + timedelta(days=MARGIN_DAYS))
        if self._first is not None and self._last is not None:
            if first >= self._first and last <= self._last:
                return
            first, last = min(first, self._first), max(last, self._last)
        self._build(first, last)

    def _build(self, first: date, last: date) -> None:
        rows: list[tuple[int, int, date]] = []
        day = first
        while day <= last:
            if self.is_trading_day(day):
                previous = self.previous_trading_day(day)
                evening = self.sessions.evening_before(day, previous)
                for opens, closes in self.sessions.local_segments(day, evening):
                    rows.append((_ns(opens), _ns(closes), day))
            day += timedelta(days=1)
        rows.sort()
        self.opens = np.array([r[0] for r in rows], I64)
        self.closes = np.array([r[1] for r in rows], I64)
        days = [r[2] for r in rows]
        day_start = {d: self._midnight(d) for d in set(days)}
        day_end: dict[date, int] = {}
        day_open: dict[date, int] = {}
        for open_ns, close_ns, d in rows:
            day_end[d] = max(day_end.get(d, close_ns), close_ns)
            day_open[d] = min(day_open.get(d, open_ns), open_ns)
        weeks = {d: d - timedelta(days=d.weekday()) for d in day_start}
        months = {d: d.replace(day=1) for d in day_start}
        week_end: dict[date, int] = {}
        month_end: dict[date, int] = {}
        for d, end in day_end.items():
            week_end[weeks[d]] = max(week_end.get(weeks[d], end), end)
            month_end[months[d]] = max(month_end.get(months[d], end), end)
        self.day_start = np.array([day_start[d] for d in days], I64)
        self.day_end = np.array([day_end[d] for d in days], I64)
        self.day_open = np.array([day_open[d] for d in days], I64)
        self.week_start = np.array([self._midnight(weeks[d]) for d in days], I64)
        self.week_end = np.array([week_end[weeks[d]] for d in days], I64)
        self.month_start = np.array([self._midnight(months[d]) for d in days], I64)
        self.month_end = np.array([month_end[months[d]] for d in days], I64)
        # Where the next session opens the instant this one closes (around the clock, FX),
        # the boundary tick opens the next session rather than closing this one.
        self.joined = np.zeros(len(rows), bool)
        self.joined[:-1] = self.opens[1:] == self.closes[:-1]
        self._any_joined = bool(self.joined.any())
        self._closes_list = self.closes.tolist()
        self._first, self._last = first, last

    def _midnight(self, day: date) -> int:
        return _ns(datetime.combine(day, time(0), self.tz))

    # ---- look-ups ------------------------------------------------------------------------
    def locate(self, ts: int) -> int:
        """Index of the session containing ``ts``, or -1 between sessions."""
        if self._first is None or ts > self._closes_list[-1] or ts < self.opens[0]:
            self.ensure(ts, ts)
        closes = self._closes_list
        index = bisect.bisect_left(closes, ts)
        if index < len(closes) and self.opens[index] <= ts:
            if closes[index] == ts and self.joined[index]:
                return index + 1
            return index
        return -1

    def classify(self, ts: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`locate`: session index per tick, -1 outside sessions."""
        if len(ts) == 0:
            return np.empty(0, I64)
        self.ensure(int(ts.min()), int(ts.max()))
        if len(self.closes) == 0:
            return np.full(len(ts), -1, I64)
        index = np.searchsorted(self.closes, ts, side="left")
        # The table reaches past the last tick (ensure), so every index is a real session.
        inside = self.opens[index] <= ts
        if self._any_joined:
            index += inside & self.joined[index] & (self.closes[index] == ts)
        index[~inside] = -1
        return index

    def bar_bounds(self, tf: Timeframe, segment: int, ts: int) -> tuple[int, int]:
        """Start label and end of the ``tf`` bar holding ``ts`` in session ``segment``."""
        if tf.intraday:
            opens, closes = int(self.opens[segment]), int(self.closes[segment])
            length = tf.length_ns
            last = (closes - opens - 1) // length
            start = opens + min((ts - opens) // length, last) * length
            return start, min(start + length, closes)
        if tf.kind == "day":
            return int(self.day_start[segment]), int(self.day_end[segment])
        if tf.kind == "week":
            return int(self.week_start[segment]), int(self.week_end[segment])
        return int(self.month_start[segment]), int(self.month_end[segment])

    def forming_period(self, tf: Timeframe, now: int) -> tuple[int, int] | None:
        """Start label and end of the ``tf`` period that has begun and not yet ended at
        ``now``: None between sessions for intraday timeframes, and between a day's (week's,
        month's) close and the next one's first open for the others."""
        if tf.intraday:
            segment = self.locate(now)
            return None if segment < 0 else self.bar_bounds(tf, segment, now)
        self.ensure(now, now)
        ends = {"day": self.day_end, "week": self.week_end, "month": self.month_end}[tf.kind]
        # Rows are in time order and a period's rows share its end: the first row ending at or
        # after ``now`` is the first session of the current (or next) period.
        row = int(np.searchsorted(ends, now, side="left"))
        if row >= len(ends) or self.opens[row] > now:
            return None
        return self.bar_bounds(tf, row, now)

    def next_open(self, tf: Timeframe, label: int) -> int:
        """When the first ``tf`` period after the one labelled ``label`` opens (UTC ns)."""
        if tf.intraday:
            segment = self.locate(label)
            end = self.bar_bounds(tf, segment, label)[1] if segment >= 0 else label + tf.length_ns
            if segment >= 0 and end < int(self.closes[segment]):
                return end
            self.ensure(end, end + tf.length_ns)
            return int(self.opens[int(np.searchsorted(self.opens, end, side="left"))])
        self.ensure(label, label)
        labels = {"day": self.day_start, "week": self.week_start, "month": self.month_start}
        row = int(np.searchsorted(labels[tf.kind], label, side="right"))
        return int(self.opens[min(row, len(self.opens) - 1)])

    def bar_starts(self, tf: Timeframe, segment: np.ndarray, ts: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`bar_bounds` start labels (``segment`` all valid)."""
        if tf.intraday:
            opens = np.take(self.opens, segment)
            length = tf.length_ns
            last = (np.take(self.closes, segment) - opens - 1) // length
            return opens + np.minimum((ts - opens) // length, last) * length
        table = {"day": self.day_start, "week": self.week_start, "month": self.month_start}
        return table[tf.kind][segment]

    def bar_ends(self, tf: Timeframe, segment: np.ndarray, starts: np.ndarray) -> np.ndarray:
        if tf.intraday:
            return np.minimum(starts + tf.length_ns, self.closes[segment])
        table = {"day": self.day_end, "week": self.week_end, "month": self.month_end}
        return table[tf.kind][segment]
