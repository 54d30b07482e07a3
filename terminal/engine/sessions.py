"""Trading-session definitions (``resources/sessions.toml``) and their holiday calendars.

Holidays come from ``exchange_calendars`` where it covers the exchange (``calendar = "XSHG"``)
and from ``resources/holidays/NAME.toml`` for the rest (FX). A holiday is a date that would be
a trading day by its weekday but has no session.
"""

from __future__ import annotations

import functools
import logging
import tomllib
import warnings
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from terminal.domain.instrument import TradingSessions
from terminal.engine.paths import RESOURCES

if TYPE_CHECKING:
    from terminal.engine.bars.calendar import SessionCalendar

log = logging.getLogger("terminal.sessions")

SESSIONS_FILE = RESOURCES / "sessions.toml"
HOLIDAYS_DIR = RESOURCES / "holidays"
ALWAYS = TradingSessions(name="always", timezone="UTC", weekdays=(0, 1, 2, 3, 4, 5, 6))


class SessionsError(ValueError):
    """A sessions file or calendar that cannot be used; the message names the entry."""


def load_sessions(path: Path = SESSIONS_FILE) -> dict[str, TradingSessions]:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    sessions = {}
    for name, table in raw.items():
        try:
            sessions[name] = msgspec.convert({"name": name, **table}, TradingSessions)
        except (msgspec.ValidationError, ValueError) as exc:
            raise SessionsError(f"{path}: [{name}]: {exc}") from None
    sessions.setdefault("always", ALWAYS)
    return sessions


@functools.cache
def load_holidays(calendar: str, holidays_dir: Path = HOLIDAYS_DIR) -> frozenset[date]:
    """Dates without sessions for ``calendar`` ("" means none)."""
    if not calendar:
        return frozenset()
    file = holidays_dir / f"{calendar}.toml"
    if file.exists():
        with file.open("rb") as handle:
            raw = tomllib.load(handle)
        try:
            return frozenset(date.fromisoformat(text) for text in raw.get("dates", []))
        except (TypeError, ValueError) as exc:
            raise SessionsError(f"{file}: dates: {exc}") from None
    return _exchange_calendar_holidays(calendar)


def _exchange_calendar_holidays(code: str) -> frozenset[date]:
    import exchange_calendars
    import numpy as np
    import pandas as pd

    # exchange_calendars trips pandas deprecation warnings of its own; they are not ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            calendar = exchange_calendars.get_calendar(code)
        except exchange_calendars.errors.InvalidCalendarName:
            raise SessionsError(
                f"calendar '{code}' is neither an exchange_calendars code "
                f"nor a file in {HOLIDAYS_DIR}"
            ) from None
        weekdays = pd.bdate_range(calendar.first_session, calendar.last_session)
        sessions = calendar.sessions
    missing = weekdays[~np.isin(weekdays.values, sessions.values)]
    log.debug("calendar %s: %d holidays until %s", code, len(missing), calendar.last_session)
    return frozenset(day.date() for day in missing)


@functools.cache
def session_calendar(sessions: TradingSessions) -> SessionCalendar:
    """The (shared) calendar of ``sessions``; an unusable holiday calendar is logged, not fatal."""
    from terminal.engine.bars.calendar import SessionCalendar

    try:
        holidays = load_holidays(sessions.calendar)
    except SessionsError as exc:
        log.error("sessions '%s': %s; trading on every weekday", sessions.name, exc)
        holidays = frozenset()
    return SessionCalendar(sessions, holidays)
