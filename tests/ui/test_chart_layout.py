"""Charts survive a restart of the window: the main chart's symbol, timeframe and indicators,
and each extra chart dock with its own; what no longer applies is skipped and named."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from terminal.engine.engine import Engine
from terminal.engine.indicators import RSI, Bollinger
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow


def open_window(
    engine: Engine, bridge: EngineBridge, settings: QSettings, qtbot: QtBot
) -> MainWindow:
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    window.show()
    return window


def test_charts_come_back_after_a_restart(
    engine: Engine, bridge: EngineBridge, settings: QSettings, qtbot: QtBot
) -> None:
    first = open_window(engine, bridge, settings, qtbot)
    first.chart.set_symbol("ETHUSDT.BINANCE")
    first.chart.set_timeframe("5m")
    first.chart.indicators.add(Bollinger(period=30, deviations=2.5))
    first.chart.toolbar.zone_button.local_action.trigger()
    first.chart.drawings.button.magnet_action.trigger()  # off
    dock = first.new_chart("600519.SSE", "15m")
    dock.chart.indicators.add(RSI(period=10))
    name = dock.objectName()
    first.close()

    second = open_window(engine, bridge, settings, qtbot)
    try:
        main = second.chart
        assert (main.symbol, main.timeframe) == ("ETHUSDT.BINANCE", "5m")
        assert [s.indicator for s in main.indicators.series] == [Bollinger(30, 2.5)]
        assert main.local_time and main.time_axis.tz is None
        assert not main.drawings.magnet and not main.drawings.button.magnet_action.isChecked()
        [extra] = second.extra_charts
        assert (extra.symbol, extra.timeframe) == ("600519.SSE", "15m")
        assert [s.indicator.label for s in extra.indicators.series] == ["RSI(10)"]
        assert len(extra.panes()) == 3  # price, volume and the RSI's own pane
        restored = extra.parentWidget()
        assert restored is not None and restored.objectName() == name
        assert "600519.SSE 15m" in restored.windowTitle()
        # A new chart after the restart gets a dock name of its own.
        assert second.new_chart().objectName() != name
    finally:
        second.close()


@pytest.mark.parametrize(
    ("saved", "named"),
    [
        ("{not json", "saved charts could not be read"),
        ('{"main": {"symbol": "GONE.SIM", "timeframe": "5m"}}', "'GONE.SIM' is not listed"),
        ('{"main": {"timeframe": "7q"}}', "timeframe '7q' is not one of"),
        ('{"main": {"indicators": [{"kind": "ZIGZAG"}, {"kind": "SMA", "period": 0},'
         ' {"kind": "EMA", "period": 9}]}}', "indicator kind 'ZIGZAG' is unknown"),
        ('{"main": {"local_time": "yes"}}', "local_time 'yes' is not true or false"),
    ],
)
def test_saved_charts_that_no_longer_apply_are_skipped_and_named(
    saved: str, named: str, engine: Engine, bridge: EngineBridge, settings: QSettings,
    qtbot: QtBot, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    settings.setValue("charts", saved)
    with caplog.at_level(logging.WARNING, logger="terminal.ui.chart.layout"):
        window = open_window(engine, bridge, settings, qtbot)
    try:
        assert named in caplog.text
        assert window.chart.symbol in engine.instruments
        if "EMA" in saved:  # the valid one among the bad is restored
            assert [s.indicator.label for s in window.chart.indicators.series] == ["EMA(9)"]
            assert "SMA period must be a whole number ≥ 1, got 0" in caplog.text
        if "GONE" in saved:  # the rest of that chart's state still applies
            assert window.chart.timeframe == "5m"
    finally:
        window.close()
