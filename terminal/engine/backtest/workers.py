"""Running many backtests: in this process, in a pool of worker processes, or on a Dask
cluster (``--cluster tcp://scheduler:8786``); and walk-forward folds over them.

A worker gets the :class:`OptimizationJob` once (the bars travel as their columns, the strategy
as where its class lives) and then only parameter sets; it answers one row per set. The rows
are the same wherever they ran: each backtest is deterministic, and the table is sorted after.
"""

from __future__ import annotations

import concurrent.futures as futures
import importlib.util
import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import msgspec

from terminal.engine.backtest.data import BacktestData
from terminal.engine.backtest.request import StrategyRef
from terminal.engine.backtest.run import Cancelled, run_backtest
from terminal.engine.config import Config

RowProgress = Callable[[int, int], None]
"""(backtests done, backtests in all)."""


@dataclass(frozen=True)
class OptimizationJob:
    """Everything a backtest needs but its parameters."""

    strategy: StrategyRef
    data: BacktestData
    config: Config
    capital: float | None = None
    warmup: int = -1

    def with_data(self, data: BacktestData) -> OptimizationJob:
        return replace(self, data=data)

    def warmup_bars(self) -> int:
        return self.warmup if self.warmup >= 0 else self.strategy.load().warmup_bars

    def row(self, params: dict[str, Any]) -> dict[str, Any]:
        """The parameters, every statistic of their backtest, and ``error`` ("" if it ran)."""
        try:
            result = run_backtest(
                self.strategy.load(), params, self.data, config=self.config,
                settings=self.config.backtest, instruments=self.data.instruments,
                capital=self.capital, warmup=self.warmup,
            )  # fmt: skip
        except ValueError as exc:  # parameters the strategy's struct refuses
            return {**params, "error": str(exc)}
        last_line = result.error.strip().splitlines()[-1] if result.error else ""
        return {**params, **result.stats, "error": last_line}


_JOB: OptimizationJob | None = None  # a pool worker's job, set once by its initializer


def _take_job(job: OptimizationJob) -> None:
    global _JOB
    _JOB = job


def _row_in_worker(params: dict[str, Any]) -> dict[str, Any]:
    assert _JOB is not None, "worker started without its job"
    return _JOB.row(params)


def _row_of(job: OptimizationJob, params: dict[str, Any]) -> dict[str, Any]:
    return job.row(params)


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_rows(
    job: OptimizationJob,
    combos: Sequence[dict[str, Any]],
    *,
    processes: int = 1,
    cluster: str = "",
    progress: RowProgress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[dict[str, Any]]:
    """A row per parameter set, in the order of ``combos``. ``processes`` > 1 runs them in
    that many worker processes (started fresh, so a GUI's threads are never forked); a
    ``cluster`` address runs them on that Dask scheduler instead. Raises :class:`Cancelled`."""
    if cluster:
        return _on_cluster(job, combos, cluster, progress, cancelled)
    if processes <= 1 or len(combos) <= 1:
        rows = []
        for n, params in enumerate(combos):
            if cancelled is not None and cancelled():
                raise Cancelled(f"cancelled after {n} of {len(combos)} backtests")
            rows.append(job.row(params))
            if progress is not None:
                progress(n + 1, len(combos))
        return rows
    context = multiprocessing.get_context("spawn")
    found: list[dict[str, Any] | None] = [None] * len(combos)
    with futures.ProcessPoolExecutor(
        min(processes, len(combos)), mp_context=context, initializer=_take_job, initargs=(job,)
    ) as pool:
        pending = {pool.submit(_row_in_worker, params): n for n, params in enumerate(combos)}
        for done, future in enumerate(futures.as_completed(pending), 1):
            found[pending[future]] = future.result()
            if progress is not None:
                progress(done, len(combos))
            if cancelled is not None and cancelled():
                pool.shutdown(wait=True, cancel_futures=True)
                raise Cancelled(f"cancelled after {done} of {len(combos)} backtests")
    return [row for row in found if row is not None]


def _on_cluster(
    job: OptimizationJob,
    combos: Sequence[dict[str, Any]],
    address: str,
    progress: RowProgress | None,
    cancelled: Callable[[], bool] | None,
) -> list[dict[str, Any]]:
    from distributed import Client, as_completed

    with Client(address, set_as_default=False) as client:
        ref = job.strategy
        if ref.file and importlib.util.find_spec(ref.module.split(".")[0]) is None:
            client.upload_file(ref.file)  # a plugin-folder strategy the workers cannot import
        shared = client.scatter(job, broadcast=True)
        tasks = [client.submit(_row_of, shared, params, pure=False) for params in combos]
        index = {task.key: n for n, task in enumerate(tasks)}
        found: list[dict[str, Any] | None] = [None] * len(combos)
        for done, task in enumerate(as_completed(tasks), 1):
            found[index[task.key]] = task.result()
            if progress is not None:
                progress(done, len(combos))
            if cancelled is not None and cancelled():
                client.cancel(tasks)
                raise Cancelled(f"cancelled after {done} of {len(combos)} backtests")
    return [row for row in found if row is not None]


class Fold(msgspec.Struct, frozen=True):
    """One walk-forward fold: the best parameters of its in-sample part, and how they did
    there and on the out-of-sample part that follows."""

    number: int
    in_start: int
    in_end: int
    out_start: int
    out_end: int
    best: dict[str, Any]
    in_sample: float
    """The objective in sample (of the best parameters)."""
    out_of_sample: float
    out_return: float
    """Total return out of sample."""


def walk_forward(
    job: OptimizationJob,
    combos: Sequence[dict[str, Any]],
    *,
    folds: int,
    in_sample: float,
    objective: str,
    **run: Any,
) -> list[Fold]:
    """Cut the range into ``folds`` consecutive parts; in each, optimise on the first
    ``in_sample`` share and run the best parameters on the rest (warmed up on the bars just
    before it, so the out-of-sample part is traded whole)."""
    if not 0.1 <= in_sample <= 0.95:
        raise ValueError(f"in-sample share must be between 0.1 and 0.95, got {in_sample:g}")
    first, last = job.data.span()
    edges = [first + (last - first) * k // folds for k in range(folds + 1)]
    warmup = job.warmup_bars()
    primary = job.data.base(job.data.symbols[0]).columns.start
    found = []
    for k in range(folds):
        start, end = edges[k], edges[k + 1]
        cut = start + int((end - start) * in_sample)
        rows = run_rows(job.with_data(job.data.between(start, cut)), combos, **run)
        ranked = [r for r in rows if not r.get("error") and not _missing(r.get(objective))]
        if not ranked:
            continue
        best_row = max(ranked, key=lambda r: r[objective])
        best = {name: best_row[name] for name in combos[0]}
        warm_from = primary[max(0, int(primary.searchsorted(cut)) - warmup)]
        out = job.with_data(job.data.between(int(warm_from), end)).row(best)
        found.append(Fold(k + 1, start, cut, cut, end, best, float(best_row[objective]),
                          float(out.get(objective, math.nan)),
                          float(out.get("total_return", math.nan))))  # fmt: skip
    return found


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
