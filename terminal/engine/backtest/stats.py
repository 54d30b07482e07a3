"""The statistics of a backtest, from its daily equity and its fills.

Returns are daily: the day's last equity over the day before's (the first day's over the
starting capital). Annual figures use ``annualization`` periods a year (252 trading days by
default; crypto trades 365): annual return is compounded (CAGR), volatility is the standard
deviation (ddof 1) times √annualization, Sharpe is the mean over that standard deviation times
√annualization (risk-free rate 0), Sortino the annualised mean over the annualised downside
deviation (root mean square of the negative returns), Calmar the annual return over the
largest drawdown. These are empyrical's definitions; a test holds them to empyrical-reloaded.

Trades are round trips: fills matched first in, first out per symbol; a round trip's result is
its price difference times quantity and multiplier, less the commission of both fills (pro
rata). Win rate, profit factor (gross profit over gross loss) and the average trade are over
closed round trips. Exposure is the share of bars with a position; turnover the traded notional
over the average equity.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from terminal.domain.enums import Side
from terminal.domain.orders import Fill

NAMES = (
    "total_return", "annual_return", "annual_volatility", "sharpe", "sortino", "max_drawdown",
    "max_drawdown_days", "calmar", "win_rate", "profit_factor", "average_trade", "exposure",
    "turnover", "trades", "fills", "commission", "final_equity", "benchmark_return",
)  # fmt: skip
"""Every statistic, in the order a report shows them (``summary.json`` keys)."""

LABELS = {
    "total_return": ("Total return", "pct"), "annual_return": ("Annual return", "pct"),
    "annual_volatility": ("Annual volatility", "pct"), "sharpe": ("Sharpe ratio", "ratio"),
    "sortino": ("Sortino ratio", "ratio"), "max_drawdown": ("Max drawdown", "pct"),
    "max_drawdown_days": ("Max drawdown duration", "days"), "calmar": ("Calmar ratio", "ratio"),
    "win_rate": ("Win rate", "pct"), "profit_factor": ("Profit factor", "ratio"),
    "average_trade": ("Average trade", "money"), "exposure": ("Exposure", "pct"),
    "turnover": ("Turnover", "times"), "trades": ("Round trips", "count"),
    "fills": ("Fills", "count"), "commission": ("Commission", "money"),
    "final_equity": ("Final equity", "money"), "benchmark_return": ("Buy and hold", "pct"),
}  # fmt: skip
"""Each statistic's label and how it reads."""


def shown(name: str, value: float) -> str:
    """``value`` of statistic ``name`` as a report shows it ("12.34%", "1.52", "45 days")."""
    kind = LABELS.get(name, (name, "ratio"))[1]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if kind == "pct":
        return f"{value * 100:.2f}%"
    if kind == "days":
        return f"{value:.0f} days"
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "times":
        return f"{value:.2f}×"
    return f"{value:.2f}"


def axis_number(value: float) -> str:
    """A chart axis's label: 1.05M, 950k, 1,480 (no exponent, no long tail of digits)."""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:.3g}M"
    if size >= 1e4:
        return f"{value / 1e3:.4g}k"
    return f"{value:,.6g}"


def monthly_returns(daily_equity: pd.Series, start_value: float) -> pd.DataFrame:
    """Returns by month: rows are years, columns 1–12 and "year" (NaN where no data)."""
    if daily_equity.empty:
        return pd.DataFrame(columns=[*range(1, 13), "year"], dtype=float)
    index = pd.DatetimeIndex(daily_equity.index)
    month_end = daily_equity.groupby([index.year, index.month]).last()
    before = month_end.shift(1)
    before.iloc[0] = start_value
    by_month = (month_end / before - 1.0).unstack()
    by_month = by_month.reindex(columns=range(1, 13))
    year_end = daily_equity.groupby(index.year).last()
    year_before = year_end.shift(1)
    year_before.iloc[0] = start_value
    by_month["year"] = year_end / year_before - 1.0
    by_month.index.name = None
    return by_month


def daily_returns(daily_equity: pd.Series, start_value: float) -> pd.Series:
    """Each day's return; the first over ``start_value``."""
    previous = daily_equity.shift(1)
    previous.iloc[0] = start_value
    return daily_equity / previous - 1.0


def drawdown(values: np.ndarray, start_value: float) -> np.ndarray:
    """How far each value is below the highest before it (start included), as a fraction ≤ 0."""
    curve = np.r_[start_value, values]
    peak = np.fmax.accumulate(curve)
    return (curve / peak - 1.0)[1:]


