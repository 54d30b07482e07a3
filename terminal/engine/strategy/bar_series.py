"""A strategy's bar history as numpy arrays: what it was fed (warm-up and live), oldest first.

Live, a :class:`BarSeries` keeps the bars it is fed and turns them into arrays when read. A
backtest knows every bar of the run beforehand: its :class:`ColumnBarSeries` is a window over
those columns that grows by one bar each time a bar is fed, so reading ``close`` costs a slice,
not a conversion. Both hold the last ``capacity`` bars and read the same to a strategy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

import numpy as np

from terminal.domain.market import Bar

if TYPE_CHECKING:
    from terminal.engine.strategy.indicator_line import IndicatorLine

FIELDS = ("start", "open", "high", "low", "close", "volume")
CAPACITY = 5000


class _Column:
    """A bar series' read-only column of the field it is named after, as an array: what the
    series' ``_array`` gives for that name (one descriptor for the six fields of a bar)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, series: None, owner: type) -> _Column: ...

    @overload
    def __get__(self, series: BarSeries, owner: type) -> np.ndarray: ...

    def __get__(self, series: BarSeries | None, owner: type) -> np.ndarray | _Column:
        return self if series is None else series._array(self.name)


class BarSeries:
    """The last ``capacity`` bars of one timeframe. Arrays are built on demand and cached until
    the next bar, so reading ``close`` on every bar costs one conversion per bar, not per read."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._bars: list[Bar] = []
        self._arrays: dict[str, np.ndarray] = {}

    def append(self, bar: Bar) -> None:
        self._bars.append(bar)
        if len(self._bars) > 2 * self.capacity:  # trim in chunks: amortised O(1) per bar
            del self._bars[: -self.capacity]
        self._arrays.clear()

    def __len__(self) -> int:
        return min(len(self._bars), self.capacity)

    @property
    def last(self) -> Bar | None:
        return self._bars[-1] if self._bars else None

    def _array(self, name: str) -> np.ndarray:
        cached = self._arrays.get(name)
        if cached is None:
            bars = self._bars[-self.capacity :]
            dtype = np.int64 if name == "start" else np.float64
            cached = np.fromiter((getattr(b, name) for b in bars), dtype=dtype, count=len(bars))
            cached.flags.writeable = False  # shared with every reader until the next bar
            self._arrays[name] = cached
        return cached

    start = _Column()
    open = _Column()
    high = _Column()
    low = _Column()
    close = _Column()
    volume = _Column()


class BarColumns:
    """Every bar of one symbol and timeframe of a backtest, as read-only columns."""

    def __init__(
        self,
        start: np.ndarray,
        open_: np.ndarray,
        high: np.ndarray,
        low: np.ndarray,
        close: np.ndarray,
        volume: np.ndarray,
    ) -> None:
        self.start = np.ascontiguousarray(start, np.int64)
        self.open = np.ascontiguousarray(open_, np.float64)
        self.high = np.ascontiguousarray(high, np.float64)
        self.low = np.ascontiguousarray(low, np.float64)
        self.close = np.ascontiguousarray(close, np.float64)
        self.volume = np.ascontiguousarray(volume, np.float64)
        for name in FIELDS:
            getattr(self, name).flags.writeable = False
        self.starts: list[int] = self.start.tolist()
        """The starts as Python ints: checked against each bar fed, without numpy per bar."""

    def __len__(self) -> int:
        return len(self.starts)


class ColumnBarSeries(BarSeries):
    """A backtest's series: a window over :class:`BarColumns` that grows as bars are fed.

    Bars must be fed in the columns' order (the backtest does); one that is not the next bar
    of the columns is an error, never a silent shift of every later value."""

    def __init__(self, columns: BarColumns, capacity: int = CAPACITY) -> None:
        super().__init__(capacity)
        self.columns = columns
        self.fed = 0
        """Bars fed so far: the next one fed must be ``columns.starts[fed]``."""
        self._last: Bar | None = None
        self.lines: list[IndicatorLine] = []
        """Indicators declared on this series, computed over the whole run: feeding a bar
        sets each one's value (here, inline: it is the backtest's hot path)."""

    def append(self, bar: Bar) -> None:
        fed = self.fed
        starts = self.columns.starts
        if fed >= len(starts) or starts[fed] != bar.start:
            raise ValueError(
                f"bar {bar.symbol} {bar.timeframe} starting {bar.start} is not bar {fed} of "
                "the backtest's columns"
            )
        self.fed = fed + 1
        self._last = bar
        for line in self.lines:
            line.value = line.first[fed]

    def __len__(self) -> int:
        return min(self.fed, self.capacity)

    @property
    def last(self) -> Bar | None:
        return self._last

    def _array(self, name: str) -> np.ndarray:
        end = self.fed
        column: np.ndarray = getattr(self.columns, name)
        return column[max(0, end - self.capacity) : end]
