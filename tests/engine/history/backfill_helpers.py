"""An engine whose history comes from a local vendor server, and what it publishes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from terminal.domain.enums import AssetClass, PluginKind
from terminal.domain.events import HistoryProgress
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar
from terminal.engine.clock import ManualClock
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.engine.plugins.registry import PluginRegistry
from terminal.engine.strategy import Strategy
from tests.adapters.history.vendor_answers import Day, daily_series
from tests.engine.bars.helpers import ns

SYMBOL = "600000.SSE"
SECID = "1.600000"
NOW = "2024-06-05 10:30:00"  # a Wednesday, mid-morning in Shanghai


class RecordsBars(Strategy):
    """Remembers every bar it is fed and whether it came in the warm-up."""

    plugin_name = "records_bars"
    warmup_bars = 20

    def on_start(self) -> None:
        self.seen: list[tuple[int, bool]] = []

    def on_bar(self, bar: Bar) -> None:
        self.seen.append((bar.start, self.history_phase))


def make_engine(history: list[dict[str, Any]], now: str = NOW, **engine: Any) -> Engine:
    registry = PluginRegistry()
    registry.discover(entry_points=False)
    registry.replace(PluginKind.STRATEGY, RecordsBars.plugin_name, RecordsBars)
    config = load_config(overrides={
        "feeds": [], "brokers": [{"name": "paper", "plugin": "paper"}], "history": history,
        "engine": {"persist": False, **engine},
    })  # fmt: skip
    built = Engine(config, registry, ManualClock(ns(now)))
    built.instruments[SYMBOL] = Instrument(
        SYMBOL, "SPDB", "SSE", AssetClass.STOCK, 0.01, lot_size=100.0, sessions="cn_stock"
    )
    return built


def source(plugin: str, base: str, name: str = "", **options: Any) -> dict[str, Any]:
    return {"name": name or plugin, "plugin": plugin, "options": {"base_url": base, **options}}


def days_until(last: date, count: int, seed: int = 3) -> list[Day]:
    """``count`` weekday bars, the last on ``last``."""
    first = last
    for _ in range(count * 2):
        first -= timedelta(days=1)
    return [d for d in daily_series(first, count * 2, seed) if d.day <= last][-count:]


def progress_events(engine: Engine) -> list[HistoryProgress]:
    seen: list[HistoryProgress] = []
    engine.bus.subscribe(HistoryProgress, seen.append)
    return seen
