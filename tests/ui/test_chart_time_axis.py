"""Issue #19.16: the chart's time axis speaks the exchange's time, whatever the machine's zone,
and its labels never overlap (1h bars gave long labels at number-sized spacing)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from terminal.domain.enums import AssetClass
from terminal.domain.instrument import Instrument
from terminal.engine.bars.batch import BAR_COLUMNS
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from tests.engine.bars.helpers import ns
from tests.ui.chart_helpers import close_chart, open_chart

SYMBOL = "AAA.SIM"


@pytest.fixture
def machine_in_new_york() -> Iterator[None]:
    """The machine's own zone is neither the exchange's nor UTC."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = before
    time.tzset()


def a_share_engine(timeframe: str, starts: list[int]) -> Engine:
    engine = Engine(load_config(overrides={"feeds": [], "engine": {"persist": False}}))
    engine.instruments[SYMBOL] = Instrument(
        SYMBOL, SYMBOL, "SSE", AssetClass.STOCK, 0.01, sessions="cn_stock"
    )
    n = len(starts)
    frame = pd.DataFrame({
        "symbol": SYMBOL, "timeframe": timeframe, "start": np.array(starts, np.int64),
        "open": 10.0, "high": 10.2, "low": 9.8, "close": 10.1, "volume": 100.0,
        "turnover": 0.0, "open_interest": 0.0, "ticks": np.ones(n, np.int64),
    })  # fmt: skip
    engine.bars.store.merge(frame[list(BAR_COLUMNS)])
    return engine


def hour_starts(days: int) -> list[int]:
    starts = []
    for day in pd.bdate_range("2024-03-04", periods=days):
        for hhmm in ("09:30", "10:30", "13:00", "14:00"):
            starts.append(ns(f"{day:%Y-%m-%d} {hhmm}:00"))
    return starts


def test_labels_are_in_the_exchanges_time_not_the_machines(
    qtbot: QtBot, machine_in_new_york: None
) -> None:
    engine = a_share_engine("1m", [ns("2024-03-04 09:30:00") + i * 60_000_000_000
                                   for i in range(120)])  # fmt: skip
    chart, bridge = open_chart(engine, qtbot)
    try:
        labels = chart.volume_axis.tickStrings([0.0, 30.0], 1.0, 30.0)
        assert labels == ["09:30", "10:00"]  # Shanghai, not New York's 20:30 the day before
    finally:
        close_chart(chart, bridge)


def test_hour_labels_do_not_overlap(qtbot: QtBot) -> None:
    engine = a_share_engine("1h", hour_starts(200))
    chart, bridge = open_chart(engine, qtbot)
    try:
        chart.set_timeframe("1h")
        chart.show_all()
        qtbot.wait(50)
        axis = chart.volume_axis
        left, right = chart.price_plot.viewRange()[0]
        size = axis.geometry().width()
        levels = axis.tickValues(left, right, size)
        metrics = QFontMetrics(axis.style["tickFont"] or axis.font())
        per_bar = size / (right - left)
        for spacing, values in levels:
            values = [v for v in values if 0 <= v < chart.buffer.count]
            texts = axis.tickStrings(values, 1.0, spacing)
            widths = [metrics.horizontalAdvance(t) for t in texts]
            gaps = np.diff(values) * per_bar
            assert len(values) >= 2
            assert all(g >= (a + b) / 2 for g, a, b in zip(gaps, widths, widths[1:], strict=False))
    finally:
        close_chart(chart, bridge)
