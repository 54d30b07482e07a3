"""Each pane's legend: what it shows and its values under the crosshair (the latest bar when the
crosshair is away); MACD's histogram drawn as bars from zero in the up and down colours."""

from __future__ import annotations

import numpy as np
import pytest
import talib
from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from terminal.engine.engine import Engine
from terminal.engine.indicators import MACD, RSI, Bollinger
from terminal.ui.chart.chart import CandleChart
from terminal.ui.chart.indicators import HistogramBars
from terminal.ui.chart.items import mix
from tests.ui.chart_helpers import (
    colour_counts,
    history_frame,
    make_engine,
    move,
    tick,
    viewport_point,
)

N = 500


@pytest.fixture
def engine() -> Engine:
    return make_engine({"AAA.SIM": N})


def legend_text(chart: CandleChart, pane: int) -> str:
    return chart.legends.legend(chart.panes()[pane]).text()


def test_every_pane_has_a_legend_reading_the_bar_under_the_crosshair(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    chart.indicators.add(Bollinger())
    chart.indicators.add(MACD())
    chart.indicators.add(RSI())
    close = chart.buffer.column(3).copy()
    frame = history_frame("AAA.SIM", N)
    index = N - 30
    move(chart, viewport_point(chart, index, float(frame["close"].iloc[index])))
    qtbot.waitUntil(lambda: chart.crosshair.index == index, timeout=2000)
    bar = frame.iloc[index]
    price = legend_text(chart, 0).splitlines()
    assert price[0].startswith("2024-03-04 ")  # the bar's time, then its figures
    assert f"O {bar['open']:,.2f}  H {bar['high']:,.2f}  L {bar['low']:,.2f}  " \
           f"C {bar['close']:,.2f}" in price[0]  # fmt: skip
    upper, middle, lower = (talib.BBANDS(close, 20, 2, 2)[k][index] for k in range(3))
    assert price[1] == f"BB(20,2) {upper:.2f}  {middle:.2f}  {lower:.2f}"
    assert legend_text(chart, 1) == f"Vol {int(bar['volume'])}"
    macd, signal, hist = (talib.MACD(close)[k][index] for k in range(3))
    assert legend_text(chart, 2) == f"MACD(12,26,9) {macd:.4f}  {signal:.4f}  {hist:.4f}"
    assert legend_text(chart, 3) == f"RSI(14) {talib.RSI(close)[index]:.2f}"
    # Each legend sits in its own pane's top-left corner.
    for pane in chart.panes():
        legend = chart.legends.legend(pane).sceneBoundingRect()
        view = pane.getViewBox().sceneBoundingRect()
        assert view.contains(legend.topLeft()) and legend.top() - view.top() < 5
    # Away from the chart, the legends read the latest bar, live.
    chart.crosshair.clear()
    engine.bus.publish(tick("AAA.SIM", N, 123.45, 10.0))
    chart.bridge.flush()
    assert "C 123.45" in legend_text(chart, 0)
    assert legend_text(chart, 3).startswith("RSI(14) ")
    assert legend_text(chart, 3) == \
        f"RSI(14) {talib.RSI(np.append(close, 123.45))[-1]:.2f}"  # fmt: skip


def test_macd_histogram_is_drawn_as_bars_in_the_colour_of_its_sign(chart: CandleChart) -> None:
    series = chart.indicators.add(MACD())
    pane = chart.panes()[2]
    [hist] = [c for c in pane.getViewBox().addedItems if isinstance(c, HistogramBars)]
    assert hist.name == "hist"
    chart.show_all()
    values = series.values["hist"][: series.count]
    assert (values > 0).sum() > 20 and (values < 0).sum() > 20  # both signs are on screen
    theme = chart.theme
    background = theme.color("background")
    up = mix(theme.color("up"), background).name()
    down = mix(theme.color("down"), background).name()
    area = pane.getViewBox().sceneBoundingRect().toRect()
    image = chart.graphics.grab(QRect(area)).toImage()
    up_pixels, down_pixels = colour_counts(image, [up, down], tolerance=3)
    assert up_pixels > 100 and down_pixels > 100  # filled bars, not one-pixel lines
    # Zero is inside the pane's range: the bars stand on it.
    bottom, top = pane.viewRange()[1]
    assert bottom < 0 < top
