"""Number and time formatting shared by the tables."""

from __future__ import annotations

import math
from datetime import datetime


def price(value: float, decimals: int) -> str:
    if value is None or math.isnan(value):
        return ""
    return f"{value:,.{decimals}f}"


def quantity(value: float) -> str:
    if value is None or math.isnan(value):
        return ""
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f}M"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def money(value: float) -> str:
    if value is None or math.isnan(value):
        return ""
    return f"{value:,.2f}"


def big(value: float) -> str:
    """Volume and turnover: compact, with K/M/B suffixes."""
    if value is None or math.isnan(value):
        return ""
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= scale:
            return f"{value / scale:,.2f}{suffix}"
    return quantity(value)


def clock_time(ts_ns: int) -> str:
    if not ts_ns:
        return ""
    return datetime.fromtimestamp(ts_ns / 1e9).strftime("%H:%M:%S")


def percent(value: float) -> str:
    if value is None or math.isnan(value):
        return ""
    return f"{value:+.2f}%"
