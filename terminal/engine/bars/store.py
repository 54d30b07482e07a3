"""The bar history store: closed bars per symbol and timeframe, as numpy columns.

Bars come from feeds' history, from CSV/Parquet files and from the live builder; merging keeps
one bar per start (the source merged last wins) in start order, so the seam between history
and live has neither duplicates nor reordering. The store persists to one ``.npz`` file per
symbol and timeframe and reloads it on the next run.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from terminal.domain.market import Bar
from terminal.engine.bars.batch import BAR_COLUMNS, frame_to_bars

log = logging.getLogger("terminal.bars")

NUMERIC = ("open", "high", "low", "close", "volume", "turnover", "open_interest")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class BarSeries:
    """Columns of one symbol and timeframe; appends grow the arrays by doubling."""

    def __init__(self, symbol: str, timeframe: str, capacity: int = 256) -> None:
        self.symbol, self.timeframe = symbol, timeframe
        self.size = 0
        self.start = np.empty(capacity, np.int64)
        self.ticks = np.empty(capacity, np.int64)
        self.values = np.empty((capacity, len(NUMERIC)), np.float64)

    def __len__(self) -> int:
        return self.size

    def append(self, bar: Bar) -> None:
        if self.size and bar.start <= self.start[self.size - 1]:
            self.merge_columns(*bar_columns([bar]))
            return
        if self.size == len(self.start):
            self._grow(2 * self.size)
        i = self.size
        self.start[i], self.ticks[i] = bar.start, bar.ticks
        self.values[i] = (
            bar.open,
            bar.high,
            bar.low,
            bar.close,
            bar.volume,
            bar.turnover,
            bar.open_interest,
        )
        self.size += 1

    def clear(self) -> None:
        """Forget every bar (a re-adjusted history is fetched anew). Views handed out before
        keep their rows: new arrays are made, old ones are not written."""
        self.size = 0
        self.start = np.empty(256, np.int64)
        self.ticks = np.empty(256, np.int64)
        self.values = np.empty((256, len(NUMERIC)), np.float64)

    def _grow(self, capacity: int) -> None:
        capacity = max(capacity, 256)
        for name in ("start", "ticks"):
            old = getattr(self, name)
            new = np.empty(capacity, old.dtype)
            new[: self.size] = old[: self.size]
            setattr(self, name, new)
        values = np.empty((capacity, len(NUMERIC)), np.float64)
        values[: self.size] = self.values[: self.size]
        self.values = values

    def frame(self, last: int | None = None) -> pd.DataFrame:
        lo = 0 if last is None else max(0, self.size - last)
        frame = pd.DataFrame(self.values[lo : self.size], columns=list(NUMERIC))
        frame.insert(0, "start", self.start[lo : self.size])
        frame.insert(0, "timeframe", self.timeframe)
        frame.insert(0, "symbol", self.symbol)
        frame["ticks"] = self.ticks[lo : self.size]
        return frame[list(BAR_COLUMNS)]

    def merge(self, frame: pd.DataFrame) -> None:
        """Add bars (any order); a bar with the same start as a held one replaces it."""
        self.merge_columns(
            frame["start"].to_numpy(np.int64),
            frame["ticks"].to_numpy(np.int64),
            frame[list(NUMERIC)].to_numpy(np.float64),
        )

    def merge_columns(self, start: np.ndarray, ticks: np.ndarray, values: np.ndarray) -> None:
        """:meth:`merge` on columns: ``values`` has one row per bar, columns :data:`NUMERIC`.

        Plain numpy, no frame: a start-up seeds thousands of series, and building frames
        cost tens of milliseconds per series."""
        count = len(start)
        if not count:
            return
        if (self.size == 0 or start[0] > self.start[self.size - 1]) and (
            count == 1 or bool(np.all(start[1:] > start[:-1]))
        ):  # the usual case: newer bars in order, appended as they are
            if self.size + count > len(self.start):
                self._grow(max(2 * self.size, self.size + count))
            end = self.size + count
            self.start[self.size : end], self.ticks[self.size : end] = start, ticks
            self.values[self.size : end] = values
            self.size = end
            return
        all_start = np.concatenate([self.start[: self.size], start])
        order = np.argsort(all_start, kind="stable")  # equal starts keep held-then-new order
        ordered = all_start[order]
        keep = order[np.append(ordered[1:] != ordered[:-1], True)]  # the last of each start
        all_ticks = np.concatenate([self.ticks[: self.size], ticks])
        all_values = np.concatenate([self.values[: self.size], values])
        self.size = 0
        self._grow(len(keep))
        self.size = len(keep)
        self.start[: self.size] = all_start[keep]
        self.ticks[: self.size] = all_ticks[keep]
        self.values[: self.size] = all_values[keep]


def bar_columns(bars: Sequence[Bar]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, ticks, values) of ``bars`` for :meth:`BarSeries.merge_columns`."""
    count = len(bars)
    start = np.fromiter((bar.start for bar in bars), np.int64, count)
    ticks = np.fromiter((bar.ticks for bar in bars), np.int64, count)
    values = np.array(
        [(b.open, b.high, b.low, b.close, b.volume, b.turnover, b.open_interest) for b in bars],
        np.float64,
    ).reshape(count, len(NUMERIC))
    return start, ticks, values


