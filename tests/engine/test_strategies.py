"""Strategy instances: started and stopped by command, and isolated when they raise."""

from __future__ import annotations

import asyncio
import logging

import pytest

from terminal.domain.enums import PluginKind, Side
from terminal.domain.events import (
    AddStrategy,
    CommandRejected,
    StartStrategy,
    StopStrategy,
    StrategyStateEvent,
)
from terminal.domain.market import Tick
from terminal.engine.engine import Engine
from terminal.engine.strategy import Strategy
from tests.engine.helpers import TEST_SYMBOL, ManualFeed, config_with, quote, registry_with


class BuyOnFirstTick(Strategy):
    plugin_name = "buy_once"

    def on_start(self) -> None:
        self.ticks = 0

    def on_tick(self, tick: Tick) -> None:
        self.ticks += 1
        if self.ticks == 1:
            self.buy(1)


class RaisesOnTick(Strategy):
    plugin_name = "raises"

    def on_tick(self, tick: Tick) -> None:
        raise ZeroDivisionError("division by zero in signal")


def make_engine() -> Engine:
    registry = registry_with(ManualFeed)
    for cls in (BuyOnFirstTick, RaisesOnTick):
        registry._classes[PluginKind.STRATEGY][cls.plugin_name] = cls
    return Engine(
        config_with(
            [{"name": "manual", "plugin": "manual"}], [{"name": "paper", "plugin": "paper"}]
        ),
        registry,
    )


def test_raising_strategy_stops_alone(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> tuple[Engine, list[StrategyStateEvent]]:
        engine = make_engine()
        await engine.start()
        states: list[StrategyStateEvent] = []
        engine.bus.subscribe(StrategyStateEvent, states.append)
        for name, cls in (("good", "buy_once"), ("bad", "raises")):
            engine.bus.publish(AddStrategy(name, cls, TEST_SYMBOL, "paper"))
            engine.bus.publish(StartStrategy(name))
        feed = engine.feeds["manual"]
        assert isinstance(feed, ManualFeed)
        feed.push(quote(10.0, 9.99, 10.01))
        feed.push(quote(10.1, 10.09, 10.11))
        await engine.stop()
        return engine, states

    with caplog.at_level(logging.ERROR):
        engine, states = asyncio.run(scenario())
    good, bad = engine.strategies.get("good"), engine.strategies.get("bad")
    assert bad.state == "error" and "ZeroDivisionError" in bad.detail
    assert good.strategy.ticks == 2  # type: ignore[attr-defined]
    assert engine.portfolio.quantity("paper", TEST_SYMBOL) == 1
    (order,) = engine.order_book.all()
    assert order.origin == "strategy:good" and order.side is Side.BUY
    assert "strategy bad stopped by an error in on_tick" in caplog.text
    assert "Traceback" in caplog.text
    assert [s.state for s in states if s.instance == "bad"] == ["stopped", "running", "error"]


def test_bad_commands_are_rejected_with_reasons() -> None:
    async def scenario() -> list[CommandRejected]:
        engine = make_engine()
        await engine.start()
        rejected: list[CommandRejected] = []
        engine.bus.subscribe(CommandRejected, rejected.append)
        engine.bus.publish(AddStrategy("a", "nope", TEST_SYMBOL, "paper"))
        engine.bus.publish(AddStrategy("a", "sma_cross", "NOPE", "paper"))
        engine.bus.publish(AddStrategy("a", "sma_cross", TEST_SYMBOL, "paper", {"fast": "x"}))
        engine.bus.publish(
            AddStrategy("a", "sma_cross", TEST_SYMBOL, "paper", {"fast": 30, "slow": 10})
        )
        engine.bus.publish(StopStrategy("ghost"))
        await engine.stop()
        return rejected

    reasons = [r.reason for r in asyncio.run(scenario())]
    assert reasons[0] == "unknown strategy 'nope'"
    assert reasons[1] == "unknown symbol 'NOPE'"
    assert "fast = 'x'" in reasons[2] and "Expected `int`" in reasons[2]
    assert "need 0 < fast < slow, got fast=30, slow=10" in reasons[3]
    assert reasons[4] == "no strategy instance named 'ghost'"
