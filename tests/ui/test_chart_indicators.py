"""Indicators on the chart: added from the toolbar menu, values equal to TA-Lib on the chart's
bars, following live bars, parameters edited in the dialog, removed again."""

from __future__ import annotations

import numpy as np
import pytest
import talib
from pytestqt.qtbot import QtBot

from terminal.engine.engine import Engine
from terminal.engine.indicators import Bollinger
from terminal.ui.chart.chart import CandleChart
from tests.ui.chart_helpers import make_engine, tick

N = 600


@pytest.fixture
def engine() -> Engine:
    return make_engine({"AAA.SIM": N})


def menu_action(chart: CandleChart, text: str) -> None:
    menu = chart.indicator_menu.menu()
    menu.aboutToShow.emit()
    [action] = [a for a in menu.actions() if a.text() == text]
    action.trigger()


def test_indicators_from_the_menu_match_talib_and_follow_live_bars(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    menu_action(chart, "Add Simple moving average")
    menu_action(chart, "Add Bollinger bands")
    menu_action(chart, "Add MACD")
    menu_action(chart, "Add RSI")
    assert len(chart.panes()) == 4  # price, volume, MACD, RSI
    close = chart.buffer.column(3).copy()
    sma, bb, macd, rsi = chart.indicators.series
    np.testing.assert_allclose(sma.values["sma"][:N], talib.SMA(close, 20), equal_nan=True)
    np.testing.assert_allclose(bb.values["upper"][:N], talib.BBANDS(close, 20, 2, 2)[0],
                               equal_nan=True)
    np.testing.assert_allclose(macd.values["signal"][:N], talib.MACD(close)[1], equal_nan=True)
    np.testing.assert_allclose(rsi.values["rsi"][:N], talib.RSI(close), equal_nan=True)
    engine.bus.publish(tick("AAA.SIM", N, 104.0, 10.0))
    chart._bridge.flush()
    with_forming = np.append(close, 104.0)
    assert rsi.forming["rsi"] == pytest.approx(talib.RSI(with_forming)[-1])
    chart.crosshair.show_at(N)
    assert f"RSI(14) {talib.RSI(with_forming)[-1]:.2f}" in chart.crosshair.text
    engine.bus.publish(tick("AAA.SIM", N + 1, 103.0, 12.0))  # bar N closes at 104
    chart._bridge.flush()
    assert sma.count == N + 1
    assert sma.values["sma"][N] == pytest.approx(talib.SMA(with_forming, 20)[-1])
    assert macd.values["hist"][N] == pytest.approx(talib.MACD(with_forming)[2][-1])
    # the oscillator pane is fitted to its visible values
    bottom, top = chart.panes()[3].viewRange()[1]
    assert 0 <= bottom < top <= 100 + 10


def test_editing_parameters_recomputes_and_bad_values_are_named(
    chart: CandleChart, qtbot: QtBot
) -> None:
    menu_action(chart, "Add Exponential moving average")
    menu_action(chart, "Edit EMA(20)…")
    dialog = chart.indicator_menu.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.editors["period"].setValue(0)
    dialog.apply()
    assert dialog.isVisible() and dialog.error.text() == (
        "EMA period must be a whole number ≥ 1, got 0"
    )
    dialog.editors["period"].setValue(9)
    dialog.apply()
    assert not dialog.isVisible()
    [series] = chart.indicators.series
    assert series.indicator.label == "EMA(9)"
    close = chart.buffer.column(3)
    np.testing.assert_allclose(series.values["ema"][:N], talib.EMA(close, 9), equal_nan=True)
    menu_action(chart, "Add RSI")
    menu_action(chart, "Remove RSI(14)")
    assert [s.indicator.label for s in chart.indicators.series] == ["EMA(9)"]
    assert len(chart.panes()) == 2


def test_price_fit_includes_overlays_wider_than_the_candles(chart: CandleChart) -> None:
    chart.fit_y()
    candle_bottom, candle_top = chart.price_plot.viewRange()[1]
    series = chart.indicators.add(Bollinger(period=20, deviations=6.0))
    first, stop, _ = chart.visible_range()
    upper = series.values["upper"][max(first, 0) : min(stop, series.count)]
    lower = series.values["lower"][max(first, 0) : min(stop, series.count)]
    assert np.nanmax(upper) > candle_top and np.nanmin(lower) < candle_bottom  # wider
    chart.fit_y()
    bottom, top = chart.price_plot.viewRange()[1]
    assert bottom <= np.nanmin(lower) and np.nanmax(upper) <= top
    chart.indicators.remove(series)
    chart.fit_y()
    assert chart.price_plot.viewRange()[1] == pytest.approx([candle_bottom, candle_top])
