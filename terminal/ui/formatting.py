"""Number and time formatting shared by the tables."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Concatenate, ParamSpec

P = ParamSpec("P")


def _blank_if_missing(
    show: Callable[Concatenate[float, P], str],
) -> Callable[Concatenate[float, P], str]:
    """A value that is None or NaN (no quote yet, no such level) shows as an empty cell."""

    @wraps(show)
    def shown(value: float, *args: P.args, **kwargs: P.kwargs) -> str:
        if value is None or math.isnan(value):
            return ""
        return show(value, *args, **kwargs)

    return shown


@_blank_if_missing
def price(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


@_blank_if_missing
def quantity(value: float) -> str:
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f}M"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


@_blank_if_missing
def money(value: float) -> str:
    return f"{value:,.2f}"


@_blank_if_missing
def big(value: float) -> str:
    """Volume and turnover: compact, with K/M/B suffixes."""
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= scale:
            return f"{value / scale:,.2f}{suffix}"
    return quantity(value)


def clock_time(ts_ns: int) -> str:
    if not ts_ns:
        return ""
    return datetime.fromtimestamp(ts_ns / 1e9).strftime("%H:%M:%S")


@_blank_if_missing
def percent(value: float) -> str:
    return f"{value:+.2f}%"
