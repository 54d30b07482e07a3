"""The periods of vendor bars: labels from dates, the session grid for intraday bars, and
higher timeframes built from finer native ones.

Vendors stamp a day, week or month bar with a date (a week or month by its last trading day so
far) and an intraday bar with its end. The engine labels bars by their start: a day at local
midnight of its trading day, a week at its Monday, a month on its 1st (as
:class:`~terminal.engine.bars.calendar.SessionCalendar` does), an intraday bar at the start of
its slot within a session.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

import numpy as np
import pandas as pd

from terminal.engine.bars.batch import BAR_COLUMNS, aggregate_bars
from terminal.engine.bars.calendar import SessionCalendar
from terminal.engine.bars.timeframes import Timeframe, parse_timeframe

NATIVE_INTRADAY = ("1h", "30m", "15m", "5m", "1m")
"""Intraday timeframes vendors serve, coarsest first (the coarsest that divides wins)."""


def period_start_ns(day: date, kind: str, tz: tzinfo) -> int:
    """UTC ns label of the ``kind`` ("day", "week", "month") period holding ``day`` in ``tz``."""
    if kind == "week":
        day -= timedelta(days=day.weekday())
    elif kind == "month":
        day = day.replace(day=1)
    moment = datetime.combine(day, time(0), tz)
    return int(moment.timestamp()) * 1_000_000_000


def source_timeframe(timeframe: str, native: list[str]) -> str | None:
    """The native timeframe ``timeframe`` is best built from (itself if native), or None."""
    if timeframe in native:
        return timeframe
    tf = parse_timeframe(timeframe)
    if not tf.intraday:
        return "1d" if "1d" in native else None
    for name in NATIVE_INTRADAY:
        if name in native and tf.length_ns % parse_timeframe(name).length_ns == 0:
            return name
    return None


def align_intraday(frame: pd.DataFrame, calendar: SessionCalendar, tf: Timeframe) -> tuple[
    pd.DataFrame, int
]:
    """Vendor intraday bars (start = end - length) put on the session grid of ``calendar``.

    A bar's slot is the one holding the instant before its end. A bar ending exactly at a
    session's open (the opening call auction, which some answers carry as a bar of its own) is
    folded into that session's first bar. Returns the bars and how many fell outside every
    session (dropped)."""
    if frame.empty:
        return frame, 0
    frame = frame.sort_values("start", kind="stable", ignore_index=True)
    ends = frame["start"].to_numpy(np.int64) + tf.length_ns
    inside = ends - 1
    segment = calendar.classify(inside)
    auction = segment < 0
    if auction.any():
        segment[auction] = calendar.classify(ends[auction])
        inside[auction] = ends[auction]
    keep = segment >= 0
    dropped = int(len(frame) - np.count_nonzero(keep))
    frame, inside, segment = frame[keep], inside[keep], segment[keep]
    labels = calendar.bar_starts(tf, segment, inside)
    return aggregate_bars(frame, labels, tf.name), dropped


def build_from(frame: pd.DataFrame, timeframe: str, calendar: SessionCalendar) -> pd.DataFrame:
    """Bars of ``timeframe`` from finer bars of one symbol: intraday ones by the session grid,
    weeks and months by the dates of day bars (in the calendar's time zone)."""
    tf = parse_timeframe(timeframe)
    if frame.empty:
        return frame.assign(timeframe=tf.name)
    frame = frame.sort_values("start", kind="stable", ignore_index=True)
    starts = frame["start"].to_numpy(np.int64)
    if tf.intraday:
        labels = calendar.bar_starts(tf, calendar.classify(starts), starts)
    else:
        local = pd.to_datetime(starts, utc=True).tz_convert(calendar.tz)
        labels = np.array(
            [period_start_ns(stamp.date(), tf.kind, calendar.tz) for stamp in local], np.int64
        )
    return aggregate_bars(frame, labels, tf.name)[list(BAR_COLUMNS)]
