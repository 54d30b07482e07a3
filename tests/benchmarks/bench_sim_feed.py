"""How many ticks a second the simulated feed can produce and deliver through the engine's bus
(into the market-state cache, the bar builder and the paper broker), against the 20,000/s the
skeleton promises. Prints RESULT lines; run: .venv/bin/python tests/benchmarks/bench_sim_feed.py
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from terminal.engine.config import load_config
from terminal.engine.engine import Engine


async def measure(batch_seconds: float, rounds: int) -> tuple[float, float]:
    config = load_config(
        overrides={
            "feeds": [
                {
                    "name": "sim",
                    "plugin": "simulated",
                    "options": {"rate": 1_000_000.0, "seed": 1, "interval_ms": 3_600_000},
                }
            ]
        }
    )
    engine = Engine(config)
    await engine.start()
    feed = engine.feeds["sim"]
    # One round is a burst far past the conflator's backlog limit; queue it all instead of
    # shedding, so every tick goes through the engine (the conflator's cost included).
    engine.conflator.max_backlog = 10**9
    generate_only: list[float] = []
    through_engine: list[float] = []
    for _ in range(rounds):
        before = engine.tick_count
        started = time.perf_counter()
        produced = feed.emit_batch(batch_seconds)  # type: ignore[attr-defined]
        engine.conflator.flush()  # on a running loop, ticks past one turn's budget wait
        elapsed = time.perf_counter() - started
        assert engine.tick_count - before == produced, (engine.tick_count - before, produced)
        through_engine.append(produced / elapsed)
        publish = feed.context.publish_tick
        feed.context.publish_tick = lambda tick: None  # type: ignore[attr-defined]
        started = time.perf_counter()
        produced = feed.emit_batch(batch_seconds)  # type: ignore[attr-defined]
        generate_only.append(produced / (time.perf_counter() - started))
        feed.context.publish_tick = publish  # type: ignore[attr-defined]
    await engine.stop()
    return statistics.median(generate_only), statistics.median(through_engine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--batch", type=float, default=0.1, help="simulated seconds per round")
    args = parser.parse_args()
    generate, delivered = asyncio.run(measure(args.batch, args.rounds))
    print(f"RESULT sim.generate_ticks_per_s = {generate:,.0f} ticks/s  # feed alone, median")
    print(
        f"RESULT sim.engine_ticks_per_s = {delivered:,.0f} ticks/s  "
        f"# feed + bus + state + bars + paper broker, median; target >= 20,000"
    )


if __name__ == "__main__":
    main()