def return_statistics(
    returns: pd.Series, start_value: float, annualization: int
) -> dict[str, float]:
    """The return-based statistics of daily ``returns`` (index: dates)."""
    r = returns.to_numpy(np.float64)
    n = len(r)
    if n == 0:
        return dict.fromkeys(
            ("total_return", "annual_return", "annual_volatility", "sharpe", "sortino",
             "max_drawdown", "max_drawdown_days", "calmar"), math.nan)  # fmt: skip
    growth = np.cumprod(1.0 + r)
    total = float(growth[-1] - 1.0)
    years = n / annualization
    annual = float(growth[-1] ** (1.0 / years) - 1.0)
    std = float(np.std(r, ddof=1)) if n > 1 else math.nan
    volatility = std * math.sqrt(annualization)
    sharpe = float(np.mean(r)) / std * math.sqrt(annualization) if std > 0 else math.nan
    downside = math.sqrt(float(np.mean(np.square(np.minimum(r, 0.0))))) * math.sqrt(
        annualization
    )
    sortino = float(np.mean(r)) * annualization / downside if downside > 0 else math.inf
    curve = drawdown(growth, 1.0)
    max_dd = float(curve.min())
    return {
        "total_return": total,
        "annual_return": annual,
        "annual_volatility": volatility,
        "sharpe": sharpe,
        "sortino": sortino,
        "max_drawdown": max_dd,
        "max_drawdown_days": float(_drawdown_days(returns.index, growth)),
        "calmar": annual / abs(max_dd) if max_dd < 0 else math.nan,
    }


def _drawdown_days(dates: pd.Index, growth: np.ndarray) -> int:
    """Calendar days from the peak before the deepest trough to the recovery of that peak
    (or to the last day, if it never recovered)."""
    curve = np.r_[1.0, growth]
    peak = np.fmax.accumulate(curve)
    depth = curve / peak - 1.0
    trough = int(np.argmin(depth))
    if depth[trough] >= 0:
        return 0
    top = int(np.flatnonzero(curve[:trough] >= peak[trough])[-1])
    after = np.flatnonzero(curve[trough:] >= peak[trough])
    end = trough + int(after[0]) if len(after) else len(curve) - 1
    days = pd.DatetimeIndex(dates)
    first = days[0] - pd.Timedelta(days=1)  # the start value: the day before the first
    at = [first, *days]
    return int((at[end] - at[top]).days)


class RoundTrip:
    """One closed (part of a) position: entry and exit fills matched first in, first out."""

    __slots__ = ("entry_ts", "exit_ts", "pnl", "quantity", "side", "symbol")

    def __init__(self, symbol: str, side: int, quantity: float, entry_ts: int, exit_ts: int,
                 pnl: float) -> None:  # fmt: skip
        self.symbol, self.side, self.quantity = symbol, side, quantity
        self.entry_ts, self.exit_ts, self.pnl = entry_ts, exit_ts, pnl


def round_trips(fills: Sequence[Fill], multipliers: Mapping[str, float]) -> list[RoundTrip]:
    """The closed round trips of ``fills``, in the order they closed."""
    open_lots: dict[str, deque[list[float]]] = {}  # [signed qty, price, fee per unit, ts]
    trips: list[RoundTrip] = []
    buy = Side.BUY
    for fill in fills:
        lots = open_lots.get(fill.symbol)
        if lots is None:
            lots = open_lots[fill.symbol] = deque()
        quantity, price = fill.quantity, fill.price
        signed = quantity if fill.side is buy else -quantity
        fee_per_unit = fill.commission / quantity if quantity else 0.0
        while signed and lots and lots[0][0] * signed < 0:
            lot = lots[0]
            closed = min(abs(signed), abs(lot[0]))
            direction = 1 if lot[0] > 0 else -1
            pnl = (price - lot[1]) * closed * direction * multipliers.get(fill.symbol, 1.0)
            pnl -= (lot[2] + fee_per_unit) * closed
            trips.append(RoundTrip(fill.symbol, direction, closed, int(lot[3]), fill.ts, pnl))
            lot[0] -= direction * closed
            signed += direction * closed
            if abs(lot[0]) < 1e-12:
                lots.popleft()
        if abs(signed) > 1e-12:
            lots.append([signed, price, fee_per_unit, float(fill.ts)])
    return trips


def trade_statistics(trips: Sequence[RoundTrip]) -> dict[str, float]:
    pnl = np.array([trip.pnl for trip in trips], np.float64)
    if not len(pnl):
        return {"win_rate": math.nan, "profit_factor": math.nan, "average_trade": math.nan,
                "trades": 0.0}  # fmt: skip
    gains, losses = float(pnl[pnl > 0].sum()), float(-pnl[pnl < 0].sum())
    return {
        "win_rate": float(np.mean(pnl > 0)),
        "profit_factor": gains / losses if losses > 0 else math.inf,
        "average_trade": float(pnl.mean()),
        "trades": float(len(pnl)),
    }
