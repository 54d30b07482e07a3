"""A strategy's bar history as numpy arrays: what it was fed (warm-up and live), oldest first."""

from __future__ import annotations

import numpy as np

from terminal.domain.market import Bar

FIELDS = ("start", "open", "high", "low", "close", "volume")


class BarSeries:
    """The last ``capacity`` bars of one timeframe. Arrays are built on demand and cached until
    the next bar, so reading ``close`` on every bar costs one conversion per bar, not per read."""

    def __init__(self, capacity: int = 5000) -> None:
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

    @property
    def start(self) -> np.ndarray:
        return self._array("start")

    @property
    def open(self) -> np.ndarray:
        return self._array("open")

    @property
    def high(self) -> np.ndarray:
        return self._array("high")

    @property
    def low(self) -> np.ndarray:
        return self._array("low")

    @property
    def close(self) -> np.ndarray:
        return self._array("close")

    @property
    def volume(self) -> np.ndarray:
        return self._array("volume")
