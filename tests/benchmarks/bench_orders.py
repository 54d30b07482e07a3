"""Order path latency and throughput, in process, paper broker, persistence on.

latency: a tick is published → a strategy's on_tick places a market order → risk checks →
the paper broker fills it → the FillEvent reaches a subscriber (every transition and the fill
committed to SQLite before it is published); p50 and p99 over N ticks.
sustained: orders submitted back to back, each filled, every transition committed to SQLite.
Run: .venv/bin/python tests/benchmarks/bench_orders.py [--orders N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time

from terminal.domain.enums import PluginKind, Side
from terminal.domain.events import AddStrategy, FillEvent, StartStrategy
from terminal.domain.market import Tick
from terminal.domain.orders import OrderRequest
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.engine.strategy import Strategy
from tests.engine.helpers import TEST_SYMBOL, ManualFeed, quote, registry_with


class FlipOnEveryTick(Strategy):
    plugin_name = "flip"

    def on_tick(self, tick: Tick) -> None:
        if self.position > 0:
            self.sell(1)
        else:
            self.buy(1)


async def measure(orders: int) -> dict[str, float]:
    registry = registry_with(ManualFeed)
    registry._classes[PluginKind.STRATEGY]["flip"] = FlipOnEveryTick
    config = load_config(
        overrides={
            "feeds": [{"name": "manual", "plugin": "manual"}],
            "brokers": [{"name": "paper", "plugin": "paper"}],
            # The path is measured, not the guards against a strategy trading every tick.
            "risk": {"max_orders_per_second": 0},
            "breakers": {"orders_per_second": {"limit": 0}},
        }
    )
    engine = Engine(config, registry)
    await engine.start()
    feed = engine.feeds["manual"]
    assert isinstance(feed, ManualFeed)
    feed.push(quote(10.0, 9.99, 10.01))
    fills: list[int] = []
    engine.bus.subscribe(FillEvent, lambda event: fills.append(time.perf_counter_ns()))
    engine.bus.publish(AddStrategy("flip", "flip", TEST_SYMBOL, "paper"))
    engine.bus.publish(StartStrategy("flip"))
    latencies, committed = [], []
    assert engine.store is not None
    for n in range(orders):
        tick = quote(10.0 + (n % 7) * 0.01, 9.99, 10.01, ts=n + 2)
        before = len(fills)
        started = time.perf_counter_ns()
        feed.push(tick)
        assert len(fills) == before + 1, "each tick must produce exactly one fill"
        latencies.append((fills[-1] - started) / 1000.0)
        await asyncio.sleep(0)  # end of the loop turn: the group commit runs here
        assert not engine.store._db.in_transaction
        committed.append((time.perf_counter_ns() - started) / 1000.0)
    engine.strategies.stop("flip")
    started = time.perf_counter()
    for n in range(orders):
        engine.submit(OrderRequest("paper", TEST_SYMBOL, Side.BUY if n % 2 else Side.SELL, 1))
        if n % 10 == 9:
            await asyncio.sleep(0)  # a burst of ten per loop turn, each turn committed
    await asyncio.sleep(0)
    sustained = orders / (time.perf_counter() - started)
    assert engine.store is not None
    transitions = engine.store._db.execute("SELECT COUNT(*) FROM transitions").fetchone()[0]
    await engine.stop()
    latencies.sort()
    committed.sort()
    return {
        "p50": statistics.median(latencies),
        "p99": latencies[int(len(latencies) * 0.99)],
        "committed_p50": statistics.median(committed),
        "committed_p99": committed[int(len(committed) * 0.99)],
        "sustained": sustained,
        "transitions": transitions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        os.environ["TERMINAL_DATA_DIR"] = data
        os.environ["TERMINAL_CONFIG_DIR"] = data
        figures = asyncio.run(measure(args.orders))
    print(
        f"RESULT orders.latency_p50_us = {figures['p50']:.1f} us  "
        f"# tick → strategy → risk → paper → fill, persisted; target <= 100"
    )
    print(f"RESULT orders.latency_p99_us = {figures['p99']:.1f} us  # target <= 1000")
    print(
        f"RESULT orders.committed_p50_us = {figures['committed_p50']:.1f} us  "
        f"# tick → fill → committed to SQLite at the end of the loop turn"
    )
    print(f"RESULT orders.committed_p99_us = {figures['committed_p99']:.1f} us")
    print(
        f"RESULT orders.sustained_per_s = {figures['sustained']:,.0f} orders/s  "
        f"# 3 transitions + 1 fill persisted per order "
        f"({figures['transitions']:,} transition rows); "
        f"target >= 5,000"
    )


if __name__ == "__main__":
    main()
