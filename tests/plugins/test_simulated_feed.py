"""The simulated feed: realistic, seedable ticks, inside sessions or on the demo clock."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from plugins.feeds.simulated import (
    MAX_CATCH_UP_S,
    MAX_TICKS_PER_TURN,
    SimulatedFeed,
    SimulatedFeedOptions,
)
from terminal.domain.enums import AssetClass, ConnectionStatus
from terminal.domain.instrument import TradingSessions
from terminal.domain.market import Tick
from terminal.engine.clock import ManualClock
from terminal.engine.sessions import ALWAYS, load_sessions


class Context:
    def __init__(self, when: datetime) -> None:
        self.clock = ManualClock(int(when.timestamp() * 1e9))
        self.ticks: list[Tick] = []
        self.statuses: list[ConnectionStatus] = []
        self._sessions = load_sessions()

    def publish_tick(self, tick: Tick) -> None:
        self.ticks.append(tick)

    def set_status(self, status: ConnectionStatus, reason: str = "") -> None:
        self.statuses.append(status)

    def spawn(self, coro: object, name: str) -> None:
        raise AssertionError("not used here")

    def sessions(self, name: str) -> TradingSessions:
        return self._sessions.get(name, ALWAYS)


WEDNESDAY_MORNING_SHANGHAI = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
SATURDAY = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def feed(when: datetime = WEDNESDAY_MORNING_SHANGHAI, **options: object) -> SimulatedFeed:
    opts = SimulatedFeedOptions(**{"seed": 42, "rate": 1000.0, **options})  # type: ignore[arg-type]
    return SimulatedFeed("sim", Context(when), opts)  # type: ignore[arg-type]


def ticks(sim: SimulatedFeed) -> list[Tick]:
    return sim.context.ticks  # type: ignore[attr-defined, no-any-return]


def test_default_universe_spans_asset_classes() -> None:
    instruments = feed().instruments()
    assert len(instruments) >= 20
    classes = {i.asset_class for i in instruments}
    assert classes == {AssetClass.STOCK, AssetClass.FUTURE, AssetClass.CRYPTO, AssetClass.FX}
    sessions = {i.sessions for i in feed(mode="sessions").instruments()}
    assert {"cn_stock", "cn_future_night", "crypto", "fx"} <= sessions
    # Demo mode ticks at all hours, so its instruments say so (the bar engine keeps them).
    assert {i.sessions for i in instruments} == {"always"}


def test_same_seed_same_ticks() -> None:
    first, second = feed(), feed()
    first.emit_batch(1.0)
    second.emit_batch(1.0)
    assert ticks(first) == ticks(second)
    assert len(ticks(first)) == 1000


def test_ticks_are_realistic() -> None:
    sim = feed()
    sim.emit_batch(5.0)
    by_symbol = {i.symbol: i for i in sim.instruments()}
    seen_volume: dict[str, float] = {}
    for tick in ticks(sim):
        instrument = by_symbol[tick.symbol]
        on_grid = tick.last / instrument.tick_size
        assert on_grid == pytest.approx(round(on_grid), abs=1e-6), tick
        assert len(tick.bid_prices) == len(tick.ask_prices) == 5
        assert list(tick.bid_prices) == sorted(tick.bid_prices, reverse=True)
        assert list(tick.ask_prices) == sorted(tick.ask_prices)
        assert tick.bid_prices[0] < tick.ask_prices[0]
        assert tick.volume >= seen_volume.get(tick.symbol, 0.0)  # cumulative
        seen_volume[tick.symbol] = tick.volume
        assert tick.turnover >= 0 and tick.ts > 0  # a quote may come before any trade
        if instrument.asset_class is AssetClass.FUTURE:
            assert tick.open_interest > 0
        assert tick.low <= tick.last <= tick.high


def test_sessions_mode_quotes_only_open_markets() -> None:
    sim = feed(SATURDAY, mode="sessions")
    sim.emit_batch(2.0)
    classes = {
        s.asset_class for s in sim.instruments() if any(t.symbol == s.symbol for t in ticks(sim))
    }
    assert classes == {AssetClass.CRYPTO}  # weekend: only crypto trades
    weekday = feed(WEDNESDAY_MORNING_SHANGHAI, mode="sessions")
    weekday.emit_batch(2.0)
    symbols = {t.symbol for t in ticks(weekday)}
    assert "600000.SSE" in symbols and "AAPL.NASDAQ" not in symbols


def test_demo_mode_trades_around_the_clock() -> None:
    sim = feed(SATURDAY)
    sim.emit_batch(2.0)
    assert "600000.SSE" in {t.symbol for t in ticks(sim)}


def test_rate_is_respected_up_to_twenty_thousand_per_second() -> None:
    sim = feed(rate=20_000.0)
    for _ in range(20):
        sim.emit_batch(0.05)
    assert len(ticks(sim)) == 20_000


def test_history_ends_where_live_prices_start() -> None:
    sim = feed()
    bars = sim.history("600519.SSE", "1m", 300)
    assert len(bars) == 300
    assert all(b.low <= min(b.open, b.close) and b.high >= max(b.open, b.close) for b in bars)
    assert [b.start for b in bars] == sorted(b.start for b in bars)
    sim.emit_batch(3.0)
    first_live = next(t for t in ticks(sim) if t.symbol == "600519.SSE")
    assert abs(first_live.last / bars[-1].close - 1) < 0.01


def test_sessions_definitions() -> None:
    sessions = load_sessions()
    stock = sessions["cn_stock"]
    assert stock.is_open(datetime(2026, 11, 18, 1, 45, tzinfo=UTC))  # 09:45
    assert not stock.is_open(datetime(2026, 11, 18, 4, 0, tzinfo=UTC))  # 12:00 lunch
    night = sessions["cn_future_night"]
    assert night.is_open(datetime(2026, 11, 18, 13, 30, tzinfo=UTC))  # 21:30
    gold = sessions["cn_future_gold"]
    assert gold.is_open(datetime(2026, 11, 18, 17, 0, tzinfo=UTC))  # 01:00 next day
    assert not gold.is_open(datetime(2026, 11, 21, 17, 0, tzinfo=UTC))  # Sunday 01:00


def test_running_values_carry_from_tick_to_tick_within_and_across_batches() -> None:
    # Few instruments at a high rate: each one ticks many times in every batch.
    sim = feed(rate=20_000.0)
    for _ in range(5):
        sim.emit_batch(0.05)
        sim.context.clock.advance(50_000_000)  # type: ignore[attr-defined]
    steps = {
        s.symbol: float(k * s.tick_size) for s, k in zip(sim._specs, sim._step_ticks, strict=True)
    }
    previous: dict[str, Tick] = {}
    for tick in ticks(sim):
        before = previous.get(tick.symbol)
        previous[tick.symbol] = tick
        if before is None:
            continue
        assert abs(tick.last - before.last) <= steps[tick.symbol] + 1e-9, (before, tick)
        assert tick.high == max(before.high, tick.last)
        assert tick.low == min(before.low, tick.last)
        # Volume and turnover grow together (a tick that trades nothing changes neither).
        assert tick.volume >= before.volume and tick.turnover >= before.turnover
        assert (tick.volume > before.volume) == (tick.turnover > before.turnover)
        assert abs(tick.open_interest - before.open_interest) <= 3
        assert tick.ts > before.ts
    assert len(previous) == len(sim.instruments())


def test_a_late_wake_up_is_caught_up_in_short_slices_up_to_a_limit() -> None:
    sim = feed(rate=20_000.0, interval_ms=10)
    assert sim.turn_slices(0.012) == [0.012]  # on time: one turn
    slices = sim.turn_slices(0.2)  # 4,000 ticks due after a 200 ms stall
    assert sum(slices) == pytest.approx(0.2)
    assert max(slices) * 20_000 <= MAX_TICKS_PER_TURN and len(slices) == 8
    assert sum(sim.turn_slices(5.0)) == pytest.approx(MAX_CATCH_UP_S)  # no 5 s burst
    for seconds in sim.turn_slices(0.2):
        sim.emit_batch(seconds)
    assert len(ticks(sim)) == 4_000


def test_live_volume_per_minute_matches_the_seeded_history() -> None:
    # Live volume ~100x the history made every volume pane one spike at the last bars.
    sim = feed(rate=200.0)  # the default config's rate
    lots = {i.symbol: i.lot_size for i in sim.instruments()}
    history = {s: np.mean([b.volume for b in sim.history(s, "1m", 300)]) for s in lots}
    for _ in range(5 * 60 * 20):  # five simulated minutes in 50 ms batches
        sim.emit_batch(0.05)
    last: dict[str, Tick] = {}
    for tick in ticks(sim):
        before = last.get(tick.symbol)
        traded = tick.volume - (before.volume if before else 0.0)
        # Whole lots traded, or none: a quote may change without a trade.
        assert traded / lots[tick.symbol] == pytest.approx(round(traded / lots[tick.symbol]))
        last[tick.symbol] = tick
    ratios = {s: last[s].volume / 5 / history[s] for s in lots}
    assert all(0.5 < ratio < 2.0 for ratio in ratios.values()), ratios
