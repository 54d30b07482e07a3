"""Small plugins and helpers for engine tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from terminal.domain.enums import AssetClass, PluginKind, PluginState
from terminal.domain.events import PluginReport
from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.domain.orders import Order
from terminal.engine.broker import Broker
from terminal.engine.config import Config, load_config
from terminal.engine.engine import Engine
from terminal.engine.feed import Feed
from terminal.engine.plugins.registry import PluginRegistry

TEST_SYMBOL = "TEST.X"


def quote(
    last: float, bid: float, ask: float, symbol: str = TEST_SYMBOL, ts: int = 1, size: float = 1e6
) -> Tick:
    return Tick(
        symbol=symbol,
        ts=ts,
        last=last,
        volume=0.0,
        bid_prices=(bid,),
        bid_sizes=(size,),
        ask_prices=(ask,),
        ask_sizes=(size,),
    )


def book(
    last: float,
    bids: list[tuple[float, float]],
    asks: list[tuple[float, float]],
    symbol: str = TEST_SYMBOL,
) -> Tick:
    """A quote with depth: (price, size) levels, best first."""
    return Tick(
        symbol=symbol,
        ts=1,
        last=last,
        volume=0.0,
        bid_prices=tuple(p for p, _ in bids),
        bid_sizes=tuple(s for _, s in bids),
        ask_prices=tuple(p for p, _ in asks),
        ask_sizes=tuple(s for _, s in asks),
    )


class ManualFeed(Feed):
    """A feed the test drives by hand."""

    plugin_name = "manual"

    def instruments(self) -> list[Instrument]:
        return [
            Instrument(TEST_SYMBOL, "Test", "X", AssetClass.STOCK, tick_size=0.01, lot_size=1.0)
        ]

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    def push(self, tick: Tick) -> None:
        self.context.publish_tick(tick)


class BrokenStartFeed(ManualFeed):
    plugin_name = "broken_start"

    async def start(self) -> None:
        raise ConnectionError("vendor unreachable")


class RaisingBroker(Broker):
    plugin_name = "raising"

    async def start(self) -> None:
        self.context.open_account(1000.0, "USD")

    async def stop(self) -> None:
        pass

    def submit(self, order: Order) -> None:
        raise RuntimeError("gateway down")

    def cancel(self, order: Order) -> None:
        raise RuntimeError("gateway down")


class HangingStopBroker(RaisingBroker):
    plugin_name = "hanging_stop"

    async def stop(self) -> None:
        await asyncio.sleep(3600)


def registry_with(*plugins: Any) -> PluginRegistry:
    registry = PluginRegistry()
    registry.discover(entry_points=False)
    for plugin in plugins:
        kind = PluginKind.FEED if issubclass(plugin, Feed) else PluginKind.BROKER
        registry._classes[kind][plugin.plugin_name] = plugin
        registry.reports.append(PluginReport(kind, plugin.plugin_name, "test", PluginState.LOADED))
    return registry


def config_with(feeds: list[dict[str, Any]], brokers: list[dict[str, Any]]) -> Config:
    return load_config(overrides={"feeds": feeds, "brokers": brokers})


PaperScenario = Callable[[Engine, ManualFeed], Awaitable[None]]


def run_on_paper(scenario: PaperScenario, **paper_options: object) -> Engine:
    """``scenario`` run on a started engine with the manual feed and a paper broker (given
    ``paper_options``), stopped afterwards; the stopped engine, for what it kept."""

    async def main() -> Engine:
        engine = Engine(
            config_with(
                [{"name": "manual", "plugin": "manual"}],
                [{"name": "paper", "plugin": "paper", "options": paper_options}],
            ),
            registry_with(ManualFeed),
        )
        await engine.start()
        feed = engine.feeds["manual"]
        assert isinstance(feed, ManualFeed)
        await scenario(engine, feed)
        await engine.stop()
        return engine

    return asyncio.run(main())
