"""P&L samples as numpy columns: what the recorder appends and the P&L chart reads."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

Row = tuple[float, float, float, float]
"""equity (NaN for a strategy: it holds no cash), realised, unrealised, commission."""

TOTAL = "total"


def account_key(broker: str) -> str:
    return f"account:{broker}"


def strategy_key(instance: str) -> str:
    return f"strategy:{instance}"


class PnlSeries(NamedTuple):
    """One key's samples, oldest first: read-only views (no copy)."""

    ts: np.ndarray
    """UTC ns, int64."""
    equity: np.ndarray
    realized: np.ndarray
    unrealized: np.ndarray
    commission: np.ndarray

    @property
    def net(self) -> np.ndarray:
        """Realised plus unrealised, less commission: what the account or strategy made."""
        result: np.ndarray = self.realized + self.unrealized - self.commission
        return result


class SampleColumns:
    """Growable columns of one key's samples (doubling, so appends are amortised O(1))."""

    def __init__(self, capacity: int = 256) -> None:
        self._ts = np.empty(capacity, np.int64)
        self._values = np.empty((capacity, 4), np.float64)
        self.size = 0

    def append(self, ts: int, row: Row) -> None:
        if self.size == len(self._ts):
            self._ts = np.concatenate([self._ts, np.empty(len(self._ts), np.int64)])
            self._values = np.concatenate([self._values, np.empty_like(self._values)])
        self._ts[self.size] = ts
        self._values[self.size] = row
        self.size += 1

    def last(self) -> Row | None:
        if not self.size:
            return None
        equity, realized, unrealized, commission = self._values[self.size - 1].tolist()
        return equity, realized, unrealized, commission

    def series(self) -> PnlSeries:
        ts, values = self._ts[: self.size], self._values[: self.size]
        ts.flags.writeable = False
        columns = [values[:, i] for i in range(4)]
        for column in columns:
            column.flags.writeable = False
        return PnlSeries(ts, *columns)
