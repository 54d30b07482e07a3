"""Optimisation: ranges from the parameter struct or --grid, grid and random sets, the rows
the same in this process, in worker processes and on Dask's local cluster; walk-forward."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from terminal.engine.backtest.background import BackgroundRun, OptimizationRequest
from terminal.engine.backtest.data import BacktestData
from terminal.engine.backtest.optimize import (
    ParamRange,
    combinations,
    default_ranges,
    parse_grid,
    results_table,
)
from terminal.engine.backtest.request import BacktestRequest, StrategyRef
from terminal.engine.backtest.run import Cancelled
from terminal.engine.backtest.workers import Backtests, OptimizationJob, run_rows, walk_forward
from terminal.engine.config import Config
from tests.engine.backtest.helpers import STOCK, Crosses, frame, walk

GRID = [ParamRange("fast", 3, 7, 2, True), ParamRange("slow", 10, 20, 10, True)]


@pytest.fixture(scope="module")
def job() -> OptimizationJob:
    # Bars an hour apart (about 100 days: enough days for the statistics), read as 1m bars.
    hourly = frame(walk(2500), step=3_600_000_000_000)
    data = BacktestData({STOCK.symbol: hourly}, "1m", Crosses.timeframes, {STOCK.symbol: STOCK})
    return OptimizationJob(StrategyRef.of(Crosses), data, Config())


def sets() -> list[dict[str, Any]]:
    return [*combinations(GRID), {"fast": 6, "slow": 5}]  # the last one the struct refuses


def same_rows(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    """Equal, NaN included (a NaN from another process is another object)."""
    return msgspec.json.encode(a) == msgspec.json.encode(b)


def test_ranges_come_from_the_parameter_struct() -> None:
    ranges = {r.name: r for r in default_ranges(Crosses)}
    assert list(ranges) == ["fast", "slow", "quantity"]
    assert ranges["fast"] == ParamRange("fast", 2, 8, 1, True)  # its Meta(ge=2, le=8)
    assert (ranges["slow"].low, ranges["slow"].high, ranges["slow"].integer) == (10, 40, True)
    assert (ranges["quantity"].low, ranges["quantity"].high) == (5.0, 20.0)


def test_a_grid_is_parsed_and_checked_against_the_struct() -> None:
    assert parse_grid("fast=3:7:2, slow=10:20:10", Crosses) == GRID
    assert parse_grid("quantity=1", Crosses) == [ParamRange("quantity", 1, 1, 1, False)]
    with pytest.raises(ValueError, match="numeric parameter of crosses \\(fast, slow, quantity"):
        parse_grid("speed=1:2:1", Crosses)
    with pytest.raises(ValueError, match="fast: step must be positive"):
        parse_grid("fast=3:7:0", Crosses)
    with pytest.raises(ValueError, match="give LOW:HIGH:STEP"):
        parse_grid("fast=3:7", Crosses)


def test_grid_and_random_sets() -> None:
    grid = combinations(GRID, {"quantity": 1.0})
    assert grid == [{"quantity": 1.0, "fast": f, "slow": s} for f in (3, 5, 7) for s in (10, 20)]
    drawn = combinations(GRID, samples=4, seed=7)
    assert drawn == combinations(GRID, samples=4, seed=7) and len(drawn) == 4
    assert all(d in combinations(GRID) for d in drawn)
    with pytest.raises(ValueError, match="use a random search"):
        combinations([ParamRange("a", 0, 999, 1, True), ParamRange("b", 0, 999, 1, True)])


def test_rows_hold_the_statistics_and_a_refused_set_says_why(job: OptimizationJob) -> None:
    rows = run_rows(job, sets())
    assert [r["fast"] for r in rows] == [3, 3, 5, 5, 7, 7, 6]
    assert all(not r["error"] and r["trades"] > 0 for r in rows[:-1])
    assert rows[-1]["error"].endswith("need 0 < fast < slow, got fast=6, slow=5")
    table = results_table(rows, ["fast", "slow"], "sharpe")
    assert table["sharpe"].iloc[:-1].is_monotonic_decreasing
    assert table.iloc[-1]["error"] and math.isnan(table.iloc[-1]["sharpe"])


@pytest.mark.slow
def test_worker_processes_give_the_same_rows(job: OptimizationJob) -> None:
    done: list[int] = []
    rows = run_rows(job, sets(), processes=2, progress=lambda n, total: done.append(n))
    assert same_rows(rows, run_rows(job, sets()))
    assert sorted(done) == list(range(1, 8))


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as local:
        yield local.scheduler_address


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_table_as_the_process_pool(
    job: OptimizationJob, cluster: str
) -> None:
    on_cluster = run_rows(job, sets(), cluster=cluster)
    in_pool = run_rows(job, sets(), processes=2)
    assert same_rows(on_cluster, in_pool)
    names = ["fast", "slow"]
    a, b = results_table(on_cluster, names, "sharpe"), results_table(in_pool, names, "sharpe")
    assert a.equals(b)


def test_cancel_stops_between_backtests(job: OptimizationJob) -> None:
    done: list[int] = []
    with pytest.raises(Cancelled, match="cancelled after 2 of 7 backtests"):
        run_rows(job, sets(), progress=lambda n, total: done.append(n),
                 cancelled=lambda: len(done) >= 2)  # fmt: skip


def test_walk_forward_optimises_in_sample_and_tests_the_best_out_of_it(
    job: OptimizationJob,
) -> None:
    with Backtests(job) as backtests:
        folds = walk_forward(backtests, combinations(GRID), folds=2, in_sample=0.6,
                             objective="sharpe")  # fmt: skip
    assert [f.number for f in folds] == [1, 2]
    first, last = job.data.span()
    assert folds[0].in_start == first and folds[1].out_end == last
    for fold in folds:
        assert fold.in_end == fold.out_start and fold.in_start < fold.in_end < fold.out_end
        in_rows = run_rows(job.__class__(job.strategy, job.data.between(fold.in_start,
                           fold.in_end), job.config), combinations(GRID))  # fmt: skip
        best = max(in_rows, key=lambda r: r["sharpe"])
        assert fold.best == {"fast": best["fast"], "slow": best["slow"]}
        assert fold.in_sample == best["sharpe"]
        assert not math.isnan(fold.out_of_sample)
    with pytest.raises(ValueError, match=r"in-sample share must be between 0\.1 and 0\.95"):
        walk_forward(Backtests(job), combinations(GRID), folds=2, in_sample=1.0,
                     objective="sharpe")  # fmt: skip


@pytest.mark.slow
def test_a_background_optimisation_on_the_cluster(
    job: OptimizationJob, cluster: str, tmp_path: Path
) -> None:
    """What the GUI starts: an optimisation in a process of its own, sent to Dask."""
    path = tmp_path / "bars.parquet"
    job.data.frames[STOCK.symbol].assign(symbol=STOCK.symbol, timeframe="1m").to_parquet(path)
    request = BacktestRequest(strategy=StrategyRef.of(Crosses), data_file=str(path))
    run = BackgroundRun(OptimizationRequest(request, GRID, cluster=cluster), Config(),
                        {STOCK.symbol: STOCK})  # fmt: skip
    run.start()
    deadline = time.monotonic() + 120
    messages = []
    while not run.finished and time.monotonic() < deadline:
        messages += run.poll()
        time.sleep(0.05)
    assert run.outcome is not None and run.outcome[0] == "result", run.outcome
    outcome = run.outcome[1]
    expected = results_table(run_rows(job, combinations(GRID)), ["fast", "slow"], "sharpe")
    assert outcome.table.equals(expected)
    assert any(m[0] == "progress" for m in messages)
