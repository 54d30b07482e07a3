"""The bridge hands the chart the same closed-bar list until a bar closes or history arrives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from terminal.domain.market import Bar, Tick
from terminal.engine.clock import ManualClock
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge

MINUTE = 60_000_000_000
T0 = 29_000_000 * MINUTE  # a minute boundary
SYMBOL = "TEST.SIM"


def tick(ts: int, last: float, volume: float) -> Tick:
    return Tick(SYMBOL, ts, last, volume, bid_prices=(last - 0.01,), ask_prices=(last + 0.01,))


def test_closed_bars_are_reused_until_a_bar_closes_or_history_arrives(
    run_async: Callable[..., Any],
) -> None:
    clock = ManualClock(T0)
    engine = Engine(load_config(overrides={"feeds": [], "brokers": []}), clock=clock)
    run_async(engine.start())
    bridge = EngineBridge(engine)
    try:
        assert bridge.closed_bars(SYMBOL) == []
        history = [
            Bar(SYMBOL, "1m", T0 - (3 - n) * MINUTE, 10, 11, 9, 10.5, 100) for n in range(3)
        ]
        engine.bars.seed(SYMBOL, history)  # history arriving after the first look
        seeded = bridge.closed_bars(SYMBOL)
        assert [b.start for b in seeded] == [b.start for b in history]
        assert bridge.closed_bars(SYMBOL) is seeded  # nothing changed: the same list

        engine.bus.publish(tick(T0 + 1, 10.6, 1000.0))
        engine.bus.publish(tick(T0 + 2, 10.8, 1500.0))
        assert bridge.closed_bars(SYMBOL) is seeded  # the forming bar is not a closed one
        clock.set(T0 + MINUTE + 1_000_000_000)  # past the late-tick tolerance
        assert engine.bars.close_due() == 1
        closed = bridge.closed_bars(SYMBOL)
        assert closed is not seeded and len(closed) == 4
        assert (closed[-1].start, closed[-1].close) == (T0, 10.8)
        assert bridge.closed_bars(SYMBOL) is closed
    finally:
        bridge.close()
        run_async(engine.stop())
