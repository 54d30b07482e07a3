"""Circuit breakers trip by themselves: the offending strategy (or everything) stops, working
orders are cancelled, the trip is published, logged with the figures and kept across a
restart, and nothing trades again in its scope until a person re-arms it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from terminal.domain.enums import OrderStatus, OrderType, PluginKind, Side
from terminal.domain.events import (
    AddStrategy,
    BreakerRearmed,
    BreakerTripped,
    CommandRejected,
    RearmBreaker,
    StartStrategy,
)
from terminal.domain.market import Tick
from terminal.domain.orders import OrderRequest
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.engine.strategy import Strategy
from tests.aio import run
from tests.engine.helpers import TEST_SYMBOL, ManualFeed, registry_with
from tests.engine.strategy_helpers import push


class RestsOnEveryTick(Strategy):
    """Places a resting limit buy far below the market on every tick: a runaway loop."""

    plugin_name = "runaway"

    def on_tick(self, tick: Tick) -> None:
        self.buy(1, round(tick.last * 0.5, 2))


def make_engine(breakers: dict[str, Any], persist: bool = False) -> Engine:
    registry = registry_with(ManualFeed)
    registry.replace(PluginKind.STRATEGY, "runaway", RestsOnEveryTick)
    config = load_config(
        overrides={
            "feeds": [{"name": "manual", "plugin": "manual"}],
            "brokers": [{"name": "paper", "plugin": "paper"}],
            "risk": {"max_orders_per_second": 0, "max_open_orders": 0},
            "breakers": breakers,
            "engine": {"persist": persist, "journal": False},
        }
    )
    return Engine(config, registry)


BUY_1000 = OrderRequest("paper", TEST_SYMBOL, Side.BUY, 1000, OrderType.LIMIT, 10.01)


class Seen:
    def __init__(self, engine: Engine) -> None:
        self.trips: list[BreakerTripped] = []
        self.rearmed: list[BreakerRearmed] = []
        self.rejected: list[CommandRejected] = []
        engine.bus.subscribe(BreakerTripped, self.trips.append)
        engine.bus.subscribe(BreakerRearmed, self.rearmed.append)
        engine.bus.subscribe(CommandRejected, self.rejected.append)


def working(engine: Engine, origin: str = "strategy:loop") -> int:
    return sum(o.origin == origin for o in engine.order_book.working())


def test_a_runaway_strategy_is_stopped_alone_and_waits_for_a_person(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = make_engine({"orders_per_second": {"limit": 5, "scope": "strategy"}})
    seen = Seen(engine)

    async def scenario() -> None:
        await engine.start()
        try:
            engine.bus.publish(AddStrategy("loop", "runaway", TEST_SYMBOL, "paper"))
            engine.bus.publish(AddStrategy("calm", "runaway", TEST_SYMBOL, "paper"))
            engine.bus.publish(StartStrategy("loop"))
            for n in range(10):
                push(engine, 10.0 + n * 0.01)
            (trip,) = seen.trips
            assert (trip.breaker, trip.target, trip.scope) == ("orders_per_second", "loop",
                                                               "strategy")  # fmt: skip
            assert trip.reason == "6 orders in the last second, limit 5"
            assert engine.strategies.get("loop").state == "stopped"
            assert working(engine) == 0  # its resting orders were cancelled
            # Not again without a person: start refused, and a hand order still passes.
            engine.bus.publish(StartStrategy("loop"))
            assert seen.rejected[-1].reason.startswith(
                "strategy loop not started: circuit breaker: orders_per_second (loop) tripped"
            )
            engine.bus.publish(StartStrategy("calm"))  # another strategy is not concerned
            assert engine.strategies.get("calm").state == "running"
            manual = engine.submit(OrderRequest("paper", TEST_SYMBOL, Side.BUY, 1))
            assert engine.order_book.get(manual).status is OrderStatus.FILLED  # type: ignore[union-attr]
            engine.bus.publish(RearmBreaker("orders_per_second", "loop"))
            assert [(r.breaker, r.target) for r in seen.rearmed] == [("orders_per_second",
                                                                      "loop")]  # fmt: skip
            engine.bus.publish(StartStrategy("loop"))
            assert engine.strategies.get("loop").state == "running"
            engine.bus.publish(RearmBreaker("orders_per_second", "loop"))  # not tripped now
            assert "breaker orders_per_second (loop) is not tripped" in seen.rejected[-1].reason
        finally:
            await engine.stop()

    run(scenario())
    assert (
        "circuit breaker orders_per_second tripped: 6 orders in the last second, limit 5; "
        "stopping loop" in caplog.text
    )
    assert "breaker orders_per_second (loop) re-armed by a person" in caplog.text


def test_rejects_across_all_orders_stop_everything() -> None:
    engine = make_engine({"rejects_per_minute": {"limit": 3, "scope": "all"}})
    seen = Seen(engine)

    async def scenario() -> None:
        await engine.start()
        try:
            engine.bus.publish(AddStrategy("loop", "runaway", TEST_SYMBOL, "paper"))
            engine.bus.publish(StartStrategy("loop"))
            push(engine, 10.0)
            assert working(engine) == 1
            for _ in range(4):  # each refused at the fields check
                engine.submit(OrderRequest("paper", TEST_SYMBOL, Side.BUY, -1))
            (trip,) = seen.trips
            assert (trip.breaker, trip.target, trip.scope) == ("rejects_per_minute", "*", "all")
            assert trip.reason.startswith(
                "4 orders rejected in the last minute (last: "
                "quantity must be positive, got -1), limit 3"
            )
            assert engine.strategies.get("loop").state == "stopped"
            assert engine.order_book.working() == []
        finally:
            await engine.stop()

    run(scenario())


def test_daily_loss_and_drawdown_trip_on_equity_and_a_trip_outlives_a_restart(
    tmp_path: Path,
) -> None:
    breakers = {"daily_loss": {"limit": 3000, "scope": "strategy"},
                "drawdown": {"limit": 2000, "scope": "all"}}  # fmt: skip
    engine = make_engine(breakers, persist=True)
    seen = Seen(engine)

    async def scenario() -> None:
        await engine.start()
        try:
            push(engine, 10.0)
            engine.bus.publish(AddStrategy("loop", "runaway", TEST_SYMBOL, "paper",
                                           auto_start=True))  # fmt: skip
            engine.bus.publish(StartStrategy("loop"))
            engine.submit(BUY_1000)
            push(engine, 11.0)  # a new peak: up about 1,000
            await asyncio.sleep(1.3)  # equity is looked at once a second
            assert seen.trips == []
            push(engine, 8.5)  # 2,500 below the peak, 1,500 below the day's first
            await asyncio.sleep(1.3)
            (trip,) = seen.trips
            assert (trip.breaker, trip.target, trip.scope) == ("drawdown", "paper", "all")
            assert trip.reason.startswith("broker paper 2,5")
            assert "below the day's peak" in trip.reason and "limit 2,000.00" in trip.reason
            assert engine.strategies.get("loop").state == "stopped"
        finally:
            await engine.stop()

    run(scenario())
    again = make_engine(breakers, persist=True)
    seen_again = Seen(again)

    async def restart() -> None:
        await again.start()
        try:
            assert [t.breaker for t in seen_again.trips] == ["drawdown"]  # kept, shown again
            assert again.breakers.active()[0].reason == seen.trips[0].reason
            assert again.strategies.get("loop").state == "stopped"
            again.bus.publish(StartStrategy("loop"))
            assert "circuit breaker: drawdown (paper) tripped" in seen_again.rejected[-1].reason
            again.bus.publish(RearmBreaker("drawdown", "paper"))
            again.bus.publish(StartStrategy("loop"))
            assert again.strategies.get("loop").state == "running"
        finally:
            await again.stop()

    run(restart())
    assert make_engine(breakers, persist=True).store.active_trips() == []  # type: ignore[union-attr]


def test_an_account_s_daily_loss_stops_its_strategies_and_orders() -> None:
    engine = make_engine({"daily_loss": {"limit": 500, "scope": "strategy"},
                          "drawdown": {"limit": 0}})  # fmt: skip
    seen = Seen(engine)

    async def scenario() -> None:
        await engine.start()
        try:
            push(engine, 10.0)
            engine.submit(BUY_1000)
            engine.bus.publish(AddStrategy("loop", "runaway", TEST_SYMBOL, "paper"))
            engine.bus.publish(StartStrategy("loop"))
            push(engine, 9.0)  # 1,000 lost on the 1,000 held; the strategy rests one more
            assert working(engine) == 1
            await asyncio.sleep(1.3)
            (trip,) = seen.trips
            assert (trip.breaker, trip.target, trip.scope) == ("daily_loss", "paper", "strategy")
            assert trip.reason.startswith("broker paper lost 1,0")
            assert engine.strategies.get("loop").state == "stopped"
            assert engine.order_book.working() == []
        finally:
            await engine.stop()

    run(scenario())


def test_breaker_limits_must_be_finite_numbers_at_least_0(tmp_path: Path) -> None:
    from terminal.engine.config import ConfigError

    path = tmp_path / "config.toml"
    path.write_text("[breakers.drawdown]\nlimit = nan\n")
    with pytest.raises(ConfigError, match=r"breakers\.drawdown\.limit = nan: Expected"):
        load_config(path)
    path.write_text("[breakers.drawdown]\nscope = 'some'\n")
    with pytest.raises(ConfigError, match=r"breakers\.drawdown\.scope = 'some'"):
        load_config(path)
