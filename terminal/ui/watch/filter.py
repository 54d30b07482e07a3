"""The market watch's filter box: plain text matches symbol or name; ``column op number``
(``last>100``, ``change_pct<=-2``, ``volume >= 1e6``) compares a column's live value."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable

from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.ui.watch.columns import COLUMN_OF_KEY, COLUMNS

RowTest = Callable[[Tick | None, Instrument], bool]

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
}
_CONDITION = re.compile(r"^\s*([A-Za-z_%]+)\s*(>=|<=|!=|>|<|=)\s*(\S+)\s*$")
_ALIASES = {"chg": "change", "chg%": "change_pct", "change%": "change_pct", "oi": "open_interest"}


class FilterError(ValueError):
    """A filter the user typed that cannot be understood; the message names the part."""


def parse_filter(text: str) -> tuple[RowTest, bool]:
    """Return the row test and whether it depends on live values (re-checked every refresh)."""
    text = text.strip()
    if not text:
        return (lambda _tick, _instrument: True), False
    match = _CONDITION.match(text)
    if match is None:
        needle = text.lower()
        return (lambda _tick, i: needle in i.symbol.lower() or needle in i.name.lower()), False
    key, op, number = match.groups()
    key = _ALIASES.get(key.lower(), key.lower())
    column_index = COLUMN_OF_KEY.get(key)
    if column_index is None or COLUMNS[column_index].value is None:
        names = ", ".join(c.key for c in COLUMNS if c.value is not None)
        raise FilterError(f"filter: unknown column '{key}' (use one of {names})")
    try:
        threshold = float(number)
    except ValueError:
        raise FilterError(f"filter: {key} {op} '{number}' is not a number") from None
    value_of = COLUMNS[column_index].value
    assert value_of is not None
    compare = _OPERATORS[op]

    def test(tick: Tick | None, _instrument: Instrument) -> bool:
        if tick is None:
            return False
        value = value_of(tick)
        return not math.isnan(value) and compare(value, threshold)

    return test, True
