"""Strategies and an engine for strategy tests (a hand-driven feed, the paper broker)."""

from __future__ import annotations

from typing import Any

from terminal.domain.enums import AssetClass, PluginKind
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar, Tick
from terminal.domain.orders import Fill, Order
from terminal.engine.clock import Clock
from terminal.engine.engine import Engine
from terminal.engine.plugins.registry import PluginRegistry
from terminal.engine.strategy import Strategy
from tests.engine.helpers import TEST_SYMBOL, ManualFeed, config_with, quote, registry_with

MINUTE_NS = 60_000_000_000
FUTURE = "FUT.X"


class FuturesFeed(ManualFeed):
    """The hand-driven feed, with a futures contract beside the stock."""

    def instruments(self) -> list[Instrument]:
        future = Instrument(
            FUTURE, "Future", "X", AssetClass.FUTURE, tick_size=0.01, multiplier=10.0,
            margin_rate=0.1,
        )
        return [*super().instruments(), future]


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


class BuysEveryBar(Strategy):
    """Buys on every bar it is fed, and remembers what it saw and in which phase."""

    plugin_name = "bar_buyer"
    warmup_bars = 5

    def on_start(self) -> None:
        self.seen: list[tuple[int, bool]] = []
        self.events: list[str] = []

    def on_bar(self, bar: Bar) -> None:
        self.seen.append((bar.start, self.history_phase))
        self.buy(1, reason=f"bar {bar.start}")

    def on_order(self, order: Order) -> None:
        self.events.append(f"order {order.status.value}")

    def on_fill(self, fill: Fill) -> None:
        self.events.append(f"fill {fill.quantity:g} position {self.position:g}")


def make_engine(
    *strategies: type[Strategy], clock: Clock | None = None, persist: bool = False
) -> Engine:
    registry = registry_with(FuturesFeed)
    for cls in (BuyOnFirstTick, RaisesOnTick, BuysEveryBar, *strategies):
        registry.replace(PluginKind.STRATEGY, cls.plugin_name, cls)
    config = config_with(
        [{"name": "manual", "plugin": "manual"}], [{"name": "paper", "plugin": "paper"}]
    )
    config.engine.persist = persist
    return Engine(config, registry, clock)


def push(engine: Engine, last: float, ts: int = 1, **kwargs: Any) -> None:
    feed = engine.feeds["manual"]
    assert isinstance(feed, ManualFeed)
    feed.push(quote(last, round(last - 0.01, 2), round(last + 0.01, 2), ts=ts, **kwargs))
    engine.conflator.flush()  # deliver now, whatever the loop turn's budget


def registry_of(engine: Engine) -> PluginRegistry:
    assert isinstance(engine.registry, PluginRegistry)
    return engine.registry


__all__ = ["FUTURE", "MINUTE_NS", "TEST_SYMBOL", "make_engine", "push"]
