"""Load shedding: ticks pass straight through while the engine keeps up; under overload quotes
are conflated per symbol, no traded volume is lost, and memory stays bounded."""

from __future__ import annotations

import asyncio

from terminal.domain.market import Tick
from terminal.engine.feeds.conflation import MINUTE_NS, TickConflator


def tick(symbol: str, n: int, ts: int = 1) -> Tick:
    """The n-th trade of ``symbol``: volume is cumulative, 10 per trade."""
    return Tick(symbol=symbol, ts=ts, last=100.0 + n, volume=10.0 * n)


class SlowClock:
    """Each reading is 1 ms later: every publish looks expensive, so the budget runs out."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.001
        return self.now


def test_without_a_loop_every_tick_passes_through_in_order() -> None:
    seen: list[Tick] = []
    conflator = TickConflator(seen.append)
    ticks = [tick("A", n) for n in range(1, 50)]
    for t in ticks:
        conflator.submit(t)
    assert seen == ticks
    assert conflator.stats().conflated == 0 and conflator.backlog == 0


def test_keeping_up_publishes_at_once_within_the_turn() -> None:
    async def scenario() -> list[Tick]:
        seen: list[Tick] = []
        conflator = TickConflator(seen.append, budget_s=10.0)
        conflator.submit(tick("A", 1))
        return list(seen)  # before the loop got a turn

    assert asyncio.run(scenario()) == [tick("A", 1)]


def test_overload_conflates_quotes_but_keeps_every_trades_volume() -> None:
    async def scenario() -> tuple[list[Tick], TickConflator, int]:
        seen: list[Tick] = []
        conflator = TickConflator(seen.append, max_backlog=20, budget_s=0.005, clock=SlowClock())
        peak = 0
        for n in range(1, 1001):
            for symbol in ("A", "B", "C"):
                conflator.submit(tick(symbol, n))
            peak = max(peak, conflator.backlog)
        assert conflator.shedding
        while conflator.backlog:
            await asyncio.sleep(0)
        return seen, conflator, peak

    seen, conflator, peak = asyncio.run(scenario())
    stats = conflator.stats()
    assert stats.conflated > 2000  # most quotes were shed…
    assert len(seen) + stats.conflated == 3000  # …each one either published or conflated
    assert not stats.shedding and stats.backlog == 0
    assert peak <= 20 + 3  # the queue bound plus one waiting tick per symbol
    for symbol in ("A", "B", "C"):
        mine = [t for t in seen if t.symbol == symbol]
        assert mine[-1] == tick(symbol, 1000)  # the newest quote survives
        assert [t.volume for t in mine] == sorted(t.volume for t in mine)  # order kept
        assert mine[-1].volume == 10.0 * 1000  # cumulative: every trade's volume accounted


def test_a_tick_of_the_next_minute_never_replaces_the_waiting_one() -> None:
    async def scenario() -> list[Tick]:
        seen: list[Tick] = []
        conflator = TickConflator(seen.append, max_backlog=1, budget_s=0.0, clock=SlowClock())
        conflator.submit(tick("X", 1))  # no budget: queued, and the queue is now full
        conflator.submit(tick("A", 1, ts=MINUTE_NS - 1))
        conflator.submit(tick("A", 2, ts=MINUTE_NS - 1))  # same minute: conflated
        conflator.submit(tick("A", 3, ts=MINUTE_NS + 5))  # next minute: the waiting one stays
        while conflator.backlog:
            await asyncio.sleep(0)
        return seen

    seen = asyncio.run(scenario())
    assert [t.last for t in seen if t.symbol == "A"] == [102.0, 103.0]


def test_memory_stays_bounded_under_a_flood() -> None:
    async def scenario() -> int:
        conflator = TickConflator(lambda _t: None, max_backlog=100, clock=SlowClock())
        worst = 0
        for n in range(50_000):
            conflator.submit(tick(f"S{n % 10}", n))
            worst = max(worst, conflator.backlog)
        conflator.flush()
        return worst

    assert asyncio.run(scenario()) <= 100 + 10
