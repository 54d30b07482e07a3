"""Instruments and their trading sessions."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec

from terminal.domain.enums import AssetClass


class TradingSessions(msgspec.Struct, frozen=True):
    """When an instrument trades, in exchange local time.

    ``intervals`` are ``("HH:MM", "HH:MM")`` pairs; an interval whose end is not after its
    start crosses midnight (a night session). ``weekdays`` lists the local weekdays (0 = Monday)
    on which an interval may *start*. An empty interval list means "always open" (crypto).
    """

    name: str
    timezone: str
    intervals: tuple[tuple[str, str], ...] = ()
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)

    def is_open(self, when: datetime) -> bool:
        if not self.intervals:
            return True
        local = when.astimezone(ZoneInfo(self.timezone))
        for start_text, end_text in self.intervals:
            start, end = _parse_hhmm(start_text), _parse_hhmm(end_text)
            if start < end:
                if local.weekday() in self.weekdays and start <= local.time() < end:
                    return True
                continue
            # Crosses midnight: open from start today, or until end after yesterday's start.
            if local.weekday() in self.weekdays and local.time() >= start:
                return True
            yesterday = (local - timedelta(days=1)).weekday()
            if yesterday in self.weekdays and local.time() < end:
                return True
        return False


def _parse_hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


class Instrument(msgspec.Struct, frozen=True):
    """A tradable thing. ``symbol`` is unique across the terminal, e.g. ``600000.SSE``."""

    symbol: str
    name: str
    exchange: str
    asset_class: AssetClass
    tick_size: float
    lot_size: float = 1.0
    multiplier: float = 1.0
    currency: str = "USD"
    sessions: str = "always"
    margin_rate: float = 0.0
    """Fraction of notional held as margin; non-zero means the instrument trades on margin
    (futures): cash moves by realised P&L, not by notional."""

    @property
    def price_decimals(self) -> int:
        """Decimals needed to show a price on this instrument's tick grid."""
        text = f"{self.tick_size:.10f}".rstrip("0")
        return len(text.split(".")[1]) if "." in text else 0
