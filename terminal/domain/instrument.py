"""Instruments and their trading sessions."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from terminal.domain.enums import AssetClass, InstrumentStatus

ALL_DAY = (("00:00", "24:00"),)


class TradingSessions(msgspec.Struct, frozen=True):
    """When an instrument trades, in exchange local time, per *trading day*.

    ``intervals`` are ``("HH:MM", "HH:MM")`` pairs in the order they trade within a trading
    day; an end not after its start crosses midnight, ``"24:00"`` is the next midnight. An
    interval starting at or after ``night_start`` is a night session: it opens on the evening
    *before* the trading day it belongs to — the previous trading day (Chinese futures: Friday
    night belongs to Monday) or the previous calendar day (CME Globex, FX: Sunday 17:00 opens
    Monday). ``weekdays`` are the weekdays that are trading days (0 = Monday); ``calendar``
    names the holiday calendar (an ``exchange_calendars`` code such as ``XSHG``, or a file in
    ``resources/holidays/``). An empty interval list means around the clock (crypto).
    """

    name: str
    timezone: str
    intervals: tuple[tuple[str, str], ...] = ()
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    night_start: str = ""
    night_opens: Literal["previous_trading_day", "previous_day"] = "previous_trading_day"
    night_after_holiday: bool = True
    """False where the exchange skips the night session before a trading day that follows a
    holiday (Chinese futures)."""
    calendar: str = ""

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ValueError, KeyError) as exc:
            raise ValueError(f"sessions '{self.name}': unknown timezone '{self.timezone}'") from exc
        for interval in self.intervals:
            for text in interval:
                _parse_hhmm(text, self.name)
        if self.night_start:
            _parse_hhmm(self.night_start, self.name)
        bad = [d for d in self.weekdays if d not in range(7)]
        if bad:
            raise ValueError(f"sessions '{self.name}': weekdays must be 0..6, got {bad}")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def around_the_clock(self) -> bool:
        return not self.intervals

    def local_segments(
        self, day: date, evening_before: date | None
    ) -> list[tuple[datetime, datetime]]:
        """Open/close (local, aware) of each session of trading day ``day``, in trading order.

        ``evening_before`` is the date night sessions open on (None: no night session).
        """
        tz = self.tz
        night = _parse_hhmm(self.night_start, self.name) if self.night_start else None
        segments = []
        for start_text, end_text in self.intervals or ALL_DAY:
            start = _parse_hhmm(start_text, self.name)
            base = day
            if night is not None and start >= night:
                if evening_before is None:
                    continue
                base = evening_before
            opens = datetime.combine(base, start, tz)
            if end_text == "24:00":
                closes = datetime.combine(base + timedelta(days=1), time(0), tz)
            else:
                end = _parse_hhmm(end_text, self.name)
                end_day = base if end > start else base + timedelta(days=1)
                closes = datetime.combine(end_day, end, tz)
            segments.append((opens, closes))
        return segments

    def evening_before(self, day: date, previous_trading_day: date) -> date | None:
        """The date the night sessions of ``day`` open on, given the trading day before it."""
        if not self.night_start:
            return None
        if self.night_opens == "previous_day":
            return day - timedelta(days=1)
        if not self.night_after_holiday and _has_weekday_between(previous_trading_day, day):
            return None
        return previous_trading_day

    def is_open(self, when: datetime) -> bool:
        """Whether ``when`` falls in a session (weekdays only: holidays live in the engine)."""
        if self.around_the_clock and len(self.weekdays) == 7:
            return True
        local = when.astimezone(self.tz)
        for offset in (0, 1, 2, 3):
            day = local.date() + timedelta(days=offset)
            if day.weekday() not in self.weekdays:
                continue
            previous = day - timedelta(days=1)
            while previous.weekday() not in self.weekdays:
                previous -= timedelta(days=1)
            for opens, closes in self.local_segments(day, self.evening_before(day, previous)):
                if opens <= local < closes:
                    return True
        return False


def _has_weekday_between(first: date, last: date) -> bool:
    """True when a Monday–Friday date lies strictly between ``first`` and ``last``."""
    day = first + timedelta(days=1)
    while day < last:
        if day.weekday() < 5:
            return True
        day += timedelta(days=1)
    return False


def _parse_hhmm(text: str, where: str = "") -> time:
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"sessions '{where}': time must look like HH:MM, got '{text}'") from None


class Instrument(msgspec.Struct, frozen=True):
    """A tradable thing. ``symbol`` is unique across the terminal, e.g. ``600000.SSE``."""

    symbol: str
    name: str
    exchange: str
    asset_class: AssetClass
    tick_size: float
    lot_size: float = 1.0
    """Order quantities are multiples of this (100 shares for most A-shares)."""
    min_quantity: float = 0.0
    """The smallest buy order, where it is more than one lot (STAR Market: 200 shares then
    1-share steps); 0: one lot."""
    multiplier: float = 1.0
    currency: str = "USD"
    sessions: str = "always"
    margin_rate: float = 0.0
    """Fraction of notional held as margin; non-zero means the instrument trades on margin
    (futures): cash moves by realised P&L, not by notional."""
    base_currency: str = ""
    """What one unit of quantity is, where it is a currency (``BTC`` of ``BTCUSDT.BINANCE``);
    ``currency`` is then the quote currency."""
    min_notional: float = 0.0
    """The smallest order value (quantity × price × multiplier) the venue accepts; 0: none."""
    status: InstrumentStatus = InstrumentStatus.TRADING
    """Whether the venue takes orders now (a crypto market in a break is ``HALTED``)."""

    @property
    def price_decimals(self) -> int:
        """Decimals needed to show a price on this instrument's tick grid."""
        text = f"{self.tick_size:.10f}".rstrip("0")
        return len(text.split(".")[1]) if "." in text else 0

    def price_text(self, value: float) -> str:
        """``value`` as people read this instrument's prices: see :func:`price_text`."""
        return price_text(value, self.price_decimals)


def price_text(value: float, decimals: int = 0, grouped: bool = False) -> str:
    """A price with ``decimals`` decimals (its instrument's tick grid), or with every digit it
    has when that would round it (an average, or a price off the grid), so a price is never
    shown as another one: ``96072.67`` stays ``96072.67``, never ``96072.7``. ``grouped``
    puts thousands separators in (``96,072.67``). NaN and infinities are spelled out."""
    comma = "," if grouped else ""
    if not math.isfinite(value) or _on_places(value, decimals):
        return f"{value:{comma}.{decimals}f}"
    # The shortest decimal that reads back as ``value`` (repr's digits), never in exponent form.
    exact = Decimal(repr(value))
    places = max(decimals, -int(exact.as_tuple().exponent))
    return f"{exact:{comma}.{places}f}"


def _on_places(value: float, decimals: int) -> bool:
    """Whether ``value`` has no digit past ``decimals`` (binary noise such as 0.1 + 0.2 aside:
    the tolerance is the one the order checks use for the tick grid)."""
    scaled = value * 10.0**decimals
    return abs(scaled - round(scaled)) <= 1e-6
