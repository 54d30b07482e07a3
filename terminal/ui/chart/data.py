"""The chart's bars as numpy columns, and their level-of-detail view (Qt-free).

x is the bar index. Closed bars live in growable columns (appends are amortised O(1)); the
forming bar is held apart so a live update touches one tuple. ``buckets`` aggregates the
visible bars into groups of ``k`` (open of the first, max high, min low, close of the last,
summed volume) aligned to multiples of ``k``, so a million bars zoomed out become about one
candle per pixel column; the complete buckets are cached, only the last one is recomputed
per live update, which keeps an update independent of the number of bars.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

OPEN, HIGH, LOW, CLOSE, VOLUME = range(5)
Row = tuple[int, float, float, float, float, float]  # start ns, open, high, low, close, volume


@dataclass(frozen=True, slots=True)
class Buckets:
    """Aggregated candles: centre x, bucket width in bars, and OHLCV per bucket."""

    x: np.ndarray
    width: int
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    def __len__(self) -> int:
        return len(self.x)


EMPTY = Buckets(*(np.empty(0),), 1, *(np.empty(0) for _ in range(5)))


def lod_step(bars_per_pixel: float) -> int:
    """Bars per drawn candle: 1 while a bar gets a pixel or more, else the next power of two
    (so bucket edges stay put while the user zooms within one level)."""
    if not math.isfinite(bars_per_pixel) or bars_per_pixel <= 1.0:
        return 1
    return 1 << math.ceil(math.log2(bars_per_pixel))


class BarBuffer:
    """Closed bars (``starts`` and an (n, 5+) OHLCV block, read-only views of the engine's
    store, so loading a million bars copies nothing) plus the forming bar."""

    def __init__(self) -> None:
        self.starts = np.empty(0, np.int64)
        self._values = np.empty((0, 5), np.float64)  # rows are bars: open high low close volume
        self.forming: Row | None = None
        self.generation = 0  # bumps when existing indices change meaning (reload, prepend)
        self._cache: tuple[tuple[int, int, int, int], Buckets] | None = None

    @property
    def size(self) -> int:
        return len(self.starts)

    # ---- filling ---------------------------------------------------------------------------
    def load(self, starts: np.ndarray, values: np.ndarray) -> None:
        """Replace everything with ``starts`` (n,) and ``values`` (n, 5 or more columns)."""
        self._adopt(starts, values)
        self.forming = None
        self.generation += 1
        self._cache = None

    def prepend(self, starts: np.ndarray, values: np.ndarray) -> None:
        """Older bars in front (lazy history): ``starts``/``values`` are the whole new series;
        every index shifts by the number of bars added."""
        forming = self.forming
        self.load(starts, values)
        self.forming = forming

    def extend(self, starts: np.ndarray, values: np.ndarray) -> None:
        """The same bars plus newer closed ones: held buckets stay valid."""
        if len(starts) < self.size:
            raise ValueError(f"extend: {len(starts)} bars is fewer than the {self.size} held")
        self._adopt(starts, values)
        if self.forming is not None and self.size and self.forming[0] <= int(starts[-1]):
            self.forming = None

    def drop_last(self) -> None:
        """Forget the newest closed bar (it is still forming after all)."""
        self._adopt(self.starts[:-1], self._values[:-1])
        self.generation += 1
        self._cache = None

    def _adopt(self, starts: np.ndarray, values: np.ndarray) -> None:
        if values.ndim != 2 or values.shape[1] < 5 or len(values) != len(starts):
            raise ValueError(f"bars: values of shape {values.shape} don't fit {len(starts)} starts")
        self.starts, self._values = starts, values

    def set_forming(self, row: Row | None) -> None:
        self.forming = row

    # ---- reading ---------------------------------------------------------------------------
    @property
    def count(self) -> int:
        """Bars on the x axis: closed ones plus the forming one."""
        return self.size + (self.forming is not None)

    def column(self, field: int) -> np.ndarray:
        return self._values[:, field]

    def start_at(self, index: int) -> int | None:
        if 0 <= index < self.size:
            return int(self.starts[index])
        if index == self.size and self.forming is not None:
            return self.forming[0]
        return None

    def row(self, index: int) -> Row | None:
        """The bar at ``index`` (closed or forming), or None outside the data."""
        if 0 <= index < self.size:
            o, h, low, c, v = (float(x) for x in self._values[index, :5])
            return int(self.starts[index]), o, h, low, c, v
        if index == self.size:
            return self.forming
        return None

    def x_of_time(self, ts: int, bar_ns: float) -> float:
        """The x of time ``ts``: its bar's index plus how far into the bar it is; before the
        first bar and after the last, counted on in bars of ``bar_ns`` (drawings reach there)."""
        count = self.count
        if count == 0:
            return 0.0
        first, last = self.start_at(0), self.start_at(count - 1)
        assert first is not None and last is not None
        if ts < first:
            return (ts - first) / bar_ns
        if ts >= last:
            return count - 1 + (ts - last) / bar_ns
        index = int(np.searchsorted(self.starts, ts, side="right")) - 1
        return index + min((ts - int(self.starts[index])) / bar_ns, 1.0)

    def time_of_x(self, x: float, bar_ns: float) -> int:
        """The time at ``x`` (the inverse of :meth:`x_of_time` within and around the bars)."""
        count = self.count
        if count == 0:
            return 0
        index = min(max(math.floor(x), 0), count - 1)
        start = self.start_at(index)
        assert start is not None
        return start + round((x - index) * bar_ns)

    def buckets(self, first: int, stop: int, k: int) -> Buckets:
        """Candles covering bar indices ``[first, stop)`` in groups of ``k`` bars."""
        count = self.count
        first, stop = max(0, first), min(stop, count)
        if stop <= first:
            return EMPTY
        b0, b_end = first // k, -(-stop // k)
        full = self.size // k  # buckets made of closed bars only: cacheable
        parts = []
        if b0 < min(b_end, full):
            parts.append(self._full_buckets(b0, min(b_end, full), k))
        if b_end > full >= b0:
            parts.append(self._tail_bucket(full, k))
        if len(parts) == 1:
            return parts[0]
        a, b = parts
        return Buckets(
            np.concatenate([a.x, b.x]),
            k,
            *(np.concatenate([getattr(a, f), getattr(b, f)]) for f in _FIELDS),
        )

    def _full_buckets(self, b0: int, b1: int, k: int) -> Buckets:
        key = (k, b0, b1, self.generation)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        rows = self._values[b0 * k : b1 * k]
        m = b1 - b0
        result = Buckets(
            np.arange(b0, b1, dtype=np.float64) * k + (k - 1) / 2,
            k,
            rows[::k, OPEN].copy(),
            rows[:, HIGH].reshape(m, k).max(axis=1),
            rows[:, LOW].reshape(m, k).min(axis=1),
            rows[k - 1 :: k, CLOSE].copy(),
            rows[:, VOLUME].reshape(m, k).sum(axis=1),
        )
        self._cache = (key, result)
        return result

    def _tail_bucket(self, bucket: int, k: int) -> Buckets:
        """The last, incomplete bucket: its closed bars plus the forming bar."""
        part = self._values[bucket * k :, :5].T
        if self.forming is not None:
            part = np.column_stack([part, np.array(self.forming[1:])])
        return Buckets(
            np.array([bucket * k + (k - 1) / 2]),
            k,
            part[OPEN, :1].copy(),
            part[HIGH].max(keepdims=True),
            part[LOW].min(keepdims=True),
            part[CLOSE, -1:].copy(),
            part[VOLUME].sum(keepdims=True),
        )


_FIELDS = ("open", "high", "low", "close", "volume")