class BarStore:
    """Every :class:`BarSeries` the terminal holds, with load and save."""

    def __init__(self) -> None:
        self._series: dict[tuple[str, str], BarSeries] = {}

    def series(self, symbol: str, timeframe: str) -> BarSeries:
        key = (symbol, timeframe)
        found = self._series.get(key)
        if found is None:
            found = self._series[key] = BarSeries(symbol, timeframe)
        return found

    def has(self, symbol: str, timeframe: str) -> bool:
        return len(self._series.get((symbol, timeframe), ())) > 0

    def append(self, bar: Bar) -> None:
        self.series(bar.symbol, bar.timeframe).append(bar)

    def extend(self, bars: Sequence[Bar]) -> None:
        """Merge bars of any symbols and timeframes."""
        groups: dict[tuple[str, str], list[Bar]] = {}
        for bar in bars:
            groups.setdefault((bar.symbol, bar.timeframe), []).append(bar)
        for (symbol, timeframe), group in groups.items():
            self.series(symbol, timeframe).merge_columns(*bar_columns(group))

    def merge(self, frame: pd.DataFrame) -> None:
        """Merge a frame with :data:`BAR_COLUMNS` (any symbols and timeframes)."""
        for (symbol, timeframe), part in frame.groupby(["symbol", "timeframe"], observed=True):
            self.series(str(symbol), str(timeframe)).merge(part)

    def bars(self, symbol: str, timeframe: str, last: int | None = None) -> list[Bar]:
        found = self._series.get((symbol, timeframe))
        return frame_to_bars(found.frame(last)) if found else []

    def frame(self, symbol: str, timeframe: str, last: int | None = None) -> pd.DataFrame:
        return self.series(symbol, timeframe).frame(last)

    # ---- files ---------------------------------------------------------------------------
    def save(self, folder: Path) -> int:
        folder.mkdir(parents=True, exist_ok=True)
        written = 0
        for (symbol, timeframe), series in self._series.items():
            if not len(series):
                continue
            name = f"{_UNSAFE.sub('_', symbol)}__{timeframe}.npz"
            np.savez(
                folder / name,
                symbol=np.array(symbol),
                timeframe=np.array(timeframe),
                start=series.start[: series.size],
                ticks=series.ticks[: series.size],
                values=series.values[: series.size],
            )
            written += 1
        return written

    def load(self, folder: Path) -> int:
        """Merge every saved series in ``folder``; unreadable files are logged and skipped."""
        loaded = 0
        for path in sorted(folder.glob("*.npz")) if folder.is_dir() else []:
            try:
                with np.load(path) as data:
                    key = str(data["symbol"]), str(data["timeframe"])
                    start, ticks = data["start"].astype(np.int64), data["ticks"].astype(np.int64)
                    values = data["values"].astype(np.float64)
                if values.shape != (len(start), len(NUMERIC)) or len(ticks) != len(start):
                    raise ValueError(f"columns of unequal length or width {values.shape}")
            except (OSError, KeyError, ValueError) as exc:
                log.warning("bar store: skipped %s: %s", path, exc)
                continue
            self.series(*key).merge_columns(start, ticks, values)
            loaded += 1
        return loaded


def read_bar_file(path: Path) -> pd.DataFrame:
    """Bars from CSV or Parquet with :data:`BAR_COLUMNS`; ``start`` as ISO time or UTC ns."""
    frame = pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(path)
    missing = [
        c
        for c in ("symbol", "timeframe", "start", "open", "high", "low", "close")
        if c not in frame.columns
    ]
    if missing:
        raise ValueError(f"{path}: missing bar columns {missing}")
    for column, default in (("volume", 0.0), ("turnover", 0.0), ("open_interest", 0.0)):
        if column not in frame.columns:
            frame[column] = default
    if "ticks" not in frame.columns:
        frame["ticks"] = 0
    start = frame["start"]
    if not pd.api.types.is_integer_dtype(start):
        stamps = pd.to_datetime(start, utc=True, format="ISO8601").dt.as_unit("ns")
        frame["start"] = stamps.astype("int64")
    return frame[list(BAR_COLUMNS)]
