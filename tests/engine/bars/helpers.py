"""Small builders for bar tests: local times to UTC ns, ticks, and a collecting builder."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from terminal.domain.market import Bar, Tick
from terminal.engine.bars.calendar import SessionCalendar
from terminal.engine.bars.streaming import StreamingBars, VolumeMode
from terminal.engine.sessions import load_sessions, session_calendar

SESSIONS = load_sessions()


def calendar(name: str) -> SessionCalendar:
    return session_calendar(SESSIONS[name])


def ns(local: str, tz: str = "Asia/Shanghai") -> int:
    """``"2024-01-02 09:30:00"`` in ``tz`` → UTC nanoseconds."""
    moment = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz))
    return int(moment.timestamp()) * 1_000_000_000 + moment.microsecond * 1000


def local(ns_utc: int, tz: str = "Asia/Shanghai") -> str:
    return datetime.fromtimestamp(ns_utc / 1e9, ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M:%S")


def tick(when: str, last: float = 10.0, volume: float = 0.0, symbol: str = "X",
         tz: str = "Asia/Shanghai", turnover: float = 0.0) -> Tick:
    return Tick(symbol, ns(when, tz), last, volume, turnover)


class Collector:
    """A StreamingBars on one calendar that keeps what it emits."""

    def __init__(self, sessions: str, timeframes: tuple[str, ...] = ("1m",),
                 volume: VolumeMode = "cumulative", late_tolerance_ns: int = 500_000_000,
                 base: str = "1m") -> None:
        self.bars: list[Bar] = []
        self.builder = StreamingBars(
            lambda _symbol: calendar(sessions),
            lambda bar, _closed: self.bars.append(bar),
            volume=volume,
            late_tolerance_ns=late_tolerance_ns,
            base=base,
            default_timeframes=timeframes,
        )

    def feed(self, *ticks: Tick) -> Collector:
        for t in ticks:
            self.builder.on_tick(t)
        return self

    def of(self, timeframe: str, tz: str = "Asia/Shanghai") -> list[str]:
        """Start labels (local) of emitted bars of ``timeframe``."""
        return [local(b.start, tz) for b in self.bars if b.timeframe == timeframe]

    def bar(self, timeframe: str, start: str, tz: str = "Asia/Shanghai") -> Bar:
        return next(b for b in self.bars if b.timeframe == timeframe and b.start == ns(start, tz))
