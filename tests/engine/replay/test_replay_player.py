"""The replay player: pacing at 1× and 10× on a manual wall clock, pause, step, max speed."""

from __future__ import annotations

import asyncio

import pytest

from terminal.engine import journal as j
from terminal.engine.replay.player import ReplayPlayer
from tests.aio import run
from tests.engine.replay_helpers import synthetic


class ManualWall:
    """A wall clock that moves only when the player waits (or a test says so)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.yields = 0

    def monotonic(self) -> float:
        return self.now

    async def wait(self, seconds: float, wake: asyncio.Event) -> None:
        await asyncio.sleep(0)
        if seconds <= 0:
            self.yields += 1
        elif not wake.is_set():
            self.now += seconds


def play(records: list[j.Record], speed: float | None, **kwargs: object) -> tuple[
    ReplayPlayer, ManualWall, list[j.Record]
]:
    """Play ``records`` to the end on a manual wall clock; the player, clock and applied."""
    wall, applied = ManualWall(), []
    player = ReplayPlayer(records, applied.append, speed=speed, wall=wall, **kwargs)  # type: ignore[arg-type]
    run(player.run())
    return player, wall, applied


def test_pacing_follows_the_recorded_times_and_10x_is_ten_times_faster() -> None:
    records = synthetic(101, spacing_ns=10_000_000)  # one second of ticks
    one, wall_one, applied = play(records, 1.0)
    assert applied == records and one.finished and one.position == one.total == 102
    assert wall_one.now == pytest.approx(1.0)
    ten, wall_ten, applied = play(records, 10.0)
    assert applied == records
    assert wall_ten.now == pytest.approx(0.1)
    assert wall_one.now / wall_ten.now == pytest.approx(10.0)
    assert ten.event_ns == records[-1].tick.ts  # type: ignore[union-attr]


def test_max_runs_through_in_slices_that_yield_to_the_loop() -> None:
    records = synthetic(1000)
    wall = ManualWall()
    applied: list[j.Record] = []

    def slow_apply(record: j.Record) -> None:
        applied.append(record)
        wall.now += 0.001  # each record takes a millisecond

    player = ReplayPlayer(records, slow_apply, speed=None, wall=wall, slice_s=0.008)
    run(player.run())
    assert applied == records and player.finished
    # ~8 records per slice, then a yield: the GUI repaints at least every 8 ms of work.
    assert 1001 // 8 <= wall.yields <= 1001 // 8 + 2
    assert wall.now == pytest.approx(1.001)  # no pacing waits, only the work


def test_idle_gaps_are_cut_to_max_gap() -> None:
    records = synthetic(3, spacing_ns=3600 * 10**9)  # ticks an hour apart
    _, wall, applied = play(records, 1.0, max_gap_ns=2 * 10**9)
    assert len(applied) == 4
    assert wall.now == pytest.approx(4.0)


def test_pause_holds_resume_goes_on_and_step_applies_exactly_one_event() -> None:
    records = synthetic(50)
    wall, applied = ManualWall(), []
    player = ReplayPlayer(records, applied.append, paused=True, wall=wall)

    async def scenario() -> None:
        task = asyncio.create_task(player.run())
        for _ in range(20):
            await asyncio.sleep(0)
        wall.now += 100.0
        assert player.position == 0 and applied == []  # paused holds, whatever the time
        assert player.step() and player.position == 1 and applied == records[:1]
        assert player.step() and applied == records[:2]
        for _ in range(20):
            await asyncio.sleep(0)
        assert player.position == 2 and player.paused  # stepping does not resume
        player.play(10.0)
        while player.position < 10:
            await asyncio.sleep(0)
        player.step()  # while playing: pauses first, then one event
        held = player.position
        assert player.paused and applied == records[:held]
        for _ in range(20):
            await asyncio.sleep(0)
        assert player.position == held
        player.resume()
        await task
        assert applied == records and player.finished and player.speed == 10.0

    run(scenario())


def test_a_new_speed_paces_from_now_on() -> None:
    records = synthetic(101, spacing_ns=10_000_000)
    wall, applied = ManualWall(), []
    player = ReplayPlayer(records, applied.append, speed=1.0, wall=wall)

    async def scenario() -> None:
        task = asyncio.create_task(player.run())
        while player.position < 51:  # half a second of ticks at 1×
            await asyncio.sleep(0)
        assert wall.now == pytest.approx(0.49, abs=0.011)
        player.play(10.0)
        await task

    run(scenario())
    assert wall.now == pytest.approx(0.49 + 0.05, abs=0.011)


def test_stepping_to_the_end_finishes_once_and_a_failing_record_is_counted() -> None:
    records = synthetic(2)
    finished: list[int] = []

    def apply(record: j.Record) -> None:
        if record is records[1]:
            raise RuntimeError("bad record")

    player = ReplayPlayer(records, apply, paused=True, wall=ManualWall())
    player.on_finished.append(lambda: finished.append(player.position))
    assert [player.step() for _ in range(4)] == [True, True, True, False]
    assert player.finished and finished == [3] and player.errors == 1
    run(player.run())  # nothing left: returns at once
    assert finished == [3]
