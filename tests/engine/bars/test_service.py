"""``engine.bars`` inside a real Engine: events on the bus, subscriptions, timer, persistence."""

from __future__ import annotations

import pytest

from terminal.domain.enums import AssetClass
from terminal.domain.events import BarEvent
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar
from terminal.engine.clock import ManualClock
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from tests.engine.bars.helpers import ns, tick

MINUTE = 60_000_000_000


@pytest.fixture
def engine() -> Engine:
    config = load_config(overrides={"feeds": [], "brokers": []})
    engine = Engine(config, clock=ManualClock(ns("2024-01-02 10:00:00")))
    engine.instruments["600000.SSE"] = Instrument(
        "600000.SSE", "SPDB", "SSE", AssetClass.STOCK, 0.01, sessions="cn_stock"
    )
    return engine


def closed_events(engine: Engine) -> list[Bar]:
    seen: list[Bar] = []
    engine.bus.subscribe(BarEvent, lambda e: seen.append(e.bar) if e.closed else None)
    return seen


def test_closed_bars_are_published_and_kept_as_history(engine: Engine) -> None:
    seen = closed_events(engine)
    for when, price in (("10:00:05", 10.0), ("10:00:40", 10.4), ("10:01:02", 10.1)):
        engine.bus.publish(tick(f"2024-01-02 {when}", price, symbol="600000.SSE"))
    assert [(b.timeframe, b.close) for b in seen] == [("1m", 10.4)]
    assert engine.bars.history("600000.SSE") == seen
    forming = engine.bars.forming("600000.SSE")
    assert forming is not None and forming.start == ns("2024-01-02 10:01:00")


def test_timeframes_are_built_on_demand_once_for_all_subscribers(engine: Engine) -> None:
    seen = closed_events(engine)
    chart = engine.bars.subscribe("600000.SSE", "5m")
    engine.bars.subscribe("600000.SSE", "5m")  # a strategy wants the same bars
    for minute in range(0, 6):
        engine.bus.publish(tick(f"2024-01-02 10:0{minute}:30", 10.0 + minute,
                                symbol="600000.SSE"))
    assert [b.timeframe for b in seen].count("5m") == 1
    assert engine.bars.forming("600000.SSE", "5m").open == 15.0
    chart()
    assert sorted(engine.bars.subscriptions("600000.SSE")) == ["1m", "5m"]


def test_timer_closes_the_last_bar_before_lunch(engine: Engine) -> None:
    seen = closed_events(engine)
    engine.bus.publish(tick("2024-01-02 11:29:40", symbol="600000.SSE"))
    timer = engine.bars.run_timer(0)
    timer.send(None)  # runs up to its first sleep
    assert seen == []
    engine.clock.set(ns("2024-01-02 11:30:01"))  # type: ignore[attr-defined]
    timer.send(None)
    timer.close()
    assert [b.start for b in seen] == [ns("2024-01-02 11:29:00")]
    engine.bus.publish(tick("2024-01-02 12:00:00", symbol="600000.SSE"))  # stray tick at lunch
    assert engine.bars.stats.outside_sessions == 1
    assert len(seen) == 1


def test_history_persists_between_runs(engine: Engine) -> None:
    engine.bus.publish(tick("2024-01-02 10:00:05", symbol="600000.SSE"))
    engine.bus.publish(tick("2024-01-02 10:01:05", symbol="600000.SSE"))
    engine.bars.save()
    again = Engine(load_config(overrides={"feeds": [], "brokers": []}))
    again.bars.load()
    assert again.bars.history("600000.SSE") == engine.bars.history("600000.SSE")
    assert len(again.bars.history("600000.SSE")) == 1


def test_seeded_history_gives_higher_timeframes_at_once(engine: Engine) -> None:
    start = ns("2024-01-02 09:30:00")
    engine.bars.seed("600000.SSE", [
        Bar("600000.SSE", "1m", start + i * MINUTE, 10, 11, 9, 10 + i, 100, ticks=1)
        for i in range(30)
    ])
    engine.bars.subscribe("600000.SSE", "15m")
    history = engine.bars.history("600000.SSE", "15m")
    assert [(b.start, b.close, b.volume) for b in history] == [
        (start, 24.0, 1500.0), (start + 15 * MINUTE, 39.0, 1500.0)
    ]
