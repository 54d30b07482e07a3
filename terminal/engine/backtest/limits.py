"""A-share daily price limits: the band around the previous trading day's close.

Main board ±10%, ST stocks of the main board ±5%, ChiNext (SZSE 300/301) and STAR (SSE
688/689) ±20%, the Beijing exchange ±30%. The limit price is the previous close times (1 ± the
band), rounded half up to the 0.01 tick, as the exchanges publish it. Other instruments have
no limits here.
"""

from __future__ import annotations

import numpy as np

from terminal.domain.enums import AssetClass
from terminal.domain.instrument import Instrument

A_SHARE_EXCHANGES = ("SSE", "SZSE", "BSE")
SHANGHAI_OFFSET_NS = 8 * 3_600_000_000_000  # China keeps UTC+8 all year
DAY_NS = 86_400_000_000_000


def limit_band(instrument: Instrument) -> float | None:
    """The daily band of an A-share as a fraction (0.1 for ±10%); None for anything else."""
    if instrument.exchange not in A_SHARE_EXCHANGES or instrument.asset_class is not (
        AssetClass.STOCK
    ):
        return None
    code = instrument.symbol.partition(".")[0]
    if instrument.exchange == "BSE":
        return 0.30
    if (instrument.exchange == "SZSE" and code.startswith(("300", "301"))) or (
        instrument.exchange == "SSE" and code.startswith(("688", "689"))
    ):
        return 0.20
    if "ST" in instrument.name.upper():
        return 0.05
    return 0.10


def round_half_up(values: np.ndarray, tick: float) -> np.ndarray:
    # The small nudge keeps 10.005 (stored as 10.00499999…) rounding up, as the exchange does.
    return np.floor(values / tick + 0.5 + 1e-9) * tick


def daily_limits(
    starts: np.ndarray, closes: np.ndarray, band: float, tick: float
) -> tuple[np.ndarray, np.ndarray]:
    """(limit-up, limit-down) price of each bar's trading day, from the last close of the day
    before in these bars; NaN on the first day (no close before it)."""
    days = (starts + SHANGHAI_OFFSET_NS) // DAY_NS
    up = np.full(len(starts), np.nan)
    down = np.full(len(starts), np.nan)
    if not len(starts):
        return up, down
    first_of_day = np.flatnonzero(np.r_[True, days[1:] != days[:-1]])
    last_of_day = np.r_[first_of_day[1:], len(days)] - 1
    previous_close = np.r_[np.nan, closes[last_of_day[:-1]]]
    counts = np.diff(np.r_[first_of_day, len(days)])
    reference = np.repeat(previous_close, counts)
    known = ~np.isnan(reference)
    up[known] = round_half_up(reference[known] * (1.0 + band), tick)
    down[known] = round_half_up(reference[known] * (1.0 - band), tick)
    return up, down
