"""Journals for replay tests: a short live run recorded with the simulated feed, the paper
broker and shipped strategies (so a replay from the command line finds them too), and
synthetic ones built in memory."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from terminal.domain.events import AddStrategy, StartStrategy
from terminal.domain.market import Tick
from terminal.engine import journal as j
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.engine.plugins.registry import PluginRegistry
from tests.aio import run
from tests.engine.helpers import TEST_SYMBOL, quote

TWAP_SYMBOL = "ETHUSDT.BINANCE"
DUAL_SYMBOL = "SOLUSDT.BINANCE"


class FastClock:
    """Wall time running ``factor`` times faster from now: minutes of bars in seconds."""

    def __init__(self, factor: float) -> None:
        self.factor = factor
        self._start = time.time_ns()
        self._mono = time.monotonic_ns()

    def now_ns(self) -> int:
        return self._start + int((time.monotonic_ns() - self._mono) * self.factor)


async def record_run(
    seconds: float = 1.0, *, rate: float = 2000.0, factor: float = 1.0, twap_slices: int = 8
) -> tuple[Path, Engine]:
    """Run the engine for ``seconds`` with a TWAP (it trades) and a dual MA (warmed up on
    history); returns the run's journal and the stopped engine."""
    # It writes a journal, orders and strategies: never into a real user's folders.
    assert os.environ.get("TERMINAL_DATA_DIR"), "record_run needs a private TERMINAL_DATA_DIR"
    config = load_config(
        overrides={
            "feeds": [{"name": "sim", "plugin": "simulated",
                       "options": {"rate": rate, "seed": 11}}],
            "brokers": [{"name": "paper", "plugin": "paper"}],
        }
    )  # fmt: skip
    registry = PluginRegistry()
    registry.discover(entry_points=False)
    engine = Engine(config, registry, FastClock(factor) if factor != 1.0 else None)
    await engine.start()
    journal = engine.strategies.journal
    assert journal is not None
    send = engine.bus.publish
    interval = seconds * factor / (twap_slices + 2)
    send(AddStrategy("twap-1", "twap", TWAP_SYMBOL, "paper",
                     {"quantity": float(twap_slices), "slices": twap_slices,
                      "interval_s": interval}))  # fmt: skip
    send(AddStrategy("dual-1", "dual_ma", DUAL_SYMBOL, "paper", {"fast": 3, "slow": 5}))
    send(StartStrategy("twap-1"))
    send(StartStrategy("dual-1"))
    await asyncio.sleep(seconds)
    await engine.stop()
    return journal.path, engine


def record_privately(folder: Path, seconds: float = 1.0) -> tuple[Path, Engine]:
    """:func:`record_run` with ``folder`` as the data folders (for module-scoped fixtures,
    which run outside the per-test private folders), on a loop of its own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TERMINAL_CONFIG_DIR", str(folder / "config"))
        patch.setenv("TERMINAL_DATA_DIR", str(folder / "data"))
        return run(record_run(seconds), timeout=30)


def synthetic(count: int = 101, spacing_ns: int = 10_000_000, start_ns: int = 10**18) -> list[
    j.Record
]:
    """``count`` ticks of the test symbol ``spacing_ns`` apart, recorded when they happened."""
    records: list[j.Record] = [j.SetupRec(start_ns, [], [])]
    for n in range(count):
        ts = start_ns + n * spacing_ns
        last = round(10.0 + n / 100, 2)
        tick: Tick = quote(last, round(last - 0.01, 2), round(last + 0.01, 2), ts=ts)
        records.append(j.TickRec(ts, tick))
    return records


__all__ = ["TEST_SYMBOL", "record_privately", "record_run", "synthetic"]
