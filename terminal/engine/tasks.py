"""Background tasks an engine owns: tracked, logged when they fail, cancelled on stop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any


class TrackedTasks:
    """The live, remote and replay engines' ``spawn``: a task that fails is logged (with
    ``context`` around the log call, e.g. a log tag), and :meth:`cancel_all` ends them all."""

    def __init__(
        self,
        log: logging.Logger,
        prefix: str = "",
        context: Callable[[], Any] | None = None,
    ) -> None:
        self._log, self._prefix, self._context = log, prefix, context
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=self._prefix + name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled() or task.exception() is None:
            return
        exc = task.exception()
        if self._context is None:
            self._report(task, exc)
        else:
            with self._context():
                self._report(task, exc)

    def _report(self, task: asyncio.Task[Any], exc: BaseException | None) -> None:
        self._log.error("task %s failed: %s: %s", task.get_name(), type(exc).__name__, exc,
                        exc_info=exc)  # fmt: skip

    async def cancel_all(self) -> None:
        """Cancel every running task and wait until each has ended."""
        tasks = [task for task in self._tasks if not task.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    @property
    def running(self) -> set[asyncio.Task[Any]]:
        return set(self._tasks)
