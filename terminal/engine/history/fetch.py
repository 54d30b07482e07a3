"""One history fetch from one provider: the timeframe asked for, natively or built from the
finest native timeframe that divides it, with intraday bars put on the session grid.

Shared by the backfill and ``terminal history download``, so both store the same bars.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
import numpy as np
import pandas as pd

from terminal.engine.bars.batch import BAR_COLUMNS
from terminal.engine.bars.calendar import SessionCalendar
from terminal.engine.bars.timeframes import parse_timeframe
from terminal.engine.history.periods import align_intraday, build_from, source_timeframe
from terminal.engine.history.provider import HistoryError, HistoryProvider, HistoryRequest, Progress

CANDIDATES = ("1m", "5m", "15m", "30m", "1h", "1d", "1w", "1M")
DAY_NS = 86_400 * 1_000_000_000
# Finer bars needed per bar built from them (generous: weeks with holidays, short months).
PER_BAR = {"week": (5, 8 * DAY_NS), "month": (23, 32 * DAY_NS)}


@dataclass(frozen=True)
class Fetched:
    """What a fetch brought: the bars asked for, and the finer native bars they were built
    from (None when native), and how many vendor bars fell outside every session."""

    bars: pd.DataFrame
    source: pd.DataFrame | None
    outside_sessions: int = 0


def native_timeframes(provider: HistoryProvider, request: HistoryRequest) -> list[str]:
    return [tf for tf in CANDIDATES if provider.native(tf, request.adjust)]


async def fetch_bars(
    provider: HistoryProvider,
    request: HistoryRequest,
    calendar: SessionCalendar,
    progress: Progress,
) -> Fetched:
    """The bars ``request`` asks for from ``provider``, labelled as the engine labels bars."""
    tf = parse_timeframe(request.timeframe)
    native = native_timeframes(provider, request)
    source = source_timeframe(tf.name, native)
    if source is None:
        raise HistoryError(
            provider.name, request.symbol,
            f"serves no {tf.name} bars with adjust '{request.adjust.value}', nor finer ones to "
            f"build them from (it serves: {', '.join(native) or 'none with that adjust'})",
        )  # fmt: skip
    asked = request if source == tf.name else _finer_request(request, source)
    frame = await provider.fetch(asked, progress)
    frame = _checked(frame, provider.name, request.symbol)
    outside = 0
    source_tf = parse_timeframe(source)
    if source_tf.intraday:
        frame, outside = align_intraday(frame, calendar, source_tf)
    if source == tf.name:
        return Fetched(_within(frame, request), None, outside)
    built = build_from(frame, tf.name, calendar)
    return Fetched(_within(built, request), frame, outside)


def _finer_request(request: HistoryRequest, source: str) -> HistoryRequest:
    """``request`` for the finer ``source`` bars that cover the same periods completely."""
    tf, finer = parse_timeframe(request.timeframe), parse_timeframe(source)
    if tf.intraday:
        per, reach = tf.length_ns // finer.length_ns, tf.length_ns
    else:
        per, reach = PER_BAR[tf.kind]
    return msgspec.structs.replace(
        request,
        timeframe=source,
        start=None if request.start is None else request.start - reach,
        count=None if request.count is None else (request.count + 1) * per,
    )


def _within(frame: pd.DataFrame, request: HistoryRequest) -> pd.DataFrame:
    starts = frame["start"].to_numpy(np.int64)
    keep = np.ones(len(frame), bool)
    if request.start is not None:
        keep &= starts >= request.start
    if request.end is not None:
        keep &= starts <= request.end
    frame = frame[keep]
    if request.count is not None:
        frame = frame.tail(request.count)
    return frame.reset_index(drop=True)


def _checked(frame: pd.DataFrame, source: str, symbol: str) -> pd.DataFrame:
    """The provider's frame in the engine's columns, one symbol, sorted, no duplicate starts."""
    missing = [c for c in BAR_COLUMNS if c not in frame.columns]
    if missing:
        raise HistoryError(source, symbol, f"provider returned no columns {missing}")
    frame = frame[list(BAR_COLUMNS)].sort_values("start", kind="stable")
    return frame.drop_duplicates("start", keep="last").reset_index(drop=True)
