"""The statistics against empyrical-reloaded on the same daily returns, and the trade figures
on hand-made fills. Annualisation factor: 252 periods a year (also 365, as for crypto)."""

from __future__ import annotations

import math

import empyrical
import numpy as np
import pandas as pd
import pytest

from terminal.domain.enums import Side
from terminal.domain.orders import Fill
from terminal.engine.backtest.stats import (
    monthly_returns,
    return_statistics,
    round_trips,
    trade_statistics,
)
from tests.engine.backtest.helpers import frame, run, walk
from tests.engine.backtest.test_runs import Crossing


def daily(seed: int, n: int = 400) -> pd.Series:
    rng = np.random.default_rng(seed)
    returns = rng.normal(0.0004, 0.012, n)
    days = pd.bdate_range("2023-01-02", periods=n)
    return pd.Series(returns, index=days)


@pytest.mark.parametrize("annualization", [252, 365])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_return_statistics_agree_with_empyrical(seed: int, annualization: int) -> None:
    returns = daily(seed)
    ours = return_statistics(returns, 1.0, annualization)
    a = {"annualization": annualization}
    theirs = {
        "total_return": empyrical.cum_returns_final(returns),
        "annual_return": empyrical.annual_return(returns, **a),
        "annual_volatility": empyrical.annual_volatility(returns, **a),
        "sharpe": empyrical.sharpe_ratio(returns, **a),
        "sortino": empyrical.sortino_ratio(returns, **a),
        "max_drawdown": empyrical.max_drawdown(returns),
        "calmar": empyrical.calmar_ratio(returns, **a),
    }
    for name, value in theirs.items():
        assert ours[name] == pytest.approx(float(value), rel=1e-9, abs=1e-12), name


def test_a_backtests_own_returns_agree_with_empyrical() -> None:
    result = run(Crossing, frame(walk(6000), step=3_600_000_000_000))  # hourly: 250 days
    returns = pd.Series(result.daily["returns"].to_numpy(),
                        index=pd.DatetimeIndex(result.daily.index))  # fmt: skip
    assert len(returns) > 200
    stats = result.stats
    assert stats["sharpe"] == pytest.approx(empyrical.sharpe_ratio(returns, annualization=252))
    assert stats["sortino"] == pytest.approx(empyrical.sortino_ratio(returns, annualization=252))
    assert stats["max_drawdown"] == pytest.approx(empyrical.max_drawdown(returns))
    assert stats["annual_return"] == pytest.approx(
        empyrical.annual_return(returns, annualization=252)
    )
    assert stats["total_return"] == pytest.approx(stats["final_equity"] / 1_000_000.0 - 1.0)


def test_the_drawdown_duration_runs_from_the_peak_to_its_recovery() -> None:
    days = pd.date_range("2024-01-01", periods=8, freq="D")
    equity = np.array([100, 110, 99, 95, 105, 111, 112, 112.0])
    returns = pd.Series(equity / np.r_[100.0, equity[:-1]] - 1.0, index=days)
    stats = return_statistics(returns, 100.0, 252)
    assert stats["max_drawdown"] == pytest.approx(95 / 110 - 1)
    assert stats["max_drawdown_days"] == 4  # peak on Jan 2, back above it on Jan 6


def fill(n: int, side: Side, quantity: float, price: float, fee: float = 0.0) -> Fill:
    return Fill(f"F{n}", f"O{n}", "b", "T", side, quantity, price, n, fee)


def test_round_trips_match_first_in_first_out_and_count_commission() -> None:
    fills = [fill(1, Side.BUY, 2, 10.0, 2.0), fill(2, Side.BUY, 1, 12.0, 1.0),
             fill(3, Side.SELL, 3, 11.0, 3.0), fill(4, Side.SELL, 1, 11.0),
             fill(5, Side.BUY, 1, 12.5)]  # fmt: skip
    trips = round_trips(fills, {"T": 1.0})
    # 2 @10 → 11: +2 less 2 (entry) less 2 (exit share); 1 @12 → 11: -1 less 1 less 1;
    # the short 1 @11 → 12.5: -1.5.
    assert [(t.side, t.quantity, t.pnl) for t in trips] == [
        (1, 2, pytest.approx(-2.0)), (1, 1, pytest.approx(-3.0)), (-1, 1, pytest.approx(-1.5)),
    ]  # fmt: skip
    stats = trade_statistics(trips)
    assert stats["trades"] == 3 and stats["win_rate"] == 0.0
    assert stats["profit_factor"] == 0.0
    assert stats["average_trade"] == pytest.approx(-6.5 / 3)


def test_profit_factor_is_gross_profit_over_gross_loss() -> None:
    fills = [fill(1, Side.BUY, 1, 10.0), fill(2, Side.SELL, 1, 13.0),
             fill(3, Side.BUY, 1, 10.0), fill(4, Side.SELL, 1, 9.0)]  # fmt: skip
    stats = trade_statistics(round_trips(fills, {"T": 1.0}))
    assert stats["profit_factor"] == pytest.approx(3.0)
    assert stats["win_rate"] == 0.5


def test_monthly_returns_chain_month_ends() -> None:
    days = pd.date_range("2024-01-30", "2024-03-01", freq="D").date
    equity = pd.Series(100.0, index=days)
    equity[pd.Timestamp("2024-01-31").date():] = 110.0
    equity[pd.Timestamp("2024-03-01").date():] = 99.0
    table = monthly_returns(equity, 100.0)
    assert table.loc[2024, 1] == pytest.approx(0.10)
    assert table.loc[2024, 2] == pytest.approx(0.0)
    assert table.loc[2024, 3] == pytest.approx(-0.10)
    assert table.loc[2024, "year"] == pytest.approx(-0.01)
    assert math.isnan(table.loc[2024, 4])
