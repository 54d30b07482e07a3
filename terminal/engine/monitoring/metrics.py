"""Engine metrics: nothing added per tick, summarised once a second off the tick path.

Latency of the tick path is probed: ``PROBE_INTERVAL_S`` after the previous probe, the next
tick's dispatch is bracketed (:meth:`EventBus.bracket_next`) and its time through every
handler (latest price, bars, strategies) is one sample; other ticks pay nothing. Counting
ticks per feed in a wrapper or a per-tick test cost 5–15% of the engine's tick path
(tests/benchmarks/bench_bars.py), so tick counts come from the engine's own ``tick_count``:
exact for a single feed; with several, split by the feeds' shares of the probed ticks (the
first tick after a random moment comes from each feed in proportion to its rate).

Everything else (rates, ages, queue depths, drops, errors, process figures) is read from the
engine's own counters by :meth:`EngineMetrics.sample`, once a second, into an immutable
:class:`HealthSnapshot` that the GUI and the Prometheus endpoint show. A symbol's last-tick
age is found there too (its latest tick changed since the previous sample), so ages have the
sample interval's resolution; a feed's age is that of its freshest symbol.
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
from terminal.engine.monitoring.health import FeedHealth, broker_health, feed_health
from terminal.engine.monitoring.process_stats import ProcessSampler

if TYPE_CHECKING:
    from terminal.engine.engine import Engine

log = logging.getLogger("terminal.metrics")

PROBE_INTERVAL_S = 0.05  # 20 latency probes a second while ticks flow: each costs a few µs
SAMPLES_PER_SNAPSHOT = 20  # one snapshot a second
SHARE_WINDOW_S = 10.0  # feeds' shares of the tick rate are judged over this long
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
    latency_window_s: float = 60.0  # how far back ``latency`` looks


class EngineMetrics:
    """Latency windows fed by probes and bus events, and the sampler that summarises."""

    def __init__(self, bus: EventBus, window_s: float = 60.0) -> None:
        self._bus = bus
        self.window_s = window_s
        self.latency = {path: LatencyWindow(window_s) for path in PATHS}
        self._feed_of: dict[str, str] = {}  # symbol → feed
        self._mapped_feeds: set[str] = set()
        self._probed_feeds: deque[tuple[float, str]] = deque(maxlen=1024)  # (time, feed)
        self._estimated: dict[str, float] = {}  # feed → ticks, with several feeds
        self._total: tuple[int, float] | None = None  # engine.tick_count and when
        self.probing = False
        self._probe_t0 = 0.0
        self._awaiting_ack: dict[str, int] = {}  # order id → created_ns
        self._awaiting_fill: dict[str, int] = {}
        self._bar_lengths: dict[str, int] = {}
        self._process = ProcessSampler()
        self._symbols: dict[str, tuple[Tick, float]] = {}
        self.last: HealthSnapshot | None = None
        bus.subscribe(OrderEvent, self._on_order)
        bus.subscribe(BarEvent, self._on_bar)

    # ---- tick path: probes only ----------------------------------------------------------
    def arm_probe(self) -> None:
        """Time the dispatch of the next tick (called by :meth:`run`, and by tests)."""
        if not self.probing:
            self.probing = True
            self._bus.bracket_next(Tick, self._start_probe, self._end_probe)

    def _start_probe(self, tick: Tick) -> None:
        self._probed_feeds.append((time.monotonic(), self._feed_of.get(tick.symbol, "")))
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
        symbol_ages = self._symbol_ages(engine.latest, now)
        feeds = self._feed_figures(engine, symbol_ages, now)
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
            symbol_ages=symbol_ages,
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
            latency_window_s=self.window_s,
        )
        return self.last

    def _feed_figures(
        self, engine: Engine, symbol_ages: dict[str, float], now: float
    ) -> tuple[FeedFigures, ...]:
        count = engine.tick_count
        added, rate = 0, 0.0
        if self._total is not None:
            added, elapsed = count - self._total[0], now - self._total[1]
            rate = added / elapsed if elapsed > 0 else 0.0
        self._total = (count, now)
        shares = self._shares(list(engine.feeds), now)
        ages: dict[str, float] = {}
        for symbol, age in symbol_ages.items():
            feed = self._feed_of.get(symbol)
            if feed is not None:
                ages[feed] = min(age, ages.get(feed, age))
        figures = []
        for name in engine.feeds:
            share = shares.get(name, 0.0)
            estimate = self._estimated[name] = self._estimated.get(name, 0.0) + added * share
            ticks = count if len(engine.feeds) == 1 else round(estimate)
            feed_age = ages.get(name)
            health = feed_health(engine.feed_status.get(name), feed_age)
            figures.append(FeedFigures(name, health, ticks, rate * share, feed_age))
        return tuple(figures)

    def _shares(self, feeds: list[str], now: float) -> dict[str, float]:
        if len(feeds) == 1:
            return {feeds[0]: 1.0}
        probed = self._probed_feeds
        while probed and probed[0][0] < now - SHARE_WINDOW_S:
            probed.popleft()
        if not probed:
            return {}
        counts: dict[str, int] = {}
        for _, feed in probed:
            counts[feed] = counts.get(feed, 0) + 1
        return {feed: counts.get(feed, 0) / len(probed) for feed in feeds}

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

    async def run(self, engine: Engine) -> None:
        """Arm a latency probe every ``PROBE_INTERVAL_S``; once a second, publish a snapshot."""
        turns = 0
        while True:
            await asyncio.sleep(PROBE_INTERVAL_S)
            self.arm_probe()
            turns += 1
            if turns % SAMPLES_PER_SNAPSHOT == 0:
                self._bus.publish(self.sample(engine))


def _outbox(broker: object) -> int:
    """Pending alerts of a mail broker (anything with an ``outbox.pending(name)``), else -1."""
    if not hasattr(type(broker), "outbox"):
        return -1
    try:
        return len(broker.outbox.pending(broker.name))  # type: ignore[attr-defined]
    except Exception:  # not started, or closed during shutdown: nothing to count
        return 0
