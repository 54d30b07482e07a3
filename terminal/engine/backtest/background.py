"""A backtest or an optimisation in a process of its own, for the GUI: it reports progress,
can be cancelled at any moment (the process ends), and a strategy that hangs or crashes takes
nothing else with it.

The parent polls :meth:`BackgroundRun.poll` (the GUI on a timer); the child sends
``("progress", done, total)`` as it goes and one last message: ``("result", value)`` or
``("refused", one line)`` for input it could not run (missing bars, bad parameters).
A spawned process is a fresh interpreter: a GUI's threads are never forked.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from terminal.domain.instrument import Instrument
from terminal.engine.backtest.optimize import ParamRange, combinations, results_table
from terminal.engine.backtest.request import BacktestRequest, execute, load_data
from terminal.engine.backtest.workers import (
    Backtests,
    Fold,
    OptimizationJob,
    quiet_strategies,
    walk_forward,
)
from terminal.engine.config import Config

PROGRESS_EVERY_S = 0.1


@dataclass(frozen=True)
class OptimizationRequest:
    """An optimisation as the GUI asks for it: the backtest, the ranges, how to search."""

    backtest: BacktestRequest
    ranges: list[ParamRange]
    samples: int = 0
    """0: the whole grid; N: a random search of N sets."""
    objective: str = "sharpe"
    processes: int = 1
    folds: int = 0
    in_sample: float = 0.7
    cluster: str = ""
    """A Dask scheduler's address (``tcp://host:8786``): run there instead of in processes."""


@dataclass(frozen=True)
class OptimizationOutcome:
    table: Any  # pandas.DataFrame: results_table's
    names: list[str]
    objective: str
    folds: list[Fold]
    timezone: str


def _child(task: Any, config: Config, known: Mapping[str, Instrument], out: Any) -> None:
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_S or done >= total:
            last[0] = now
            out.put(("progress", done, total))

    try:
        with quiet_strategies():
            if isinstance(task, OptimizationRequest):
                value: Any = _optimize(task, config, known, progress)
            else:
                value = execute(task, config, known, progress=progress)
    except (ValueError, OSError) as exc:  # input it cannot run (or a cluster it cannot reach)
        out.put(("refused", str(exc)))
        return
    out.put(("result", value))


def _optimize(
    task: OptimizationRequest, config: Config, known: Mapping[str, Instrument], progress: Any
) -> OptimizationOutcome:
    from terminal.engine.backtest.data import timezone_of

    request = task.backtest
    cls = request.strategy.load()
    data = load_data(request, cls, known)
    combos = combinations(task.ranges, request.params, task.samples)
    job = OptimizationJob(request.strategy, data, config, request.capital, request.warmup)
    with Backtests(job, min(task.processes, len(combos)), task.cluster) as backtests:
        rows = backtests.rows([(None, params) for params in combos], progress)
        folds = walk_forward(backtests, combos, folds=task.folds, in_sample=task.in_sample,
                             objective=task.objective) if task.folds else []  # fmt: skip
    names = [r.name for r in task.ranges]
    tz = str(timezone_of(data.instruments[data.symbols[0]]))
    return OptimizationOutcome(results_table(rows, names, task.objective), names,
                               task.objective, folds, tz)  # fmt: skip


class BackgroundRun:
    """One backtest (a :class:`BacktestRequest`) or optimisation (an
    :class:`OptimizationRequest`) running in a child process."""

    def __init__(
        self, task: BacktestRequest | OptimizationRequest, config: Config,
        known: Mapping[str, Instrument],
    ) -> None:  # fmt: skip
        context = multiprocessing.get_context("spawn")
        self._queue: Any = context.Queue()
        self._process = context.Process(
            target=_child, args=(task, config, dict(known), self._queue), daemon=True,
            name="terminal-backtest",
        )  # fmt: skip
        self.finished = False
        self.outcome: tuple[str, Any] | None = None
        """("result", value) or ("refused" / "failed", message) once finished."""

    def start(self) -> None:
        self._process.start()

    def poll(self) -> list[tuple[Any, ...]]:
        """The messages that arrived (progress, then the outcome); notices a child that died
        without a word (``("failed", why)``)."""
        found: list[tuple[Any, ...]] = []
        while not self.finished:
            try:
                message = self._queue.get_nowait()
            except queue.Empty:
                break
            found.append(message)
            if message[0] in ("result", "refused"):
                self._finish((message[0], message[1]))
        if not self.finished and not self._process.is_alive():
            try:  # the last message may still be in the pipe
                message = self._queue.get(timeout=0.5)
                found.append(message)
                self._finish((message[0], message[1]))
            except queue.Empty:
                code = self._process.exitcode
                outcome = ("failed", f"the backtest process ended unexpectedly (exit code {code})")
                found.append(outcome)
                self._finish(outcome)
        return found

    def cancel(self) -> None:
        """End the run now (nothing of it is kept)."""
        if self._process.is_alive():
            self._process.terminate()
        self._finish(("cancelled", ""))

    def _finish(self, outcome: tuple[str, Any]) -> None:
        if self.finished:
            return
        self.finished = True
        self.outcome = outcome
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
        self._queue.close()
        self._queue.join_thread()
