"""Running many backtests: in this process, in a pool of worker processes, or on a Dask
cluster (``--cluster tcp://scheduler:8786``); and walk-forward folds over them.

A worker gets the :class:`OptimizationJob` once (the bars travel as their columns, the strategy
as where its class lives) and then only tasks: a parameter set, and the part of the range to
run it on (None: all of it). It answers one row per task. The rows are the same wherever they
ran: each backtest is deterministic, and rows come back in the order of the tasks.
"""

from __future__ import annotations

import concurrent.futures as futures
import importlib.util
import itertools
import logging
import math
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import msgspec

from terminal.engine.backtest.data import BacktestData
from terminal.engine.backtest.request import StrategyRef
from terminal.engine.backtest.run import Cancelled, run_backtest
from terminal.engine.config import Config

RowProgress = Callable[[int, int], None]
"""(backtests done, backtests in all)."""
Span = tuple[int, int]
"""[first, end) bar starts (UTC ns) a task runs on."""
Task = tuple[Span | None, dict[str, Any]]


@contextmanager
def quiet_strategies() -> Iterator[None]:
    """Backtests by the hundred: their strategies' log lines (warm-up refusals, their own
    messages) stay in each result, not on the console."""
    loggers = [logging.getLogger(n) for n in ("terminal.strategy", "terminal.strategies")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@dataclass(frozen=True)
class OptimizationJob:
    """Everything a backtest needs but its parameters."""

    strategy: StrategyRef
    data: BacktestData
    config: Config
    capital: float | None = None
    warmup: int = -1

    def warmup_bars(self) -> int:
        return self.warmup if self.warmup >= 0 else self.strategy.load().warmup_bars

    def row(self, params: dict[str, Any], data: BacktestData | None = None) -> dict[str, Any]:
        """The parameters, every statistic of their backtest, and ``error`` ("" if it ran)."""
        try:
            with quiet_strategies():
                result = run_backtest(
                    self.strategy.load(), params, data or self.data, config=self.config,
                    settings=self.config.backtest, instruments=self.data.instruments,
                    capital=self.capital, warmup=self.warmup,
                )  # fmt: skip
        except ValueError as exc:  # parameters the strategy's struct refuses
            return {**params, "error": str(exc)}
        last_line = result.error.strip().splitlines()[-1] if result.error else ""
        return {**params, **result.stats, "error": last_line}


_JOB: OptimizationJob | None = None  # a pool worker's job, set once by its initializer
_PARTS: dict[tuple[int, Span], BacktestData] = {}  # a worker's cut ranges, by job and span


def _take_job(job: OptimizationJob) -> None:
    global _JOB
    _JOB = job


def _run(job: OptimizationJob, span: Span | None, params: dict[str, Any]) -> dict[str, Any]:
    data = None
    if span is not None:
        key = (id(job), span)
        data = _PARTS.get(key)
        if data is None:
            data = _PARTS[key] = job.data.between(*span)
    return job.row(params, data)


def _run_in_worker(span: Span | None, params: dict[str, Any]) -> dict[str, Any]:
    assert _JOB is not None, "worker started without its job"
    return _run(_JOB, span, params)


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Backtests:
    """Where a job's backtests run, kept for several batches (a walk-forward's): this process
    (``processes`` 1), that many fresh worker processes (spawned: a GUI's threads are never
    forked), or the Dask scheduler at ``cluster``."""

    def __init__(self, job: OptimizationJob, processes: int = 1, cluster: str = "") -> None:
        self.job, self.processes, self.cluster = job, processes, cluster
        self._pool: futures.ProcessPoolExecutor | None = None
        self._client: Any = None
        self._shared: Any = None

    def __enter__(self) -> Backtests:
        if self.cluster:
            from distributed import Client

            self._client = Client(self.cluster, set_as_default=False)
            ref = self.job.strategy
            if ref.file and importlib.util.find_spec(ref.module.split(".")[0]) is None:
                self._client.upload_file(ref.file)  # a plugin-folder strategy: workers lack it
            self._shared = self._client.scatter(self.job, broadcast=True)
        elif self.processes > 1:
            self._pool = futures.ProcessPoolExecutor(
                self.processes, mp_context=multiprocessing.get_context("spawn"),
                initializer=_take_job, initargs=(self.job,),
            )  # fmt: skip
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._client is not None:
            self._client.close()

    def rows(
        self,
        tasks: Sequence[Task],
        progress: RowProgress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[dict[str, Any]]:
        """A row per task, in the order of ``tasks``; :class:`Cancelled` when ``cancelled()``
        turns true (checked as each backtest finishes)."""
        total = len(tasks)
        if self._client is None and self._pool is None:
            rows = []
            for n, (span, params) in enumerate(tasks):
                _check(cancelled, n, total)
                rows.append(_run(self.job, span, params))
                if progress is not None:
                    progress(n + 1, total)
            return rows
        if self._client is not None:
            from distributed import as_completed

            pending = [self._client.submit(_run, self._shared, span, params, pure=False)
                       for span, params in tasks]  # fmt: skip
            order = {task.key: n for n, task in enumerate(pending)}
            finished: Iterator[Any] = as_completed(pending, loop=self._client.loop)
            key: Callable[[Any], int] = lambda task: order[task.key]  # noqa: E731
            stop: Callable[[], Any] = lambda: self._client.cancel(pending)  # noqa: E731
        else:
            assert self._pool is not None
            submitted = {self._pool.submit(_run_in_worker, span, params): n
                         for n, (span, params) in enumerate(tasks)}  # fmt: skip
            finished = futures.as_completed(submitted)
            key = submitted.__getitem__
            stop = lambda: [f.cancel() for f in submitted]  # noqa: E731
        found: list[dict[str, Any] | None] = [None] * total
        for done, task in enumerate(finished, 1):
            found[key(task)] = task.result()
            if progress is not None:
                progress(done, total)
            if cancelled is not None and cancelled() and done < total:
                stop()
                raise Cancelled(f"cancelled after {done} of {total} backtests")
        return [row for row in found if row is not None]


def _check(cancelled: Callable[[], bool] | None, done: int, total: int) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled(f"cancelled after {done} of {total} backtests")


def run_rows(
    job: OptimizationJob,
    combos: Sequence[dict[str, Any]],
    *,
    processes: int = 1,
    cluster: str = "",
    progress: RowProgress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[dict[str, Any]]:
    """A row per parameter set over the job's whole range (see :class:`Backtests`)."""
    with Backtests(job, min(processes, len(combos)), cluster) as backtests:
        return backtests.rows([(None, params) for params in combos], progress, cancelled)


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
    backtests: Backtests,
    combos: Sequence[dict[str, Any]],
    *,
    folds: int,
    in_sample: float,
    objective: str,
    progress: RowProgress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Fold]:
    """Cut the range into ``folds`` consecutive parts; in each, optimise on the first
    ``in_sample`` share and run the best parameters on the rest (warmed up on the bars just
    before it, so the out-of-sample part is traded whole)."""
    if not 0.1 <= in_sample <= 0.95:
        raise ValueError(f"in-sample share must be between 0.1 and 0.95, got {in_sample:g}")
    if folds < 1:
        raise ValueError(f"walk-forward folds must be at least 1, got {folds}")
    job = backtests.job
    first, last = job.data.span()
    edges = [first + (last - first) * k // folds for k in range(folds + 1)]
    cuts = [start + int((end - start) * in_sample) for start, end in itertools.pairwise(edges)]
    tasks: list[Task] = [((edges[k], cuts[k]), params) for k in range(folds) for params in combos]
    rows = backtests.rows(tasks, progress, cancelled)
    warmup = job.warmup_bars()
    primary = job.data.base(job.data.symbols[0]).columns.start
    chosen: list[tuple[int, dict[str, Any], float]] = []
    for k in range(folds):
        fold_rows = rows[k * len(combos):(k + 1) * len(combos)]
        ranked = [r for r in fold_rows if not r.get("error") and not _missing(r.get(objective))]
        if ranked:
            best_row = max(ranked, key=lambda r: r[objective])
            chosen.append((k, {name: best_row[name] for name in combos[0]}, best_row[objective]))
    out_tasks: list[Task] = []
    for k, best, _ in chosen:
        warm_from = int(primary[max(0, int(primary.searchsorted(cuts[k])) - warmup)])
        out_tasks.append(((warm_from, edges[k + 1]), best))
    outs = backtests.rows(out_tasks, None, cancelled) if out_tasks else []
    return [
        Fold(k + 1, edges[k], cuts[k], cuts[k], edges[k + 1], best, float(score),
             float(out.get(objective, math.nan)), float(out.get("total_return", math.nan)))
        for (k, best, score), out in zip(chosen, outs, strict=True)
    ]  # fmt: skip


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
