"""Engine metrics: cheap on the tick path, summarised once a second off it.

The tick path pays for one test per tick: on every ``PROBE_EVERY``-th tick the engine calls
:meth:`EngineMetrics.on_sampled_tick`, which credits ``PROBE_EVERY`` ticks to the tick's feed
and, at most every ``PROBE_INTERVAL_S``, brackets the dispatch of the next tick
(:meth:`EventBus.bracket_next`): its time through every handler (latest, bars, strategies) is
one latency sample. A wrapper counting every tick
per feed cost 15% of the engine's tick path (tests/benchmarks/bench_bars.py); the sampled
count is exact with one feed and within a few ``PROBE_EVERY`` ticks per feed with several.

Everything else (rates, ages, queue depths, drops, errors, process figures) is read from the
engine's own counters by :meth:`EngineMetrics.sample`, once a second, into an immutable
:class:`HealthSnapshot` that the GUI and the Prometheus endpoint show. Ages of the last tick
are found there too (a symbol's latest tick changed since the previous sample), so they have
the sample interval's resolution and cost the tick path nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import TYPE_CHECKING

import msgspec

from terminal.domain.enums import OrderStatus
from terminal.domain.events import BarEvent, OrderEvent, Tick
from terminal.engine.bars.timeframes import parse_timeframe
from terminal.engine.bus import EventBus
from terminal.engine.health import FeedHealth, broker_health, feed_health
from terminal.engine.process_stats import ProcessSampler

if TYPE_CHECKING:
    from terminal.engine.engine import Engine

log = logging.getLogger("terminal.metrics")

PROBE_EVERY = 64  # a power of two: the tap tests it with a mask
PROBE_MASK = PROBE_EVERY - 1
PROBE_INTERVAL_S = 0.05  # at most 20 latency probes a second: each costs a few µs
SAMPLE_INTERVAL_S = 1.0
PATHS = ("tick_to_strategy", "bar_to_strategy", "order_to_ack", "order_to_fill")


class LatencySummary(msgspec.Struct, frozen=True):
    """Percentiles (seconds) of one path's samples in the window; ``count`` samples in it."""

    count: int = 0
    p50: float = 0.0
    p90: float = 0.0
    p99: float = 0.0
    max: float = 0.0


class LatencyWindow:
    """Latency samples of the last ``window_s`` seconds (at most ``max_samples`` of them)."""

    def __init__(self, window_s: float = 60.0, max_samples: int = 2048) -> None:
        self.window_s = window_s
        self._samples: deque[tuple[float, float]] = deque(maxlen=max_samples)
        self.total_count = 0
        self.total_sum = 0.0

    def add(self, seconds: float, now: float | None = None) -> None:
        self._samples.append((time.monotonic() if now is None else now, seconds))
        self.total_count += 1
        self.total_sum += seconds

    def summary(self, now: float | None = None) -> LatencySummary:
        cutoff = (time.monotonic() if now is None else now) - self.window_s
        samples = self._samples
        while samples and samples[0][0] < cutoff:
            samples.popleft()
        if not samples:
            return LatencySummary()
        values = sorted(value for _, value in samples)
        last = len(values) - 1

        def pct(p: float) -> float:
            return values[min(last, int(len(values) * p))]

        return LatencySummary(len(values), pct(0.5), pct(0.9), pct(0.99), values[last])


class BrokerFigures(msgspec.Struct, frozen=True):
    name: str
    health: FeedHealth
    outbox: int = -1  # alerts waiting to be sent (mail brokers); -1: not a mail broker


class FeedFigures(msgspec.Struct, frozen=True):
    name: str
    health: FeedHealth
    ticks: int
    ticks_per_s: float
    last_tick_age_s: float | None  # None: no tick yet


