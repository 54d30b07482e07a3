"""A strategy's bracket, live then replayed from the journal: the same orders, and the exits'
updates reach the replayed strategy under the ids they had live."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from terminal.domain.enums import OrderStatus, PluginKind
from terminal.domain.events import AddStrategy, StartStrategy
from terminal.domain.market import Tick
from terminal.domain.orders import Fill
from terminal.engine.engine import Engine
from terminal.engine.journal import read_journal
from terminal.engine.replay.host import replay
from terminal.engine.strategy import Strategy
from tests.engine.helpers import TEST_SYMBOL, ManualFeed, config_with, quote, registry_with


class OneBracket(Strategy):
    """Buys with a bracket on its first tick; keeps the ids of the fills it is handed."""

    plugin_name = "one_bracket"
    warmup_bars = 0
    fills: ClassVar[list[str]] = []

    def on_tick(self, tick: Tick) -> None:
        if not self.working_orders and self.position == 0 and not self.fills:
            self.buy_bracket(10, take_profit=10.5, stop_loss=9.5, reason="test")

    def on_fill(self, fill: Fill) -> None:
        self.fills.append(fill.order_id)


def test_a_brackets_orders_replay_as_placed_live() -> None:
    OneBracket.fills = []
    registry = registry_with(ManualFeed)
    registry._classes[PluginKind.STRATEGY][OneBracket.plugin_name] = OneBracket

    async def live() -> Engine:
        engine = Engine(config_with([{"name": "manual", "plugin": "manual"}],
                                    [{"name": "paper", "plugin": "paper"}]), registry)  # fmt: skip
        await engine.start()
        feed = engine.feeds["manual"]
        assert isinstance(feed, ManualFeed)
        engine.bus.publish(AddStrategy("b1", "one_bracket", TEST_SYMBOL, "paper"))
        engine.bus.publish(StartStrategy("b1"))
        for tick in (quote(10.0, 9.99, 10.01), quote(9.4, 9.39, 9.41), quote(9.6, 9.59, 9.61)):
            feed.push(tick)
            engine.conflator.flush()
            await asyncio.sleep(0)
        await engine.stop()
        return engine

    engine = asyncio.run(live())
    entry = next(o for o in engine.order_book.all() if o.note == "test")
    assert OneBracket.fills == [entry.order_id, entry.order_id + "-SL"]
    assert engine.order_book.get(entry.order_id + "-TP").status is OrderStatus.CANCELLED
    journal = engine.strategies.journal
    assert journal is not None
    OneBracket.fills = []
    result = replay(read_journal(journal.path), registry)
    assert result.first_difference() is None and len(result.placed) == 1
    assert OneBracket.fills == [entry.order_id, entry.order_id + "-SL"]
