"""What the A-share history providers share: symbols and their vendor codes, instrument kinds,
China time, numbers from vendor strings with errors that name the row, and the bar frame.

Every vendor shows China Standard Time (UTC+8, no daylight saving) with no zone marker.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from terminal.adapters.quotes.codes import QuoteError, code_of_symbol
from terminal.engine.bars.batch import BAR_COLUMNS
from terminal.engine.bars.timeframes import parse_timeframe
from terminal.engine.history.periods import period_start_ns
from terminal.engine.history.provider import HistoryError

CHINA = ZoneInfo("Asia/Shanghai")
NS = 1_000_000_000
LOT = 100.0  # shares in a lot (手)


def vendor_code(source: str, symbol: str) -> str:
    """``600000.SSE`` → ``sh600000``; a :class:`HistoryError` for anything else."""
    try:
        code = code_of_symbol(symbol)
    except QuoteError as exc:
        raise HistoryError(source, symbol, str(exc)) from None
    if len(code) != 8:
        raise HistoryError(source, symbol, "the code must have six digits")
    return code


def is_a_share_symbol(symbol: str) -> bool:
    number, _, exchange = symbol.partition(".")
    return exchange in ("SSE", "SZSE", "BSE") and len(number) == 6 and number.isdigit()


def is_index(symbol: str) -> bool:
    """SSE 000xxx (000001 is the SSE Composite), SZSE 399xxx, BSE 899xxx."""
    number, _, exchange = symbol.partition(".")
    prefix = {"SSE": "000", "SZSE": "399", "BSE": "899"}.get(exchange)
    return prefix is not None and number.startswith(prefix)


def is_star(symbol: str) -> bool:
    """The STAR market (科创板): SSE 688xxx and 689xxx."""
    number, _, exchange = symbol.partition(".")
    return exchange == "SSE" and number[:3] in ("688", "689")


def local_date(ns: int) -> date:
    return datetime.fromtimestamp(ns / NS, UTC).astimezone(CHINA).date()


def today() -> date:
    return datetime.now(CHINA).date()


def estimate_bars(timeframe: str, since: date, until: date) -> int:
    """At least as many bars as ``timeframe`` has from ``since`` to ``until`` (A-share
    sessions: four hours a day, at most five days a week)."""
    days = (until - since).days + 1
    tf = parse_timeframe(timeframe)
    if tf.intraday:
        return days * (240 * 60 * NS // tf.length_ns)
    return {"day": days, "week": days // 7 + 2, "month": days // 28 + 2}[tf.kind]


def parse_day(source: str, symbol: str, text: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except (ValueError, TypeError):
        raise HistoryError(source, symbol, f"date {text!r} is not YYYY-MM-DD") from None


def parse_end(source: str, symbol: str, text: str) -> int:
    """A bar's end (``YYYY-MM-DD HH:MM[:SS]`` or ``YYYYMMDDHHMM``), China time → UTC ns."""
    try:
        if len(text) == 12 and text.isdigit():
            moment = datetime.strptime(text, "%Y%m%d%H%M")
        else:
            moment = datetime.fromisoformat(text)
    except (ValueError, TypeError):
        raise HistoryError(source, symbol, f"time {text!r} is not a date and time") from None
    return int(moment.replace(tzinfo=CHINA).timestamp()) * NS


def numbers(source: str, symbol: str, row: Sequence[object], index: int,
            names: Sequence[str]) -> list[float]:  # fmt: skip
    """``row``'s values as floats (vendors send strings), named in the error if one is not."""
    values = []
    for name, value in zip(names, row, strict=False):
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise HistoryError(
                source, symbol, f"row {index} {list(row)!r}: {name} {value!r} is not a number"
            ) from None
        if not np.isfinite(number):
            raise HistoryError(source, symbol, f"row {index}: {name} {value!r} is not finite")
        values.append(number)
    if len(values) < len(names):
        raise HistoryError(source, symbol, f"row {index} {list(row)!r}: expected "
                                           f"{len(names)} values ({', '.join(names)})")  # fmt: skip
    return values


def frame(symbol: str, timeframe: str, starts: list[int], rows: list[list[float]],
          turnover: list[float] | None) -> pd.DataFrame:  # fmt: skip
    """Bars with :data:`BAR_COLUMNS` from start labels and (open, high, low, close, volume)
    rows; ``turnover`` None when the vendor does not say (NaN)."""
    values = np.array(rows, np.float64).reshape(len(rows), 5)
    result = pd.DataFrame(
        {
            "symbol": symbol,
            "timeframe": timeframe,
            "start": np.array(starts, np.int64),
            "open": values[:, 0],
            "high": values[:, 1],
            "low": values[:, 2],
            "close": values[:, 3],
            "volume": values[:, 4],
            "turnover": np.array(turnover, np.float64) if turnover is not None else np.nan,
            "open_interest": 0.0,
            "ticks": np.zeros(len(rows), np.int64),
        }
    )
    return result[list(BAR_COLUMNS)]


def label(source: str, symbol: str, timeframe: str, stamp: str) -> int:
    """The engine's start label of a vendor bar stamped ``stamp``: a day, week or month by its
    date, an intraday bar by its end (minus its length)."""
    tf = parse_timeframe(timeframe)
    if tf.intraday:
        return parse_end(source, symbol, stamp) - tf.length_ns
    return period_start_ns(parse_day(source, symbol, stamp), tf.kind, CHINA)


def windows(start: date, end: date, days: int) -> list[tuple[date, date]]:
    """``[start, end]`` cut into windows of ``days``, newest first."""
    cut = []
    while end >= start:
        first = max(start, end - timedelta(days=days - 1))
        cut.append((first, end))
        end = first - timedelta(days=1)
    return cut
