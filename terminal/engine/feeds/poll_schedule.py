"""When a snapshot feed should poll: through its instruments' sessions, from a lead before
each trading day's first session (China's opening call auction starts 15 minutes before the
09:30 open) until a little after each session's close (the closing prints), on trading days
only (the sessions' holiday calendar). Outside these windows a feed polls once at start-up,
so the watch is filled, and then waits for the next window."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from terminal.engine.bars.calendar import SessionCalendar

DAY_NS = 86_400 * 1_000_000_000
LOOK_AHEAD_DAYS = (10, 40, 120)  # how far to look for the next window (holidays, weekends)


class PollSchedule:
    """Poll windows of one or more session calendars (a feed's instruments may differ)."""

    def __init__(
        self, calendars: list[SessionCalendar], lead_ns: int = 0, after_close_ns: int = 0
    ) -> None:
        self.calendars = calendars
        self.lead_ns = lead_ns
        self.after_close_ns = after_close_ns

    def window(self, now_ns: int) -> tuple[int, int] | None:
        """(start, end) of the window holding ``now_ns`` or, if none does, of the next one;
        None if no calendar has a session in the next months."""
        windows = [w for w in (self._window(c, now_ns) for c in self.calendars) if w]
        if not windows:
            return None
        start = min(w[0] for w in windows)
        open_now = [w for w in windows if w[0] <= now_ns]
        if open_now:  # polling until the last of the calendars open now closes
            return start, max(w[1] for w in open_now)
        return start, min(w[1] for w in windows if w[0] == start)

    def is_open(self, now_ns: int) -> bool:
        window = self.window(now_ns)
        return window is not None and window[0] <= now_ns < window[1]

    def _window(self, calendar: SessionCalendar, now_ns: int) -> tuple[int, int] | None:
        for days in LOOK_AHEAD_DAYS:
            calendar.ensure(now_ns - DAY_NS, now_ns + days * DAY_NS)
            first_of_day = calendar.opens == calendar.day_open
            starts = calendar.opens - np.where(first_of_day, self.lead_ns, 0)
            ends = calendar.closes + self.after_close_ns
            at = int(np.searchsorted(ends, now_ns, side="right"))  # first window ending after
            if at < len(ends):
                start, end = int(starts[at]), int(ends[at])
                # Windows that touch or overlap (around the clock, a short break) are one.
                while at + 1 < len(ends) and int(starts[at + 1]) <= end:
                    at += 1
                    end = max(end, int(ends[at]))
                return start, end
        return None


def local_hhmm(ns: int, calendar: SessionCalendar, now_ns: int) -> str:
    """``ns`` as the exchange's local ``HH:MM``, with the weekday if not on ``now_ns``'s
    local date (``Mon 09:15``)."""
    moment = datetime.fromtimestamp(ns / 1e9, UTC).astimezone(calendar.tz)
    today = datetime.fromtimestamp(now_ns / 1e9, UTC).astimezone(calendar.tz).date()
    return moment.strftime("%H:%M" if moment.date() == today else "%a %H:%M")
