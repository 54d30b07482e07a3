"""The chart's axes. Issue #19.16: the time axis speaks the exchange's time, whatever the
machine's zone, and its labels never overlap (1h bars gave long labels at number-sized
spacing). Issue #20.7: a button switches it to local time and back; no two labels overlap in
any pane, at any size or timeframe, none is cut and none hides under the last-price tag."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetrics, QImage, QPainter
from pytestqt.qtbot import QtBot

from terminal.domain.enums import AssetClass
from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.engine.bars.batch import BAR_COLUMNS
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.engine.indicators import MACD, RSI
from terminal.ui.chart.chart import CandleChart
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


def test_the_clock_button_switches_the_labels_to_local_time_and_back(
    qtbot: QtBot, machine_in_new_york: None
) -> None:
    engine = a_share_engine("1m", [ns("2024-03-04 09:30:00") + i * 60_000_000_000
                                   for i in range(120)])  # fmt: skip
    chart, bridge = open_chart(engine, qtbot)
    try:
        button = chart.toolbar.zone_button
        button.menu().aboutToShow.emit()
        assert button.text() == "Exchange time"
        assert button.exchange_action.text() == "Exchange time (Asia/Shanghai)"
        assert button.local_action.text() == "Local time (EST)"
        assert chart.volume_axis.tickStrings([0.0, 30.0], 1.0, 30.0) == ["09:30", "10:00"]
        chart.crosshair.show_at(0)
        assert chart.legends.text().startswith("2024-03-04 09:30")
        button.local_action.trigger()
        assert chart.local_time and button.text() == "Local time"
        # New York is 13 hours behind Shanghai in March: the evening before.
        assert chart.volume_axis.tickStrings([0.0, 30.0], 1.0, 30.0) == ["20:30", "21:00"]
        assert chart.legends.text().startswith("2024-03-03 20:30")
        assert all(pane.getAxis("bottom").tz is None for pane in chart.panes())
        chart.set_timeframe("5m")  # the choice holds across timeframes
        assert chart.volume_axis.tz is None
        button.exchange_action.trigger()
        assert chart.volume_axis.tickStrings([0.0, 6.0], 1.0, 6.0) == ["09:30", "10:00"]
    finally:
        close_chart(chart, bridge)


def rendered_labels(axis: pg.AxisItem) -> list[QRectF]:
    """The scene rectangles of the labels ``axis`` draws now (as its paint computes them)."""
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [axis.mapRectToScene(rect) for rect, _, text in (specs[2] if specs else []) if text]


def shown_labels(chart: CandleChart, where: str) -> list[QRectF]:
    """Every label of every pane's axes, each checked to lie whole inside its axis."""
    labels = []
    for axis in [pane.getAxis(name) for pane in chart.panes() for name in ("right", "bottom")]:
        if not axis.isVisible() or not axis.style["showValues"]:
            continue
        rects = rendered_labels(axis)
        bounds = axis.mapRectToScene(axis.mapRectFromParent(axis.geometry()))
        assert all(bounds.contains(rect) for rect in rects), where  # none cut at an edge
        labels += rects
    return labels


def day_starts(days: int) -> list[int]:
    return [ns(f"{day:%Y-%m-%d} 00:00:00") for day in pd.bdate_range("2022-01-03", periods=days)]


@pytest.mark.parametrize(("timeframe", "starts"), [
    ("1m", [ns("2024-03-04 09:30:00") + i * 60_000_000_000 for i in range(3000)]),
    ("1h", hour_starts(400)),
    ("1d", day_starts(600)),
])  # fmt: skip
def test_no_two_axis_labels_overlap_in_any_pane_at_any_size(
    qtbot: QtBot, timeframe: str, starts: list[int]
) -> None:
    engine = a_share_engine(timeframe, starts)
    chart, bridge = open_chart(engine, qtbot)
    try:
        chart.set_timeframe(timeframe)
        chart.indicators.add(MACD())
        chart.indicators.add(RSI())
        engine.bus.publish(Tick(SYMBOL, starts[-1] + 1, 10.07, 1.0))  # a last-price tag
        bridge.flush()
        for width, height in ((1600, 900), (900, 560), (560, 380)):
            for view in ("latest", "all"):
                chart.resize(width, height)
                chart.go_latest() if view == "latest" else chart.show_all()
                qtbot.wait(20)
                chart.grab()
                where = f"{timeframe} {width}x{height} {view}"
                labels = shown_labels(chart, where)
                for number, rect in enumerate(labels):
                    assert not any(rect.intersects(other) for other in labels[number + 1:]), where
                tag = chart.price_axis.mapRectToScene(
                    chart.price_axis._tag_rects([chart.price_axis.markers["last"][0]])[0])
                assert not any(tag.intersects(rect) for rect in labels), where
                assert len(rendered_labels(chart.price_axis)) >= 3, where
                assert len(rendered_labels(chart.panes()[-1].getAxis("bottom"))) >= 3, where
    finally:
        close_chart(chart, bridge)


def test_a_price_label_hides_under_the_last_price_tag_and_comes_back(qtbot: QtBot) -> None:
    starts = [ns("2024-03-04 09:30:00") + i * 60_000_000_000 for i in range(300)]
    engine = a_share_engine("1m", starts)
    chart, bridge = open_chart(engine, qtbot)
    try:
        axis = chart.price_axis
        chart.grab()
        shown = {round(r.center().y()) for r in axis.text_rects}  # as painted, not recomputed
        [(_, values)] = axis.tickValues(*chart.price_plot.viewRange()[1], axis.height())
        label_value = values[len(values) // 2]  # a label in the middle of the scale
        for price, hidden in ((label_value, True), (label_value + 1.0, False)):
            axis.set_marker("last", price, f"{price:.2f}", "#f0b90b", "#000000")
            chart.grab()
            [tag] = axis._tag_rects([price])
            under = [r for r in axis.text_rects if r.intersects(tag)]
            assert under == []  # never a label peeking out from under the tag
            painted = {round(r.center().y()) for r in axis.text_rects}
            assert (painted != shown) is hidden
    finally:
        close_chart(chart, bridge)
