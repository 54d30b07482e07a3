"""Saved vendor answers (tests/data/vendors) and longer series in the same row formats.

The generated series follow the formats the saved answers show: Sina rows of strings with
volume in shares, Tencent rows ``[date, open, close, high, low, lots]``, Eastmoney CSV lines
``date,open,close,high,low,lots,amount``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "data" / "vendors"


def sample(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def sample_lines(name: str) -> list[str]:
    return [line for line in sample(name).splitlines() if line.strip()]


@dataclass(frozen=True)
class Day:
    """One day's bar as traded: prices in yuan, volume in shares."""

    day: date
    open: float
    high: float
    low: float
    close: float
    shares: float

    def sina(self) -> dict[str, str]:
        return {"day": self.day.isoformat(), "open": f"{self.open:.3f}", "high": f"{self.high:.3f}",
                "low": f"{self.low:.3f}", "close": f"{self.close:.3f}",
                "volume": f"{self.shares:.0f}"}  # fmt: skip

    def qq(self, per_unit: float = 100.0) -> list[object]:
        return [self.day.isoformat(), f"{self.open:.3f}", f"{self.close:.3f}",
                f"{self.high:.3f}", f"{self.low:.3f}", f"{self.shares / per_unit:.3f}"]  # fmt: skip

    def eastmoney(self) -> str:
        amount = self.shares * (self.open + self.close) / 2
        return (f"{self.day.isoformat()},{self.open:.2f},{self.close:.2f},{self.high:.2f},"
                f"{self.low:.2f},{self.shares / 100:.0f},{amount:.2f}")  # fmt: skip


def trading_days(first: date, count: int) -> list[date]:
    """``count`` weekdays from ``first`` on (China's holidays are not needed by these tests:
    day bars are labelled by their dates)."""
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def daily_series(first: date, count: int, seed: int = 1, price: float = 10.0) -> list[Day]:
    rng = np.random.default_rng(seed)
    bars = []
    for day in trading_days(first, count):
        close = round(price * (1 + rng.normal(0, 0.01)), 2)
        high = round(max(price, close) + 0.05, 2)
        low = round(min(price, close) - 0.05, 2)
        bars.append(Day(day, price, high, low, close, float(rng.integers(100, 5000) * 100)))
        price = close
    return bars


def minute_rows(day: date, closes: list[float], length_min: int = 5) -> list[list[object]]:
    """Tencent mkline rows of consecutive ``length_min`` bars from 09:30 (stamped by their
    end, volume in lots)."""
    rows, minute = [], 9 * 60 + 30
    for close in closes:
        minute += length_min
        if 11 * 60 + 30 < minute <= 13 * 60:
            minute = 13 * 60 + length_min
        stamp = f"{day:%Y%m%d}{minute // 60:02d}{minute % 60:02d}"
        rows.append([stamp, f"{close:.2f}", f"{close:.2f}", f"{close + 0.01:.2f}",
                     f"{close - 0.01:.2f}", "10.00", {}, "0.01"])  # fmt: skip
    return rows
