"""The health dock: verdicts with reasons, latency figures and sparklines, live from the engine."""

from __future__ import annotations

import numpy as np
from pytestqt.qtbot import QtBot

from terminal.engine.monitoring.health import FeedHealth, HealthLevel
from terminal.engine.monitoring.metrics import (
    PATHS,
    BrokerFigures,
    FeedFigures,
    HealthSnapshot,
    LatencySummary,
)
from terminal.ui.bridge import EngineBridge
from terminal.ui.monitors.health_panel import LEVEL_COLORS, HealthPanel
from terminal.ui.theme import THEMES


def snapshot(p99: float, **changes: object) -> HealthSnapshot:
    base = HealthSnapshot(
        ts=0.0,
        feeds=(
            FeedFigures("sina", FeedHealth("disconnected", HealthLevel.RED,
                                           "disconnected: retry in 8 s"), 10, 0.0, 42.0),
            FeedFigures("sim", FeedHealth("live", HealthLevel.AMBER,
                                          "stale: last tick 42 s ago"), 500, 0.0, 42.0),
        ),
        brokers=(BrokerFigures("desk", FeedHealth("error", HealthLevel.RED, "535 bad login"), 2),),
        symbol_ages={},
        latency={path: LatencySummary(10, p99 / 2, p99 / 1.5, p99, p99 * 2) for path in PATHS},
        latency_totals={path: (10, 1.0) for path in PATHS},
        ticks_total=510,
        backlog=7,
        shedding=True,
        conflated=3,
        handler_errors={"Chart._on_bar": 4},
        bars_outside_sessions=12,
        bars_late=1,
        bars_duplicates=0,
        tasks=5,
        cpu_percent=12.0,
        rss_bytes=200_000_000,
    )
    return msgspec_replace(base, **changes)


def msgspec_replace(snap: HealthSnapshot, **changes: object) -> HealthSnapshot:
    import msgspec

    return msgspec.structs.replace(snap, **changes)


def test_verdicts_reasons_and_figures_are_shown(qtbot: QtBot) -> None:
    panel = HealthPanel(THEMES["dark"])
    qtbot.addWidget(panel)
    panel.show_snapshot(snapshot(0.004))
    assert panel.rows() == [
        ("red", "feed", "sina", "disconnected", "disconnected: retry in 8 s", "0", "42 s ago"),
        ("amber", "feed", "sim", "live", "stale: last tick 42 s ago", "0", "42 s ago"),
        ("red", "broker", "desk", "error", "535 bad login · 2 alert(s) waiting", "", ""),
    ]
    dot = panel.table.item(0, 0)
    red = THEMES["dark"].color(LEVEL_COLORS[HealthLevel.RED])
    assert dot is not None and dot.foreground().color() == red
    label = panel.latency_labels["order_to_ack"].text()
    assert label == "p50 2.0 ms · p90 2.7 ms · p99 4.0 ms · max 8.0 ms (10)"
    figures = panel.figures.text()
    assert "queued 7 — SHEDDING LOAD" in figures
    assert "handler errors 4 (most: Chart._on_bar ×4)" in figures
    assert "12 outside sessions, 1 late" in figures and "memory 200 MB" in figures


def test_sparkline_keeps_the_p99_history(qtbot: QtBot) -> None:
    panel = HealthPanel(THEMES["light"])
    qtbot.addWidget(panel)
    for p99 in (0.001, 0.002, 0.010):
        panel.show_snapshot(snapshot(p99))
    _, ys = panel.sparklines["tick_to_strategy"].getData()
    assert ys is not None and [round(y, 6) for y in ys] == [1.0, 2.0, 10.0]  # milliseconds
    empty = {path: LatencySummary() for path in PATHS}
    none_ever = {path: (0, 0.0) for path in PATHS}
    panel.show_snapshot(snapshot(0.0, latency=empty, latency_totals=none_ever))
    assert panel.latency_labels["order_to_fill"].text() == "no samples yet"
    _, ys = panel.sparklines["tick_to_strategy"].getData()
    assert ys is not None and np.isnan(ys[-1])  # a gap, not a dip to zero


def test_a_window_that_emptied_says_so_and_what_came_before(qtbot: QtBot) -> None:
    # "no samples yet" was shown once the last minute held no sample, after hundreds.
    panel = HealthPanel(THEMES["dark"])
    qtbot.addWidget(panel)
    empty = {path: LatencySummary() for path in PATHS}
    earlier = {path: (250, 0.75) for path in PATHS}
    panel.show_snapshot(snapshot(0.0, latency=empty, latency_totals=earlier))
    assert panel.latency_labels["order_to_fill"].text() == (
        "none in the last 60 s · 250 before, mean 3.0 ms")
    panel.show_snapshot(snapshot(0.0, latency=empty, latency_totals=earlier,
                                 latency_window_s=30.0))  # fmt: skip
    assert panel.latency_labels["order_to_ack"].text().startswith("none in the last 30 s")


def test_live_engine_turns_the_simulated_feed_green(qtbot: QtBot, bridge: EngineBridge) -> None:
    panel = HealthPanel(THEMES["dark"])
    qtbot.addWidget(panel)
    bridge.health_changed.connect(panel.show_snapshot)

    def sim_ticking() -> bool:  # the first snapshot has no rate yet: wait for the second
        rows = panel.rows()
        return any(r[2] == "sim" and r[0] == "green" and r[5] not in ("", "0") for r in rows)

    qtbot.waitUntil(sim_ticking, timeout=5000)
    sim = next(row for row in panel.rows() if row[2] == "sim")
    assert sim[3] == "live" and sim[4].startswith("live: last tick")
    assert float(sim[5].replace(",", "")) > 0  # ticks/s
    paper = next(row for row in panel.rows() if row[2] == "paper")
    assert paper[0] == "green"
    assert panel.latency_labels["tick_to_strategy"].text().startswith("p50 ")
