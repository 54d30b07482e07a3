"""The Prometheus endpoint, scraped over real HTTP while the simulated feed ticks."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.engine.monitoring.prometheus import MetricsServer
from tests.aio import run
from tests.mail_server import free_port


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_scrape_shows_figures_moving_while_ticks_flow() -> None:
    config = load_config(
        overrides={
            "engine": {"persist": False},
            "feeds": [{"name": "sim", "plugin": "simulated", "options": {"rate": 400.0}}],
        }
    )

    async def scenario() -> tuple[str, str, tuple[int, str, str], tuple[int, str, str]]:
        engine = Engine(config)
        await engine.start()
        server = MetricsServer(engine, port=0)
        await server.start()
        loop = asyncio.get_running_loop()
        try:
            assert server.url.startswith("http://127.0.0.1:")
            await asyncio.sleep(0.3)  # the first ticks
            first = await loop.run_in_executor(None, fetch, server.url)
            await asyncio.sleep(1.3)  # ticks flow; the sampler runs once a second
            second = await loop.run_in_executor(None, fetch, server.url)
            missing = await loop.run_in_executor(None, fetch, server.url[: -len("metrics")])
            post = urllib.request.Request(server.url, data=b"x", method="POST")
            refused = await loop.run_in_executor(None, fetch, post)  # type: ignore[arg-type]
        finally:
            await server.stop()
            await engine.stop()
        return first[2], second[2], missing, refused

    first, second, missing, refused = run(scenario())
    before, after = samples(first), samples(second)
    ticks = ("terminal_ticks_total", ())
    assert after[ticks] > before[ticks] > 0
    feed_rate = after[("terminal_feed_ticks_per_second", (("feed", "sim"),))]
    assert feed_rate > 50
    assert after[("terminal_feed_ticks_total", (("feed", "sim"),))] > 0
    health = after[("terminal_health", (("kind", "feed"), ("name", "sim"), ("status", "live")))]
    assert health == 0  # green
    paper = ("terminal_health", (("kind", "broker"), ("name", "paper"), ("status", "live")))
    assert after[paper] == 0
    p99 = ("terminal_latency_seconds", (("path", "tick_to_strategy"), ("quantile", "0.99")))
    assert 0 < after[p99] < 1.0
    assert after[("terminal_latency_seconds_count", (("path", "tick_to_strategy"),))] >= 1
    assert after[("terminal_process_resident_memory_bytes", ())] > 10e6
    dropped = ("terminal_bar_ticks_dropped_total", (("reason", "late"),))
    assert dropped in after
    assert any(name == "terminal_symbol_last_tick_age_seconds" for name, _ in after)
    assert missing[0] == 404 and refused[0] == 404


@pytest.mark.slow
def test_serve_exposes_metrics_on_localhost(tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ, TERMINAL_DATA_DIR=str(tmp_path / "data"))
    process = subprocess.Popen(
        [sys.executable, "-m", "terminal.cli", "serve", "--seconds", "20",
         "--pub", "tcp://127.0.0.1:0", "--rep", "tcp://127.0.0.1:0", "--metrics-port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline(), process.stdout.readline()]
        assert lines[1].strip() == f"metrics: http://127.0.0.1:{port}/metrics", lines
        deadline = time.monotonic() + 10
        while True:
            status, kind, text = fetch(f"http://127.0.0.1:{port}/metrics")
            ticks = samples(text).get(("terminal_ticks_total", ()), 0)
            if ticks > 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert status == 200 and kind.startswith("text/plain")
        assert samples(text)[("terminal_ticks_total", ())] > 0
        assert re.search(r"^terminal_feed_ticks_per_second\{feed=\"sim\"\}", text, re.M)
    finally:
        process.terminate()
        process.communicate(timeout=10)
    log_file = tmp_path / "data" / "logs" / "terminal.log"
    assert '"component": "metrics"' in log_file.read_text()  # serve writes the JSON log too
