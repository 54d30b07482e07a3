"""The cost of alerts on the tick path: a real Engine's bus (market state, bars, strategies,
alerts, P&L recorder) fed 200,000 ticks over 50 symbols, with no alert, with 1,000 armed
alerts on other symbols (the usual case: alerts on a few of many symbols), and with 10 armed
alerts on every ticking symbol (each tick evaluates ten).

    .venv/bin/python -m tests.benchmarks.bench_alerts [--ticks 200000] [--rounds 5]

Prints ``RESULT`` lines, medians over --rounds, each round the three cases interleaved:

- alerts.tick_ns.none: ns per tick through the engine's bus with no alert: the tick path as
  it was before alerts (neither the alerts nor the P&L recorder listen to ticks then; checked),
  the reference for the two below;
- alerts.tick_ns.elsewhere: with 1,000 alerts on 100 symbols that do not tick (the target:
  within noise of the reference: only symbols with alerts are evaluated);
- alerts.tick_ns.every: with 10 alerts on each of the 50 ticking symbols (none fires).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["TERMINAL_DATA_DIR"] = tempfile.mkdtemp()

from terminal.domain.enums import AssetClass  # noqa: E402
from terminal.domain.instrument import Instrument  # noqa: E402
from terminal.domain.market import Tick  # noqa: E402
from terminal.domain.market_alerts import Alert, AlertDirection  # noqa: E402
from terminal.engine.config import load_config  # noqa: E402
from terminal.engine.engine import Engine  # noqa: E402

SYMBOLS = [f"S{i:03d}.SIM" for i in range(50)]
QUIET = [f"Q{i:03d}.SIM" for i in range(100)]


def result(name: str, value: str, unit: str, detail: str = "") -> None:
    print(f"RESULT {name} = {value} {unit}" + (f"  # {detail}" if detail else ""), flush=True)


def engine_with(alerts: str) -> Engine:
    engine = Engine(load_config(overrides={"feeds": [], "brokers": [],
                                           "engine": {"persist": False}}))  # fmt: skip
    for symbol in SYMBOLS + QUIET:
        engine.instruments[symbol] = Instrument(symbol, symbol, "SIM", AssetClass.CRYPTO, 0.01)
    targets = {"none": [], "elsewhere": QUIET, "every": SYMBOLS}[alerts]
    for symbol in targets:
        for k in range(10):  # far above the prices (about 100): watched, never fired
            engine.alerts.add(Alert(symbol=symbol, price=1_000.0 + k,
                                    direction=AlertDirection.UP))  # fmt: skip
    owners = {getattr(h, "__self__", None) for h in engine.bus._handlers[Tick]}
    assert (engine.alerts in owners) == bool(targets) and engine.pnl not in owners
    return engine


def ticks(count: int) -> list[Tick]:
    return [Tick(SYMBOLS[i % len(SYMBOLS)], 1_700_000_000_000_000_000 + i * 1_000_000,
                 100.0 + (i % 97) * 0.01, float(i)) for i in range(count)]  # fmt: skip


def ns_per_tick(engine: Engine, feed: list[Tick]) -> float:
    publish = engine.bus.publish
    start = time.perf_counter_ns()
    for tick in feed:
        publish(tick)
    return (time.perf_counter_ns() - start) / len(feed)


async def main(count: int, rounds: int) -> None:
    logging.disable(logging.WARNING)  # no feed here: "no feed quotes …" is expected
    feed = ticks(count)
    engines = {case: engine_with(case) for case in ("none", "elsewhere", "every")}
    for engine in engines.values():
        ns_per_tick(engine, feed[: count // 10])  # warm: bars and dicts exist
    figures: dict[str, list[float]] = {case: [] for case in engines}
    for _ in range(rounds):
        for case, engine in engines.items():
            figures[case].append(ns_per_tick(engine, feed))
    for case, values in figures.items():
        result(f"alerts.tick_ns.{case}", f"{statistics.median(values):.0f}", "ns",
               f"min {min(values):.0f}, max {max(values):.0f} over {rounds} rounds")  # fmt: skip
    fired = sum(a.fired_count for engine in engines.values() for a in engine.alerts.alerts())
    assert fired == 0, "an alert fired: the figures would include notifying"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.ticks, arguments.rounds))
