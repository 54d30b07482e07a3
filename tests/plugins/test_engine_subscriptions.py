"""Subscribe while running (#16.5): the engine counts the users of each symbol (watchlists,
charts, strategies) and subscribes or unsubscribes the feed that quotes it, through a real
QQ feed polling a local server in QQ's format."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from terminal.domain.enums import StrategyState
from terminal.domain.events import (
    AddStrategy,
    CommandRejected,
    RemoveStrategy,
    StartStrategy,
    StopStrategy,
    WatchSymbols,
)
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from tests.aio import run
from tests.plugins.quote_samples import qq_payload
from tests.plugins.vendor_server import VendorState, vendor_server

CODES = ("sh600000", "sz000001", "sh600519")


def engine_on(base: str) -> Engine:
    options = {"url": base + "/q=", "interval_s": 0.05, "min_interval_s": 0.01,
               "poll_hours": "always"}  # fmt: skip
    config = load_config(overrides={
        "feeds": [{"name": "qq", "plugin": "qq", "options": options}],
        "brokers": [{"name": "paper", "plugin": "paper"}],
        "engine": {"persist": False},
    })  # fmt: skip
    return Engine(config)


def asked_since(state: VendorState, mark: int) -> set[str]:
    return {code for path, _ in state.requests[mark:] for code in path[3:].split(",")}


async def until(predicate: Callable[[], bool], timeout: float = 3.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


def test_first_user_subscribes_last_user_unsubscribes_without_a_restart() -> None:
    with vendor_server() as (base, state):
        for code in CODES:
            state.qq[code] = qq_payload(code=code[2:])
        engine = engine_on(base)
        rejected: list[CommandRejected] = []
        engine.bus.subscribe(CommandRejected, rejected.append)

        async def scenario() -> None:
            await engine.start()
            engine.bus.publish(WatchSymbols("watchlist Default", ["600000.SSE", "000001.SZSE"]))
            await until(lambda: {"600000.SSE", "000001.SZSE"} <= set(engine.latest))
            assert engine.instruments["000001.SZSE"].lot_size == 100
            engine.bus.publish(WatchSymbols("chart 1", ["000001.SZSE"]))
            engine.bus.publish(WatchSymbols("watchlist Default", ["600000.SSE"]))
            mark = len(state.requests)
            await until(lambda: len(state.requests) > mark + 2)
            assert "sz000001" in asked_since(state, mark + 1)  # the chart still uses it
            engine.bus.publish(WatchSymbols("chart 1", []))
            await asyncio.sleep(0.1)
            mark = len(state.requests)
            await until(lambda: len(state.requests) > mark + 2)
            assert asked_since(state, mark) == {"sh600000"}
            engine.bus.publish(WatchSymbols("watchlist Default", ["600000.SSE", "AAPL.NASDAQ"]))
            engine.bus.publish(WatchSymbols("watchlist Default", ["AAPL.NASDAQ", "600000.SSE"]))
            await engine.stop()

        run(scenario())
    assert engine.subscriptions.users("600000.SSE") == 1
    # Told once, not at every change of the watchlist.
    assert [r.reason for r in rejected] == ["watchlist Default: no feed quotes AAPL.NASDAQ"]


def test_starting_a_strategy_subscribes_its_symbols_and_stopping_it_releases_them() -> None:
    with vendor_server() as (base, state):
        for code in CODES:
            state.qq[code] = qq_payload(code=code[2:])
        engine = engine_on(base)

        async def scenario() -> None:
            await engine.start()
            engine.bus.publish(
                AddStrategy("cross", "sma_cross", "600519.SSE", "paper", warmup=0)
            )
            assert engine.subscriptions.users("600519.SSE") == 0  # added, not started
            engine.bus.publish(StartStrategy("cross"))
            await until(lambda: "600519.SSE" in engine.latest)
            assert engine.strategies.get("cross").state is StrategyState.RUNNING
            assert engine.subscriptions.feed_of("600519.SSE") == "qq"
            engine.bus.publish(StopStrategy("cross"))
            assert engine.subscriptions.users("600519.SSE") == 0
            assert engine.subscriptions.feed_of("600519.SSE") is None
            engine.bus.publish(RemoveStrategy("cross"))
            await engine.stop()

        run(scenario())