class HealthSnapshot(msgspec.Struct, frozen=True):
    """Everything the health dock and the metrics endpoint show, as of ``ts`` (epoch s)."""

    ts: float
    feeds: tuple[FeedFigures, ...]
    brokers: tuple[BrokerFigures, ...]
    symbol_ages: dict[str, float]
    latency: dict[str, LatencySummary]
    latency_totals: dict[str, tuple[int, float]]  # path → (samples, sum of seconds), all time
    ticks_total: int
    backlog: int
    shedding: bool
    conflated: int
    handler_errors: dict[str, int]
    bars_outside_sessions: int
    bars_late: int
    bars_duplicates: int
    tasks: int
    cpu_percent: float
    rss_bytes: int


class EngineMetrics:
    """Latency windows fed by probes and bus events, and the sampler that summarises."""

    def __init__(self, bus: EventBus, window_s: float = 60.0) -> None:
        self._bus = bus
        self.latency = {path: LatencyWindow(window_s) for path in PATHS}
        self._feed_of: dict[str, str] = {}  # symbol → feed
        self._mapped_feeds: set[str] = set()
        self._sampled: dict[str, int] = {}  # feed → ticks credited by sampling
        self.probing = False
        self._probe_t0 = -PROBE_INTERVAL_S
        self._awaiting_ack: dict[str, int] = {}  # order id → created_ns
        self._awaiting_fill: dict[str, int] = {}
        self._bar_lengths: dict[str, int] = {}
        self._process = ProcessSampler()
        self._counts: dict[str, tuple[int, float, float]] = {}  # feed → count, at, last tick
        self._symbols: dict[str, tuple[Tick, float]] = {}
        self.last: HealthSnapshot | None = None
        bus.subscribe(OrderEvent, self._on_order)
        bus.subscribe(BarEvent, self._on_bar)

    # ---- tick path ---------------------------------------------------------------------
    def on_sampled_tick(self, tick: Tick) -> None:
        """Called by the engine for every ``PROBE_EVERY``-th tick it takes in: credits its
        feed and times the dispatch of the next tick."""
        feed = self._feed_of.get(tick.symbol, "")
        self._sampled[feed] = self._sampled.get(feed, 0) + PROBE_EVERY
        if not self.probing and time.perf_counter() - self._probe_t0 >= PROBE_INTERVAL_S:
            self.probing = True
            self._bus.bracket_next(Tick, self._start_probe, self._end_probe)

    def _start_probe(self, _tick: Tick) -> None:
        self._probe_t0 = time.perf_counter()

    def _end_probe(self, _tick: Tick) -> None:
        self.latency["tick_to_strategy"].add(time.perf_counter() - self._probe_t0)
        self.probing = False

    # ---- bars and orders (rare events) ----------------------------------------------------
    def _on_bar(self, event: BarEvent) -> None:
        if not event.closed:
            return
        bar = event.bar
        length = self._bar_lengths.get(bar.timeframe)
        if length is None:
            length = self._bar_lengths[bar.timeframe] = parse_timeframe(bar.timeframe).length_ns
        if length:
            delay = time.time_ns() - (bar.start + length)
            # Bars cut short by a session's close end before their nominal end; skip those
            # and replayed history (hours old), which say nothing about the live path.
            if 0 <= delay < 3_600_000_000_000:
                self.latency["bar_to_strategy"].add(delay / 1e9)

    def _on_order(self, event: OrderEvent) -> None:
        order = event.order
        order_id, status = order.order_id, order.status
        if status is OrderStatus.SUBMITTED:
            if order_id not in self._awaiting_fill:
                self._awaiting_ack.setdefault(order_id, order.created_ns)
            return
        created = self._awaiting_ack.pop(order_id, None)
        if created is not None:
            if status is OrderStatus.REJECTED:
                return  # refused, not acknowledged: its time says nothing about the broker
            self.latency["order_to_ack"].add(max(0, order.updated_ns - created) / 1e9)
            self._awaiting_fill[order_id] = created
        created = self._awaiting_fill.get(order_id)
        if created is None:
            return
        if status in (OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED):
            # A fill's order event carries the fill's time as ``updated_ns``.
            self.latency["order_to_fill"].add(max(0, order.updated_ns - created) / 1e9)
            del self._awaiting_fill[order_id]
        elif status.is_final:
            del self._awaiting_fill[order_id]

    # ---- sampling ----------------------------------------------------------------------
    def sample(self, engine: Engine, now: float | None = None) -> HealthSnapshot:
        """Summarise the engine (on the loop). ``now`` (``time.monotonic()`` by default) is
        the time for rates and ages; latency windows always slide on the real clock."""
        real_now = time.monotonic()
        now = real_now if now is None else now
        self._map_symbols(engine)
        feeds = tuple(self._feed_figures(engine, name, now) for name in engine.feeds)
        brokers = tuple(
            BrokerFigures(name, broker_health(engine.broker_status.get(name)), _outbox(broker))
            for name, broker in engine.brokers.items()
        )
        stats, bars = engine.conflator.stats(), engine.bars.stats
        cpu, rss = self._process.sample()
        self.last = HealthSnapshot(
            ts=time.time(),
            feeds=feeds,
            brokers=brokers,
            symbol_ages=self._symbol_ages(engine.latest, now),
            latency={path: window.summary(real_now) for path, window in self.latency.items()},
            latency_totals={
                path: (window.total_count, window.total_sum)
                for path, window in self.latency.items()
            },
            ticks_total=engine.tick_count,
            backlog=stats.backlog,
            shedding=stats.shedding,
            conflated=stats.conflated,
            handler_errors=dict(engine.bus.errors),
            bars_outside_sessions=bars.outside_sessions,
            bars_late=bars.late,
            bars_duplicates=bars.duplicates,
            tasks=len(engine.tasks),
            cpu_percent=cpu,
            rss_bytes=rss,
        )
        return self.last

    def _feed_figures(self, engine: Engine, name: str, now: float) -> FeedFigures:
        # One feed: every tick is its own, counted exactly; several: sampled credits.
        count = engine.tick_count if len(engine.feeds) == 1 else self._sampled.get(name, 0)
        previous = self._counts.get(name)
        if previous is None:
            rate, last_tick = 0.0, (now if count else -1.0)
        else:
            old_count, at, last_tick = previous
            rate = (count - old_count) / (now - at) if now > at else 0.0
            if count != old_count:
                last_tick = now
        self._counts[name] = (count, now, last_tick)
        age = now - last_tick if last_tick >= 0 else None
        health = feed_health(engine.feed_status.get(name), age)
        return FeedFigures(name, health, count, rate, age)

    def _map_symbols(self, engine: Engine) -> None:
        if len(self._mapped_feeds) != len(engine.feeds):
            self._mapped_feeds = set(engine.feeds)
            self._feed_of = {
                instrument.symbol: name
                for name, feed in engine.feeds.items()
                for instrument in feed.instruments()
            }

    def _symbol_ages(self, latest: dict[str, Tick], now: float) -> dict[str, float]:
        seen = self._symbols
        ages = {}
        for symbol, tick in latest.items():
            previous = seen.get(symbol)
            if previous is None or previous[0] is not tick:
                seen[symbol] = (tick, now)
                ages[symbol] = 0.0
            else:
                ages[symbol] = now - previous[1]
        return ages

    async def run(self, engine: Engine, interval_s: float = SAMPLE_INTERVAL_S) -> None:
        """Sample every ``interval_s`` and publish the snapshot on the bus."""
        while True:
            await asyncio.sleep(interval_s)
            self._bus.publish(self.sample(engine))


def _outbox(broker: object) -> int:
    """Pending alerts of a mail broker (anything with an ``outbox.pending(name)``), else -1."""
    if not hasattr(type(broker), "outbox"):
        return -1
    try:
        return len(broker.outbox.pending(broker.name))  # type: ignore[attr-defined]
    except Exception:  # not started, or closed during shutdown: nothing to count
        return 0
