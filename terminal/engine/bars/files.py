"""Reading ticks and writing bars as CSV or Parquet, for ``terminal bars``."""

from __future__ import annotations

import re
import warnings
from datetime import tzinfo
from pathlib import Path

import numpy as np
import pandas as pd

from terminal.engine.bars.batch import BAR_COLUMNS, TickArrays

REQUIRED = ("symbol", "datetime", "last", "volume")
OPTIONAL = ("bid", "ask", "turnover", "open_interest")


class InputError(ValueError):
    """A ticks file that cannot be read at all (missing file or columns)."""


def read_ticks(path: Path, tz: tzinfo) -> tuple[TickArrays, list[tuple[int, str]]]:
    """Ticks as :class:`TickArrays`, and (line, reason) of each malformed row."""
    if not path.exists():
        raise InputError(f"ticks file not found: {path}")
    bad_lines: list[tuple[int, str]] = []
    if path.suffix.lower() == ".parquet":
        frame = pd.read_parquet(path)
        first_line = 1  # Parquet has no header line: rows count from 1
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = pd.read_csv(
                path, dtype=str, skip_blank_lines=False, on_bad_lines="warn", keep_default_na=False
            )
        bad_lines = _bad_line_warnings(caught)
        first_line = 2  # line 1 is the header
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing columns {missing}; need {', '.join(REQUIRED)}")
    symbol = frame["symbol"].astype(str).str.strip()
    stamps, valid_time = _parse_times(frame["datetime"], tz)
    last = pd.to_numeric(frame["last"], errors="coerce")
    volume = pd.to_numeric(frame["volume"], errors="coerce")
    extra = {
        c: pd.to_numeric(frame[c], errors="coerce") if c in frame.columns else None
        for c in OPTIONAL
    }
    problems = [
        (symbol.eq("") | symbol.eq("nan"), "symbol is empty"),
        (pd.Series(~valid_time), "datetime is not a time"),
        (~(last > 0) | ~np.isfinite(last), "last is not a positive number"),
        (~(volume >= 0) | ~np.isfinite(volume), "volume is not a number >= 0"),
    ]
    for name in ("turnover", "open_interest"):
        column = extra[name]
        if column is not None:
            problems.append((column.isna() & frame[name].ne(""), f"{name} is not a number"))
    bad = np.zeros(len(frame), bool)
    for mask, reason in problems:
        mask_np = mask.to_numpy(bool)
        for row in np.flatnonzero(mask_np & ~bad):
            value = frame.iloc[row].to_dict()
            bad_lines.append((int(row) + first_line, f"{reason}: {value}"))
        bad |= mask_np
    bad_lines.sort()
    good = ~bad
    codes, names = pd.factorize(symbol[good])
    turnover = extra["turnover"]
    interest = extra["open_interest"]
    ticks = TickArrays(
        symbols=[str(n) for n in names],
        codes=codes.astype(np.int32),
        ts=stamps[good],
        last=last[good].to_numpy(np.float64),
        volume=volume[good].to_numpy(np.float64),
        turnover=(
            turnover[good].fillna(0.0).to_numpy(np.float64)
            if turnover is not None
            else np.zeros(int(good.sum()))
        ),
        open_interest=(
            interest[good].fillna(0.0).to_numpy(np.float64)
            if interest is not None
            else np.zeros(int(good.sum()))
        ),
    )
    return ticks, bad_lines


def _bad_line_warnings(caught: list[warnings.WarningMessage]) -> list[tuple[int, str]]:
    found = []
    for warning in caught:
        for match in re.finditer(r"Skipping line (\d+): (.*)", str(warning.message)):
            found.append((int(match.group(1)), match.group(2).strip()))
    return found


def _parse_times(column: pd.Series, tz: tzinfo) -> tuple[np.ndarray, np.ndarray]:
    """UTC nanoseconds and a validity mask, from ISO text or epoch integers (s/ms/us/ns)."""
    text = column.astype(str).str.strip()
    integer = text.str.fullmatch(r"-?\d{1,19}").to_numpy(bool)
    if len(text) and integer.mean() >= 0.5:
        values = np.zeros(len(text), np.int64)
        values[integer] = text[integer].astype(np.int64).to_numpy()
        magnitude = int(np.abs(values).max())
        scale = (
            next(
                s
                for limit, s in ((10**17, 1), (10**14, 1_000), (10**11, 1_000_000))
                if magnitude >= limit
            )
            if magnitude >= 10**11
            else 10**9
        )
        return values * scale, integer
    stamps = pd.to_datetime(text, errors="coerce", format="ISO8601")
    if stamps.dt.tz is None:
        stamps = stamps.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    valid = stamps.notna().to_numpy(bool)
    ns = stamps.dt.tz_convert("UTC").dt.as_unit("ns").to_numpy("datetime64[ns]").view(np.int64)
    return ns, valid


def write_bars(frames: dict[str, pd.DataFrame], path: Path, tz: tzinfo) -> int:
    parts = [f for f in frames.values() if isinstance(f, pd.DataFrame) and not f.empty]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=BAR_COLUMNS)
    frame = frame.astype({"symbol": str})
    local = pd.to_datetime(frame["start"].astype("int64"), utc=True).dt.tz_convert(tz)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        frame.assign(start=local).to_parquet(path, index=False)
    else:
        frame.assign(start=local.map(lambda t: t.isoformat())).to_csv(path, index=False)
    return len(frame)
