"""The backfill seam: a strategy started without enough stored bars warms up on fetched history,
then takes live bars — each bar once, in order, none missing, and the loop never waits."""

from __future__ import annotations

import asyncio
import threading

from terminal.domain.enums import StrategyState
from tests.adapters.history.history_server import history_server
from tests.aio import run
from tests.engine.bars.helpers import ns, tick
from tests.engine.history.backfill_helpers import SECID, SYMBOL, make_engine, source

MINUTE = 60_000_000_000


def minute_lines(first_end: str, count: int) -> list[str]:
    """Eastmoney 1-minute lines stamped by their end, from ``first_end`` on (one session)."""
    start = ns(f"2024-06-05 {first_end}:00")
    lines = []
    for n in range(count):
        end = start + n * MINUTE
        hhmm = f"{(end // MINUTE + 8 * 60) // 60 % 24:02d}:{(end // MINUTE) % 60:02d}"
        price = 10.0 + n / 100
        lines.append(f"2024-06-05 {hhmm},{price:.2f},{price:.2f},{price + .05:.2f},"
                     f"{price - .05:.2f},10,{price * 1000:.2f}")  # fmt: skip
    return lines


def test_warm_up_on_fetched_history_then_live_bars_none_twice() -> None:
    with history_server() as (base, state):
        # The vendor's minutes from 09:30 to 10:30 (ends 09:31..10:31).
        state.eastmoney[(SECID, 1, 0)] = minute_lines("09:31", 61)
        state.gate = threading.Event()  # the vendor answers only when the test lets it
        engine = make_engine([source("eastmoney", base)], now="2024-06-05 10:30:05")
        clock = engine.clock

        async def go() -> list[tuple[int, bool]]:
            await engine.start()
            try:
                engine.bus.publish(tick("2024-06-05 10:30:05", 10.50, 1000, symbol=SYMBOL))
                instance = engine.strategies.add("seam", "records_bars", SYMBOL, "paper")
                engine.strategies.start("seam")
                assert instance.state is StrategyState.WARMING_UP
                assert instance.detail == "fetching history"
                # While the vendor is slow the loop runs: a live bar closes and is stored.
                clock.set(ns("2024-06-05 10:31:02"))  # type: ignore[attr-defined]
                engine.bus.publish(tick("2024-06-05 10:31:02", 10.61, 1500, symbol=SYMBOL))
                await asyncio.sleep(0.05)
                assert instance.state is StrategyState.WARMING_UP
                state.gate.set()  # type: ignore[union-attr]
                while instance.state is StrategyState.WARMING_UP:
                    await asyncio.sleep(0.01)
                clock.set(ns("2024-06-05 10:32:01"))  # type: ignore[attr-defined]
                engine.bus.publish(tick("2024-06-05 10:32:01", 10.70, 1800, symbol=SYMBOL))
                return list(instance.strategy.seen)  # type: ignore[attr-defined]
            finally:
                await engine.stop()

        seen = run(go())
    starts = [start for start, _ in seen]
    warm = [start for start, phase in seen if phase]
    assert len(warm) == 20 and warm[-1] == ns("2024-06-05 10:30:00")
    assert starts == [ns("2024-06-05 10:11:00") + n * MINUTE for n in range(21)]
    assert seen[-1] == (ns("2024-06-05 10:31:00"), False)  # the first live bar, after warm-up
    # The 10:30 bar is the vendor's (complete), not the live one built from one tick.
    assert engine.bars.history(SYMBOL)[-2].volume == 1000.0


def test_a_strategy_stopped_while_fetching_does_not_warm_up() -> None:
    with history_server() as (base, state):
        state.eastmoney[(SECID, 1, 0)] = minute_lines("09:31", 61)
        state.gate = threading.Event()
        engine = make_engine([source("eastmoney", base)], now="2024-06-05 10:30:05")

        async def go() -> StrategyState:
            await engine.start()
            try:
                instance = engine.strategies.add("early", "records_bars", SYMBOL, "paper")
                engine.strategies.start("early")
                engine.strategies.stop("early")
                state.gate.set()  # type: ignore[union-attr]
                await asyncio.sleep(0.2)
                return instance.state
            finally:
                await engine.stop()

        assert run(go()) is StrategyState.STOPPED
