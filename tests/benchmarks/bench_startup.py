"""Start-up of the engine with a full market: 5,000 instruments on the simulated feed, each
seeded with --history 1-minute bars (a whole A-share market's worth).

    .venv/bin/python -m tests.benchmarks.bench_startup [--instruments 5000] [--history 200]

Prints RESULT startup.engine_start_s: Engine.start() from the config to running feeds and
seeded bar history, median of --rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from tests.benchmarks.bench_watch import write_instruments


async def start_once(count: int, history: int, scratch: Path) -> float:
    symbols = write_instruments(scratch / "instruments.toml", count)
    options = {"seed": 5, "instruments_file": str(scratch / "instruments.toml"),
               "history_bars": history}  # fmt: skip
    config = load_config(overrides={
        "feeds": [{"name": "sim", "plugin": "simulated", "options": options}],
        "watchlist": symbols,
        "engine": {"bar_history": history},
    })  # fmt: skip
    engine = Engine(config)
    started = time.perf_counter()
    await engine.start()
    elapsed = time.perf_counter() - started
    assert len(engine.bars.history(symbols[-1], "1m")) == history
    await engine.stop()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--instruments", type=int, default=5000)
    parser.add_argument("--history", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    times = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as scratch:
            os.environ["TERMINAL_DATA_DIR"] = str(Path(scratch) / "data")
            times.append(asyncio.run(start_once(args.instruments, args.history, Path(scratch))))
    print(f"RESULT startup.engine_start_s = {statistics.median(times):.2f} s  # "
          f"{args.instruments:,} instruments x {args.history} history bars, median of "
          f"{args.rounds} ({', '.join(f'{t:.2f}' for t in times)})", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
