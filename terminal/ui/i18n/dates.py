"""Dates, month and day names as the interface's language writes them, through the QLocale
:func:`terminal.ui.i18n.install_language` made the default (2024/1/5 and 1月 in Chinese,
1/5/2024 and Jan in English). Times of day stay ``HH:mm`` (24-hour) in both, as trading
software writes them."""

from __future__ import annotations

import re
from datetime import date, datetime

from PySide6.QtCore import QDate, QLocale

from terminal.ui.i18n import translate

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # the engine's "%a" words
NEXT_POLL = re.compile(r"next poll (?:(?P<day>[A-Z][a-z]{2}) )?(?P<time>\d\d:\d\d)$")


def _locale() -> QLocale:
    """The default QLocale; English for the bare "C" locale (its dates read ``5 01 2024``)."""
    chosen = QLocale()
    return QLocale("en_US") if chosen.language() == QLocale.Language.C else chosen


def _date_format() -> str:
    """The locale's short date with the whole year (``M/d/yy`` → ``M/d/yyyy``)."""
    pattern = _locale().dateFormat(QLocale.FormatType.ShortFormat)
    return pattern if "yyyy" in pattern else pattern.replace("yy", "yyyy")


def day_text(day: date) -> str:
    """``day`` as the language writes a date in a table or a title (2024/1/5, 1/5/2024)."""
    return _locale().toString(QDate(day.year, day.month, day.day), _date_format())


def datetime_text(moment: datetime, seconds: bool = False) -> str:
    """The date as :func:`day_text`, then the 24-hour time."""
    clock = moment.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{day_text(moment.date())} {clock}"


def month_name(month: int) -> str:
    """Month 1–12's short name: Jan … Dec, 1月 … 12月."""
    return _locale().standaloneMonthName(month, QLocale.FormatType.ShortFormat)


def weekday_name(weekday: int) -> str:
    """Day 0 (Monday) … 6 (Sunday)'s short name: Mon, 周一."""
    return _locale().dayName(weekday + 1, QLocale.FormatType.ShortFormat)


def next_poll_text(reason: str) -> str:
    """A closed feed's "next poll Mon 09:15" (the engine's words) in the language; any other
    reason as it is (engine data: see docs/languages.md)."""
    found = NEXT_POLL.fullmatch(reason)
    if found is None:
        return reason
    when = found["time"]
    if found["day"] in WEEKDAYS:
        when = f"{weekday_name(WEEKDAYS.index(found['day']))} {when}"
    return translate("Dates", "next poll {when}").format(when=when)
