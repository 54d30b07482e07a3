"""Parameter optimisation: a grid or random search over ranges of a strategy's parameters, and
walk-forward folds that show how the best parameters of one period do on the next.

Ranges come from the parameter struct: a field's ``msgspec.Meta`` bounds (``ge``/``le``) when it
declares them, else half to twice its default; ``--grid fast=5:20:5`` overrides them. Each
combination is one backtest (``workers.py`` runs them in processes or on a Dask cluster); its
row holds the parameters and every statistic. A combination the parameter struct refuses (say
``fast`` ≥ ``slow``) is a row with its reason and no statistics.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from typing import Any

import msgspec
import pandas as pd

from terminal.engine.backtest.stats import NAMES
from terminal.engine.strategy.base import Strategy

MAX_COMBINATIONS = 100_000


class ParamRange(msgspec.Struct, frozen=True):
    """``low`` to ``high`` (both included) in steps of ``step``; whole numbers for an int."""

    name: str
    low: float
    high: float
    step: float
    integer: bool = False

    def values(self) -> list[float | int]:
        if self.step <= 0:
            raise ValueError(f"{self.name}: step must be positive, got {self.step:g}")
        if self.high < self.low:
            raise ValueError(f"{self.name}: {self.high:g} is below {self.low:g}")
        count = math.floor((self.high - self.low) / self.step + 1e-9) + 1
        values = [self.low + k * self.step for k in range(count)]
        if self.integer:
            return list(dict.fromkeys(round(v) for v in values))
        return [round(v, 10) for v in values]

    def describe(self) -> str:
        return f"{self.name}={self.low:g}:{self.high:g}:{self.step:g}"


def numeric_fields(cls: type[Strategy]) -> dict[str, msgspec.inspect.Type]:
    """The int and float parameters of ``cls`` (what a range can cover), in order."""
    info = msgspec.inspect.type_info(cls.Params)
    found: dict[str, msgspec.inspect.Type] = {}
    for field in getattr(info, "fields", ()):
        if isinstance(field.type, msgspec.inspect.IntType | msgspec.inspect.FloatType):
            found[field.name] = field.type
    return found


def default_ranges(cls: type[Strategy]) -> list[ParamRange]:
    """A range for every numeric parameter: its declared bounds, or half to twice its
    default (ints in about ten steps)."""
    defaults = msgspec.structs.asdict(cls.Params()) if _has_defaults(cls) else {}
    ranges = []
    for name, kind in numeric_fields(cls).items():
        integer = isinstance(kind, msgspec.inspect.IntType)
        default = float(defaults.get(name, 1) or 1)
        low = _bound(kind, "ge", "gt", integer)
        high = _bound(kind, "le", "lt", integer, upper=True)
        low = low if low is not None else default / 2
        high = high if high is not None else default * 2
        if integer:
            low, high = math.ceil(low), math.floor(high)
            step = float(max(1, round((high - low) / 10)))
        else:
            step = (high - low) / 10 or 1.0
        ranges.append(ParamRange(name, float(low), float(high), step, integer))
    return ranges


def _has_defaults(cls: type[Strategy]) -> bool:
    try:
        cls.Params()
    except (TypeError, ValueError):
        return False
    return True


def _bound(kind: Any, inclusive: str, exclusive: str, integer: bool,
           upper: bool = False) -> float | None:  # fmt: skip
    value = getattr(kind, inclusive, None)
    if value is not None:
        return float(value)
    value = getattr(kind, exclusive, None)
    if value is None:
        return None
    nudge = 1 if integer else 1e-9
    return float(value) - nudge if upper else float(value) + nudge


def parse_grid(text: str, cls: type[Strategy]) -> list[ParamRange]:
    """``--grid fast=5:20:5,slow=20:60:10`` (a single value fixes the parameter)."""
    fields = numeric_fields(cls)
    ranges = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, spec = part.partition("=")
        name = name.strip()
        if not sep or name not in fields:
            known = ", ".join(fields) or "none"
            raise ValueError(
                f"--grid: '{part}' is not NAME=LOW:HIGH:STEP with NAME a numeric parameter of "
                f"{cls.plugin_name} ({known})"
            )
        pieces = spec.split(":")
        try:
            numbers = [float(p) for p in pieces]
        except ValueError:
            raise ValueError(f"--grid: {name}={spec}: not numbers LOW:HIGH:STEP") from None
        if len(numbers) == 1:
            numbers = [numbers[0], numbers[0], 1.0]
        if len(numbers) != 3:
            raise ValueError(f"--grid: {name}={spec}: give LOW:HIGH:STEP")
        integer = isinstance(fields[name], msgspec.inspect.IntType)
        found = ParamRange(name, numbers[0], numbers[1], numbers[2], integer)
        found.values()  # says what is wrong with it now, not in a worker
        ranges.append(found)
    if not ranges:
        raise ValueError("--grid: give at least one NAME=LOW:HIGH:STEP")
    return ranges


def combinations(
    ranges: Sequence[ParamRange],
    fixed: dict[str, Any] | None = None,
    samples: int = 0,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Every combination of the ranges (a grid), or ``samples`` of them drawn without repeats
    with ``seed`` (a random search); each on top of the ``fixed`` parameters."""
    axes = [r.values() for r in ranges]
    size = math.prod(len(axis) for axis in axes)
    names = [r.name for r in ranges]
    if samples and samples < size:
        picks = sorted(random.Random(seed).sample(range(size), samples))
        chosen = [_nth(axes, k) for k in picks]
    else:
        if size > MAX_COMBINATIONS:
            raise ValueError(
                f"{size:,} combinations: more than {MAX_COMBINATIONS:,}; use a random search "
                "(--random N) or coarser steps"
            )
        chosen = [list(values) for values in itertools.product(*axes)]
    return [{**(fixed or {}), **dict(zip(names, values, strict=True))} for values in chosen]


def _nth(axes: list[list[float | int]], k: int) -> list[float | int]:
    values = []
    for axis in reversed(axes):
        k, rest = divmod(k, len(axis))
        values.append(axis[rest])
    return values[::-1]


def results_table(rows: Sequence[dict[str, Any]], names: Sequence[str],
                  objective: str) -> pd.DataFrame:  # fmt: skip
    """One row per combination (parameters, then statistics, then ``error``), best
    ``objective`` first; refused combinations last."""
    columns = [*names, *NAMES, "error"]
    table = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)
    for name in NAMES:
        table[name] = pd.to_numeric(table[name], errors="coerce")
    table["error"] = table["error"].fillna("")
    return table.sort_values(
        objective, ascending=False, kind="stable", na_position="last"
    ).reset_index(drop=True)
