"""A chart opened on a symbol with little history fetches the rest in the background: the line
in its toolbar shows the fetch, the bars appear when they arrive, a failure is shown in words."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.chart.chart import CandleChart
from terminal.ui.theme import THEMES
from tests.adapters.history.history_server import VendorBars, history_server
from tests.engine.history.backfill_helpers import SECID, SYMBOL, days_until, make_engine, source


@pytest.fixture
def vendor() -> Iterator[tuple[str, VendorBars]]:
    with history_server() as served:
        yield served


@pytest.fixture
def engine(vendor: tuple[str, VendorBars], run_async: Callable[..., Any]) -> Iterator[Engine]:
    base, _ = vendor
    engine = make_engine([source("eastmoney", base)])
    run_async(engine.start())
    yield engine
    run_async(engine.stop())


def open_chart(engine: Engine, qtbot: QtBot, timeframe: str = "1d") -> CandleChart:
    bridge = EngineBridge(engine, refresh_hz=30)
    chart = CandleChart(bridge, THEMES["dark"], SYMBOL, timeframe=timeframe)
    qtbot.addWidget(chart)
    chart.resize(1000, 600)
    chart.show()
    qtbot.waitExposed(chart)
    chart.destroyed.connect(bridge.close)
    return chart


def test_history_arrives_in_the_background_and_is_drawn(
    engine: Engine, vendor: tuple[str, VendorBars], qtbot: QtBot
) -> None:
    _, state = vendor
    days = days_until(date(2024, 6, 5), 120)
    state.eastmoney[(SECID, 101, 1)] = [d.eastmoney() for d in days]
    state.gate = threading.Event()  # a slow vendor: the window must not wait for it
    chart = open_chart(engine, qtbot)
    try:
        assert chart.buffer.size == 0
        assert chart.history_status.isVisible()
        assert chart.history_status.text() == "History: fetching…"
        state.gate.set()
        qtbot.waitUntil(lambda: chart.buffer.size == 119, timeout=5000)
        qtbot.waitUntil(lambda: "119 bars from eastmoney" in chart.history_status.text())
        assert chart.buffer.forming is not None  # today, from the vendor's bar so far
        assert chart.buffer.forming[1] == days[-1].open
    finally:
        chart.close_chart()


def test_a_failed_fetch_is_shown_with_its_reason(
    engine: Engine, vendor: tuple[str, VendorBars], qtbot: QtBot
) -> None:
    _, state = vendor
    state.fail["/api/qt/stock/kline/get"] = 503
    chart = open_chart(engine, qtbot)
    try:
        qtbot.waitUntil(lambda: "History failed" in chart.history_status.text(), timeout=5000)
        assert f"eastmoney: {SYMBOL}: HTTP 503" in chart.history_status.text()
        assert chart.history_status.isVisible()
        chart.set_timeframe("1w")  # another request: the old failure is not shown for it
        assert "failed" not in chart.history_status.text()
    finally:
        chart.close_chart()
