"""Number and time formatting shared by the tables, the ticket and the dialogs.

Prices are shown on their instrument's tick grid (``Instrument.price_decimals``): never
``:g``, whose six significant digits turn 96,072.67 into 96072.7."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Concatenate, ParamSpec

from terminal.domain.instrument import Instrument, price_text

P = ParamSpec("P")


def _blank_if_missing(
    show: Callable[Concatenate[float, P], str],
) -> Callable[Concatenate[float, P], str]:
    """A value that is None or NaN (no quote yet, no such level) shows as an empty cell; one
    that rounds to zero shows without a sign (:func:`unsigned_zero`)."""

    @wraps(show)
    def shown(value: float, *args: P.args, **kwargs: P.kwargs) -> str:
        if value is None or math.isnan(value):
            return ""
        return unsigned_zero(show(value, *args, **kwargs))

    return shown


def unsigned_zero(text: str) -> str:
    """``-0.00`` or ``+0.00%``: a change too small to show reads as a loss or a gain that is
    not there (and flips sign as the price jitters); a zero has no sign."""
    if text[:1] in "+-" and not any(digit in text for digit in "123456789"):
        return text[1:]
    return text


@_blank_if_missing
def price(value: float, decimals: int) -> str:
    """Rounded to ``decimals``: a mark, a last price, an average."""
    return f"{value:,.{decimals}f}"


@_blank_if_missing
def exact_price(value: float, decimals: int) -> str:
    """On ``decimals``, or with every digit when it has more: a price an order carries."""
    return price_text(value, decimals, grouped=True)


def amount(value: float) -> str:
    """A quantity in an order's words, every digit kept: ``200,000``, ``0.015``."""
    return price_text(value, 0, grouped=True)


class PriceDecimals:
    """Each symbol's price decimals, from the instruments the engine lists (a symbol it
    does not list shows every digit its prices have)."""

    def __init__(self, instruments: Callable[[str], Instrument | None]) -> None:
        self._instrument = instruments

    def __call__(self, symbol: str) -> int:
        instrument = self._instrument(symbol)
        return instrument.price_decimals if instrument is not None else 0

    def price(self, symbol: str, value: float) -> str:
        """A mark or an average of ``symbol``, rounded to its tick grid."""
        instrument = self._instrument(symbol)
        if instrument is None:
            return exact_price(value, 0)
        return price(value, instrument.price_decimals)

    def exact(self, symbol: str, value: float) -> str:
        """A price an order of ``symbol`` carries (never rounded to look like another)."""
        return exact_price(value, self(symbol))


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
def signed_money(value: float) -> str:
    """A gain or a loss: ``+1,234.50``, ``-12.00`` (a zero unsigned)."""
    return f"{value:+,.2f}"


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
    """A change in percent, signed: ``+0.32%``, ``-1.05%``, and ``0.00%`` for none."""
    return f"{value:+.2f}%"
