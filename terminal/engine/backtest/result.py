"""What a backtest leaves: its fills, equity bar by bar and day by day, the benchmark, the
statistics, and the strategy's log (or the traceback that stopped it); and the CSV and JSON
files ``terminal backtest`` writes.

Equity is marked at each base bar's close: the starting capital, plus the cash flow of every
fill so far (notional and commission), plus each position at its symbol's last close. The
benchmark buys and holds the symbols, equal weights, from the first bar after the warm-up.
Both, and the statistics, cover the bars after the warm-up.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from terminal.domain.enums import OrderStatus, Side
from terminal.domain.orders import Fill
from terminal.engine.backtest.data import BacktestData, timezone_of
from terminal.engine.backtest.settings import BacktestSection
from terminal.engine.backtest.stats import (
    NAMES,
    daily_returns,
    drawdown,
    return_statistics,
    round_trips,
    trade_statistics,
)

if TYPE_CHECKING:
    from terminal.engine.backtest.host import BacktestHost
    from terminal.engine.strategy.instance import StrategyInstance

TRADE_COLUMNS = ("datetime", "symbol", "side", "quantity", "price", "commission")
REFUSED = (OrderStatus.REJECTED, OrderStatus.CANCELLED)


@dataclass
class BacktestResult:
    """One run's outcome. Plain data (numpy, pandas, msgspec structs): it pickles, so it comes
    back from a worker process whole."""

    strategy: str
    params: dict[str, Any]
    symbols: tuple[str, ...]
    timeframe: str
    capital: float
    currency: str
    annualization: int
    fills: list[Fill]
    times: np.ndarray
    """Start of each base bar after the warm-up (UTC ns), the x of the curves below."""
    equity: np.ndarray
    benchmark: np.ndarray
    position: np.ndarray
    """Net position of the primary symbol after each bar."""
    daily: pd.DataFrame
    """Per day (index: the exchange's local date): equity, benchmark, returns,
    benchmark_returns, drawdown."""
    stats: dict[str, float]
    prices: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """Per symbol: (bar starts, closes) of the base bars after the warm-up."""
    multipliers: dict[str, float] = field(default_factory=dict)
    timezone: str = "UTC"
    warmup: int = 0
    bars: int = 0
    seconds: float = 0.0
    error: str = ""
    """The traceback that stopped the strategy ("" if it ran to the end)."""
    log: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    """Orders the pipeline or the broker refused, with the reason."""

    @property
    def ok(self) -> bool:
        return not self.error

    def trades_frame(self) -> pd.DataFrame:
        """The fills as ``trades.csv`` has them (local exchange time, ISO)."""
        tz = self.timezone
        return pd.DataFrame(
            {
                "datetime": [_iso(fill.ts, tz) for fill in self.fills],
                "symbol": [fill.symbol for fill in self.fills],
                "side": [fill.side.value for fill in self.fills],
                "quantity": [fill.quantity for fill in self.fills],
                "price": [fill.price for fill in self.fills],
                "commission": [fill.commission for fill in self.fills],
            },
            columns=list(TRADE_COLUMNS),
        )

    def summary(self) -> dict[str, Any]:
        """``summary.json``: the statistics by name, and what was run."""
        return {
            "strategy": self.strategy,
            "params": self.params,
            "symbols": list(self.symbols),
            "timeframe": self.timeframe,
            "start": str(self.daily.index[0]) if len(self.daily) else None,
            "end": str(self.daily.index[-1]) if len(self.daily) else None,
            "capital": self.capital,
            "currency": self.currency,
            "annualization": self.annualization,
            "warmup": self.warmup,
            "bars": self.bars,
            "error": self.error or None,
            "statistics": {name: _json_number(self.stats.get(name, math.nan)) for name in NAMES},
        }

    def write(self, folder: Path) -> list[Path]:
        """``trades.csv``, ``equity.csv`` (daily) and ``summary.json`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        trades, equity, summary = (folder / n for n in ("trades.csv", "equity.csv",
                                                         "summary.json"))  # fmt: skip
        self.trades_frame().to_csv(trades, index=False, lineterminator="\n")
        daily = self.daily.reset_index().rename(columns={"index": "date"})
        daily.to_csv(equity, index=False, lineterminator="\n", float_format="%.10g")
        summary.write_text(json.dumps(self.summary(), indent=2) + "\n", encoding="utf-8")
        return [trades, equity, summary]


def _json_number(value: float) -> float | str | None:
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return round(value, 10)


def _iso(ns: int, tz: str) -> str:
    return pd.Timestamp(ns, tz="UTC").tz_convert(tz).isoformat()


def collect_result(
    strategy: str,
    params: dict[str, Any],
    data: BacktestData,
    host: BacktestHost,
    instance: StrategyInstance,
    warm_events: int,
    capital: float,
    settings: BacktestSection,
    *,
    error: str,
    seconds: float,
) -> BacktestResult:
    fills = list(host.fills)
    primary = data.symbols[0]
    multipliers = {s: host.instruments[s].multiplier for s in data.symbols}
    live_from = _live_from(data, host.live_since_ns)
    starts = [data.base(s).columns.start for s in data.symbols]
    times = starts[0] if len(starts) == 1 else np.unique(np.concatenate(starts))
    times = times[times >= live_from]
    columns = FillColumns(fills)
    equity, positions, marks = mark_to_market(columns, data, times, capital, multipliers)
    benchmark = buy_and_hold(marks, data, times, capital)
    tz = timezone_of(host.instruments.get(primary))
    daily = daily_frame(times, equity, benchmark, capital, str(tz))
    stats = return_statistics(daily["returns"], capital, settings.annualization)
    stats.update(trade_statistics(round_trips(fills, multipliers)))
    traded = float(np.sum(np.abs(columns.signed * columns.price)
                          * np.array([multipliers[s] for s in columns.symbol])))  # fmt: skip
    held = np.any(np.vstack(list(positions.values())) != 0, axis=0) if positions else []
    stats.update(
        exposure=float(np.mean(held)) if len(times) else math.nan,
        turnover=traded / float(np.mean(equity)) if len(equity) else math.nan,
        fills=float(len(fills)),
        commission=float(sum(f.commission for f in fills)),
        final_equity=float(equity[-1]) if len(equity) else capital,
        benchmark_return=float(benchmark[-1] / capital - 1.0) if len(benchmark) else math.nan,
    )
    rejected = [
        f"{o.order_id} {o.side.value} {o.quantity:g} {o.symbol}: {o.reason}"
        for o in host.order_book.all()
        if o.status in REFUSED and o.reason and o.reason != "cancelled"
    ]
    return BacktestResult(
        strategy=strategy, params=params, symbols=data.symbols, timeframe=data.timeframe,
        capital=capital, currency=settings.currency, annualization=settings.annualization,
        fills=fills, times=times, equity=equity, benchmark=benchmark,
        position=positions.get(primary, np.zeros(len(times))), daily=daily, stats=stats,
        prices={s: (times, marks[s]) for s in data.symbols}, multipliers=multipliers,
        timezone=str(tz), warmup=instance.warmup, bars=data.bar_count, seconds=seconds,
        error=error, log=[f"{line.level:<7} {line.message}" for line in instance.log_lines],
        rejected=rejected,
    )  # fmt: skip


def _live_from(data: BacktestData, live_since_ns: int) -> int:
    """The start of the first base bar closing after the warm-up."""
    firsts = []
    for symbol in data.symbols:
        base = data.base(symbol)
        after = np.flatnonzero(base.ends > live_since_ns)
        if len(after):
            firsts.append(int(base.columns.start[after[0]]))
    return min(firsts) if firsts else 2**62


class FillColumns:
    """The fills as arrays (one pass over the Fill objects, then numpy)."""

    def __init__(self, fills: list[Fill]) -> None:
        count = len(fills)
        self.ts = np.fromiter((f.ts for f in fills), np.int64, count)
        self.symbol = np.array([f.symbol for f in fills], dtype=object)
        buy = Side.BUY
        self.signed = np.fromiter(
            (f.quantity if f.side is buy else -f.quantity for f in fills), np.float64, count
        )
        self.price = np.fromiter((f.price for f in fills), np.float64, count)
        self.commission = np.fromiter((f.commission for f in fills), np.float64, count)


def mark_to_market(
    fills: FillColumns,
    data: BacktestData,
    times: np.ndarray,
    capital: float,
    multipliers: dict[str, float],
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Equity at the close of each bar of ``times``, each symbol's position after each bar,
    and each symbol's last close at each bar (a fill belongs to the bar it happened in)."""
    n = len(times)
    equity = np.full(n, capital)
    positions: dict[str, np.ndarray] = {}
    marks: dict[str, np.ndarray] = {}
    if not n:
        return equity, positions, marks
    at = np.maximum(np.searchsorted(times, fills.ts, side="right") - 1, 0)
    cash = np.zeros(n)
    for symbol in data.symbols:
        base = data.base(symbol)
        index = np.searchsorted(base.columns.start, times, side="right") - 1
        close = np.where(index >= 0, base.columns.close[np.maximum(index, 0)], np.nan)
        mine = fills.symbol == symbol
        multiplier = multipliers[symbol]
        signed = fills.signed[mine]
        moved = np.bincount(at[mine], weights=signed, minlength=n)
        flows = -signed * fills.price[mine] * multiplier - fills.commission[mine]
        cash += np.bincount(at[mine], weights=flows, minlength=n)
        position = np.cumsum(moved)
        equity += np.where(position != 0, position * np.nan_to_num(close), 0.0) * multiplier
        positions[symbol], marks[symbol] = position, close
    return equity + np.cumsum(cash), positions, marks


def buy_and_hold(
    marks: dict[str, np.ndarray], data: BacktestData, times: np.ndarray, capital: float
) -> np.ndarray:
    """``capital`` split equally over the symbols, bought at the first live bar's open."""
    if not len(times):
        return np.zeros(0)
    parts = []
    for symbol, close in marks.items():
        base = data.base(symbol)
        first = int(np.searchsorted(base.columns.start, times[0]))
        entry = base.columns.open[min(first, len(base) - 1)]
        parts.append(np.nan_to_num(close / entry, nan=1.0))
    return capital * np.mean(parts, axis=0)


def daily_frame(
    times: np.ndarray, equity: np.ndarray, benchmark: np.ndarray, capital: float, tz: str
) -> pd.DataFrame:
    """The last equity and benchmark of each local day, their returns and the drawdown."""
    if not len(times):
        columns = ["equity", "benchmark", "returns", "benchmark_returns", "drawdown"]
        return pd.DataFrame(columns=columns, dtype=float)
    local = pd.DatetimeIndex(times.view("datetime64[ns]"), tz="UTC").tz_convert(tz)
    days = local.normalize().tz_localize(None).asi8
    last = np.flatnonzero(np.r_[days[1:] != days[:-1], True])  # each day's last bar
    daily = pd.DataFrame(
        {"equity": equity[last], "benchmark": benchmark[last]},
        index=pd.DatetimeIndex(days[last].view("datetime64[ns]")).date,
    )
    daily["returns"] = daily_returns(daily["equity"], capital)
    daily["benchmark_returns"] = daily_returns(daily["benchmark"], capital)
    daily["drawdown"] = drawdown(daily["equity"].to_numpy(), capital)
    return daily
