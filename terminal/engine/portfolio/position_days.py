"""Today's and earlier days' parts of a position (futures close-today rules, stock T+1).

Exchanges such as SHFE price closing today's position differently from closing earlier ones,
and A-shares bought today can be sold only from the next trading day. Both need to know how
much of a net position was opened on the current trading day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from terminal.domain.enums import Offset


@dataclass(slots=True)
class DaySplit:
    """A signed net position split into ``today`` and ``yesterday`` (all earlier days)."""

    day: date | None = None
    today: float = 0.0
    yesterday: float = 0.0

    def as_of(self, day: date | None) -> tuple[float, float]:
        """(today, yesterday) as seen on ``day``: a later day finds everything "yesterday"."""
        if day is not None and self.day is not None and day > self.day:
            return 0.0, self.today + self.yesterday
        return self.today, self.yesterday

    def book(self, day: date | None, signed: float, offset: Offset, today_first: bool) -> None:
        """Apply a fill of ``signed`` quantity traded on trading day ``day``."""
        if day is not None and (self.day is None or day > self.day):
            self.today, self.yesterday = self.as_of(day)
            self.day = day
        before = self.today + self.yesterday
        if before == 0 or (before > 0) == (signed > 0):
            self.today += signed
            return
        closing = min(abs(signed), abs(before))
        direction = 1.0 if before > 0 else -1.0
        if offset is Offset.CLOSE_TODAY or (offset is not Offset.CLOSE_YESTERDAY and today_first):
            order = ("today", "yesterday")
        else:
            order = ("yesterday", "today")
        for bucket in order:
            held = abs(getattr(self, bucket))
            taken = min(held, closing)
            setattr(self, bucket, getattr(self, bucket) - direction * taken)
            closing -= taken
        opened = abs(signed) - min(abs(signed), abs(before))
        if opened > 0:  # the fill went through zero: the rest opens a position today
            self.today += -direction * opened
