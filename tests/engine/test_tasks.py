"""Tracked background tasks: a failure is logged inside the owner's log context, and
cancel_all ends every task still running."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import pytest

from terminal.engine.tasks import TrackedTasks
from tests.aio import run


def test_a_failing_task_is_logged_in_context_and_cancel_all_ends_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    entered: list[str] = []

    @contextlib.contextmanager
    def context() -> Iterator[None]:
        entered.append("in")
        yield

    async def scenario() -> None:
        tasks = TrackedTasks(logging.getLogger("test.tasks"), "owner: ", context)

        async def fail() -> None:
            raise RuntimeError("boom")

        sleeper = tasks.spawn(asyncio.sleep(60), "sleeper")
        failing = tasks.spawn(fail(), "failing")
        await asyncio.sleep(0.01)
        assert failing.done() and tasks.running == {sleeper}
        await tasks.cancel_all()
        assert sleeper.cancelled() and not tasks.running

    with caplog.at_level(logging.ERROR, logger="test.tasks"):
        run(scenario(), timeout=5)
    assert "task owner: failing failed: RuntimeError: boom" in caplog.text
    assert entered == ["in"]  # only the failure was reported, inside the context
