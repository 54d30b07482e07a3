"""Dropped ticks are counted per tick but logged as a summary, not one line per symbol: the
first poll of a whole market outside trading hours must not write a line per instrument."""

from __future__ import annotations

import logging

import pytest

from tests.engine.bars.helpers import Collector, tick

SYMBOLS = [f"{600000 + i}.SSE" for i in range(900)]


def test_a_market_outside_its_sessions_logs_one_line_not_one_per_symbol(
    caplog: pytest.LogCaptureFixture,
) -> None:
    collector = Collector("cn_stock")
    with caplog.at_level(logging.INFO, logger="terminal.bars"):
        for symbol in SYMBOLS:  # the first poll of 900 codes at 20:00
            collector.builder.on_tick(tick("2024-01-02 20:00:03", symbol=symbol))
        for symbol in SYMBOLS:  # and the next one
            collector.builder.on_tick(tick("2024-01-02 20:00:06", symbol=symbol))
    lines = [r.getMessage() for r in caplog.records if r.name == "terminal.bars"]
    assert len(lines) == 1, lines[:5]
    assert "outside sessions" in lines[0] and SYMBOLS[0] in lines[0]
    assert collector.builder.stats.outside_sessions == 1800  # every one still counted
    assert collector.bars == []


def test_drops_are_summarised_again_once_the_interval_has_passed(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from terminal.engine.bars import streaming

    now = [1000.0]
    monkeypatch.setattr(streaming.time, "monotonic", lambda: now[0])
    collector = Collector("cn_stock")
    with caplog.at_level(logging.INFO, logger="terminal.bars"):
        for symbol in SYMBOLS[:10]:
            collector.builder.on_tick(tick("2024-01-02 20:00:03", symbol=symbol))
        now[0] += streaming.DROP_LOG_INTERVAL_S + 1
        collector.builder.on_tick(tick("2024-01-02 20:10:03", symbol=SYMBOLS[0]))
    lines = [r.getMessage() for r in caplog.records if r.name == "terminal.bars"]
    assert len(lines) == 2
    assert "10 ticks of 10 symbols" in lines[1]
