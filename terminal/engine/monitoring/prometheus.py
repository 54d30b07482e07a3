"""The Prometheus endpoint: the engine's metrics in the text exposition format.

Served by a small asyncio HTTP server on the engine's own loop (no thread), so a scrape
reads engine state where it lives. Gauges come from the engine's 1 Hz health snapshot;
counters are read live. The names are listed in docs/monitoring.md.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from terminal.engine.monitoring.health import FeedHealth, HealthLevel
from terminal.engine.monitoring.metrics import LatencySummary

if TYPE_CHECKING:
    from terminal.engine.engine import Engine

log = logging.getLogger("terminal.metrics")

LEVEL_VALUE = {HealthLevel.GREEN: 0, HealthLevel.AMBER: 1, HealthLevel.RED: 2}
QUANTILES = (("0.5", "p50"), ("0.9", "p90"), ("0.99", "p99"), ("1", "max"))


class EngineCollector(Collector):
    """Turns the engine's figures into Prometheus metric families at each scrape."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[Metric]:
        engine = self._engine
        snap = engine.metrics.last or engine.metrics.sample(engine)
        yield CounterMetricFamily(
            "terminal_ticks", "Ticks the engine took in, all feeds", value=engine.tick_count
        )
        feed_ticks = CounterMetricFamily(
            "terminal_feed_ticks",
            "Ticks per feed (estimated from probed ticks with several feeds)",
            labels=["feed"],
        )
        rate = GaugeMetricFamily("terminal_feed_ticks_per_second", "Tick rate", labels=["feed"])
        age = GaugeMetricFamily(
            "terminal_feed_last_tick_age_seconds", "Seconds since the feed's last tick",
            labels=["feed"],
        )
        for feed in snap.feeds:
            feed_ticks.add_metric([feed.name], feed.ticks)
            rate.add_metric([feed.name], feed.ticks_per_s)
            if feed.last_tick_age_s is not None:
                age.add_metric([feed.name], feed.last_tick_age_s)
        yield from (feed_ticks, rate, age)
        symbol_age = GaugeMetricFamily(
            "terminal_symbol_last_tick_age_seconds", "Seconds since the symbol's last tick",
            labels=["symbol"],
        )
        for symbol, seconds in sorted(snap.symbol_ages.items()):
            symbol_age.add_metric([symbol], seconds)
        yield symbol_age
        yield self._health(
            [("feed", f.name, f.health) for f in snap.feeds]
            + [("broker", b.name, b.health) for b in snap.brokers]
        )
        yield self._latency(snap.latency, snap.latency_totals)
        yield GaugeMetricFamily("terminal_tick_backlog", "Ticks queued", value=snap.backlog)
        yield GaugeMetricFamily(
            "terminal_load_shedding", "1 while quotes are being conflated", value=snap.shedding
        )
        yield CounterMetricFamily(
            "terminal_ticks_conflated", "Quotes replaced by a newer one under load",
            value=engine.conflator.conflated,
        )
        errors = CounterMetricFamily(
            "terminal_handler_errors", "Exceptions raised by bus handlers", labels=["handler"]
        )
        for handler, count in sorted(engine.bus.errors.items()):
            errors.add_metric([handler], count)
        yield errors
        bars = engine.bars.stats
        dropped = CounterMetricFamily(
            "terminal_bar_ticks_dropped", "Ticks not used for bars, by reason", labels=["reason"]
        )
        dropped.add_metric(["outside_sessions"], bars.outside_sessions)
        dropped.add_metric(["late"], bars.late)
        dropped.add_metric(["duplicate"], bars.duplicates)
        yield dropped
        malformed = CounterMetricFamily(
            "terminal_feed_ticks_malformed",
            "Ticks dropped at the feed boundary: NaN or infinite prices or sizes",
            labels=["feed"],
        )
        for feed_name, count in sorted(engine.malformed_ticks().items()):
            malformed.add_metric([feed_name], count)
        yield malformed
        outbox = GaugeMetricFamily(
            "terminal_mail_outbox_pending", "Alerts waiting to be sent", labels=["broker"]
        )
        for broker in snap.brokers:
            if broker.outbox >= 0:
                outbox.add_metric([broker.name], broker.outbox)
        yield outbox
        yield GaugeMetricFamily("terminal_engine_tasks", "Engine tasks", value=snap.tasks)
        yield GaugeMetricFamily(
            "terminal_process_cpu_percent", "CPU use, % of one core", value=snap.cpu_percent
        )
        yield GaugeMetricFamily(
            "terminal_process_resident_memory_bytes", "Resident memory", value=snap.rss_bytes
        )

    @staticmethod
    def _health(items: list[tuple[str, str, FeedHealth]]) -> Metric:
        family = GaugeMetricFamily(
            "terminal_health", "0 green, 1 amber, 2 red", labels=["kind", "name", "status"]
        )
        for kind, name, health in items:
            family.add_metric([kind, name, health.status], LEVEL_VALUE[health.level])
        return family

    @staticmethod
    def _latency(
        windows: dict[str, LatencySummary], totals: dict[str, tuple[int, float]]
    ) -> Metric:
        name = "terminal_latency_seconds"
        family = Metric(name, "Latency per path; quantiles over the last 60 s", "summary")
        for path, summary in windows.items():
            for quantile, attribute in QUANTILES:
                labels = {"path": path, "quantile": quantile}
                family.add_sample(name, labels, getattr(summary, attribute))
            count, total = totals[path]
            family.add_sample(name + "_count", {"path": path}, count)
            family.add_sample(name + "_sum", {"path": path}, total)
        return family


def registry_for(engine: Engine) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(EngineCollector(engine))
    return registry


class MetricsServer:
    """``GET /metrics`` on ``host:port`` (localhost by default: figures are not for the world)."""

    def __init__(self, engine: Engine, host: str = "127.0.0.1", port: int = 9108) -> None:
        self.registry = registry_for(engine)
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("metrics: http://%s:%d/metrics", self.host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/metrics"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5.0)
            while (await asyncio.wait_for(reader.readline(), 5.0)) not in (b"\r\n", b"\n", b""):
                pass  # headers: nothing in them changes the answer
            parts = request.decode("latin-1").split()
            if len(parts) >= 2 and parts[0] == "GET" and parts[1].split("?")[0] == "/metrics":
                status, body, kind = "200 OK", generate_latest(self.registry), CONTENT_TYPE_LATEST
            else:
                status, body, kind = "404 Not Found", b"try /metrics\n", "text/plain"
            head = (
                f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode("latin-1") + body)
            await writer.drain()
        except (TimeoutError, ConnectionError) as exc:
            log.debug("metrics: request dropped: %s", exc)
        finally:
            writer.close()
