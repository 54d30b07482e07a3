"""Timeframes: ``1s``, ``1m``…``4h`` within sessions; ``1d``, ``1w``, ``1M`` by trading day."""

from __future__ import annotations

import re
from typing import Literal

import msgspec

SECOND_NS = 1_000_000_000
MINUTE_NS = 60 * SECOND_NS

_PATTERN = re.compile(r"^(\d+)([smhdwM])$")
_UNIT_NS = {"s": SECOND_NS, "m": MINUTE_NS, "h": 60 * MINUTE_NS}
SUPPORTED = ("1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "1d", "1w", "1M")


class Timeframe(msgspec.Struct, frozen=True):
    """A bar length. Intraday ones (``length_ns`` > 0) are cut within each session."""

    name: str
    kind: Literal["intraday", "day", "week", "month"]
    length_ns: int = 0

    @property
    def intraday(self) -> bool:
        return self.kind == "intraday"

    @property
    def sort_key(self) -> tuple[int, int]:
        order = {"intraday": 0, "day": 1, "week": 2, "month": 3}
        return order[self.kind], self.length_ns


def parse_timeframe(text: str) -> Timeframe:
    """``"5m"`` → Timeframe; a clear error for anything else."""
    match = _PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"timeframe '{text}' is not one of {', '.join(SUPPORTED)}")
    count, unit = int(match.group(1)), match.group(2)
    if count <= 0:
        raise ValueError(f"timeframe '{text}' must have a positive length")
    if unit in _UNIT_NS:
        return Timeframe(text.strip(), "intraday", count * _UNIT_NS[unit])
    if count != 1:
        raise ValueError(f"timeframe '{text}': only 1d, 1w and 1M are supported above hours")
    kind: Literal["day", "week", "month"] = {"d": "day", "w": "week", "M": "month"}[unit]  # type: ignore[assignment]
    return Timeframe(text.strip(), kind)


def parse_timeframes(text: str) -> list[Timeframe]:
    """``"1m,5m,1h"`` → sorted, de-duplicated timeframes."""
    names = [part for part in (p.strip() for p in text.split(",")) if part]
    if not names:
        raise ValueError("timeframes: give at least one, e.g. 1m,5m,1h")
    unique = {tf.name: tf for tf in map(parse_timeframe, names)}
    return sorted(unique.values(), key=lambda tf: tf.sort_key)
