"""The candle chart driven as a user would: load, live ticks, zoom and pan by input events,
level of detail, lazy history, crosshair, timeframes, and what the rendered image shows."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from terminal.engine.engine import Engine
from terminal.ui.chart.chart import VISIBLE_BARS, CandleChart
from terminal.ui.theme import THEMES
from tests.ui.chart_helpers import (
    close_chart,
    colour_counts,
    history_frame,
    make_engine,
    open_chart,
    send_mouse,
    tick,
    viewport_point,
)

N = 3000


@pytest.fixture
def engine() -> Engine:
    return make_engine({"AAA.SIM": N, "BBB.SIM": 500})


def x_range(chart: CandleChart) -> tuple[float, float]:
    left, right = chart.price_plot.viewRange()[0]
    return left, right


def send_wheel(chart: CandleChart, at: QPoint, steps: int) -> None:
    viewport = chart.graphics.viewport()
    event = QWheelEvent(
        QPointF(at), QPointF(viewport.mapToGlobal(at)), QPoint(0, 0), QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


def test_history_loads_and_the_latest_bars_are_in_view(chart: CandleChart) -> None:
    assert chart.buffer.size == N
    starts, values = chart.buffer.starts, chart.buffer.column(3)
    expected = history_frame("AAA.SIM", N)
    assert np.array_equal(starts, expected["start"].to_numpy())
    assert np.array_equal(values, expected["close"].to_numpy())
    left, right = x_range(chart)
    assert left < N - 1 < right and right - left == pytest.approx(VISIBLE_BARS + 2)
    # y fitted on the visible bars only: their extremes plus a margin, not the whole history
    first = int(np.floor(left))
    high = expected["high"].to_numpy()[first:].max()
    low = expected["low"].to_numpy()[first:].min()
    bottom, top = chart.price_plot.viewRange()[1]
    assert bottom < low < high < top
    assert top - bottom < 1.2 * (high - low)
    assert chart.candles.last_drawn == N - first


def test_live_ticks_move_the_forming_bar_then_a_closed_bar_appends(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    bus = engine.bus
    for minute_offset, (price, volume) in enumerate([(101.0, 10.0), (103.5, 14.0)]):
        bus.publish(tick("AAA.SIM", N, price, volume, second=5 + minute_offset))
    chart._bridge.flush()
    assert chart.buffer.count == N + 1
    forming = chart.buffer.row(N)
    assert forming is not None and forming[1:5] == (101.0, 103.5, 101.0, 103.5)
    assert chart.last_line.value() == 103.5
    assert chart.price_axis.markers["last"][1] == "103.50"
    before = x_range(chart)
    bus.publish(tick("AAA.SIM", N + 1, 102.0, 20.0))  # next minute: bar N closes
    chart._bridge.flush()
    assert chart.buffer.size == N + 1 and chart.buffer.row(N)[1:5] == (101.0, 103.5, 101.0, 103.5)
    assert chart.buffer.row(N + 1)[4] == 102.0
    assert x_range(chart)[1] == pytest.approx(before[1] + 1)  # followed the new bar


def test_scrolled_back_view_stays_put_and_home_returns(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    for _ in range(3):
        qtbot.keyClick(chart, Qt.Key.Key_Left)
    scrolled = x_range(chart)
    assert scrolled[1] < N - 1
    engine.bus.publish(tick("AAA.SIM", N, 101.0, 10.0))
    engine.bus.publish(tick("AAA.SIM", N + 1, 101.0, 12.0))
    chart._bridge.flush()
    assert chart.buffer.size == N + 1
    assert x_range(chart) == pytest.approx(scrolled)
    qtbot.keyClick(chart, Qt.Key.Key_Home)
    assert x_range(chart)[1] == pytest.approx(chart.buffer.count + 2)


def test_wheel_zooms_around_the_cursor_and_drag_pans(chart: CandleChart, qtbot: QtBot) -> None:
    left, right = x_range(chart)
    anchor = (left + right) / 2
    bottom, top = chart.price_plot.viewRange()[1]
    at = viewport_point(chart, anchor, (bottom + top) / 2)
    send_wheel(chart, at, 2)  # zoom in
    zoomed = x_range(chart)
    assert zoomed[1] - zoomed[0] < 0.8 * (right - left)
    assert zoomed[0] < anchor < zoomed[1]
    ratio_before = (anchor - left) / (right - left)
    ratio_after = (anchor - zoomed[0]) / (zoomed[1] - zoomed[0])
    assert ratio_after == pytest.approx(ratio_before, abs=0.02)  # the bar under the cursor stays
    start = viewport_point(chart, zoomed[0] + 10, (bottom + top) / 2)
    end = start + QPoint(300, 0)
    send_mouse(chart, QEvent.Type.MouseButtonPress, start, True)
    for step in range(1, 11):
        send_mouse(chart, QEvent.Type.MouseMove, start + QPoint(30 * step, 0), True)
    send_mouse(chart, QEvent.Type.MouseButtonRelease, end, False)
    panned = x_range(chart)
    assert panned[0] < zoomed[0] - 5  # dragging right shows older bars
    assert panned[1] - panned[0] == pytest.approx(zoomed[1] - zoomed[0])
    assert not chart._follow


def test_double_click_returns_to_the_latest_bar(chart: CandleChart, qtbot: QtBot) -> None:
    chart.pan(-500)
    assert x_range(chart)[1] < N - 400
    at = viewport_point(chart, sum(x_range(chart)) / 2, sum(chart.price_plot.viewRange()[1]) / 2)
    for kind, held in (
        (QEvent.Type.MouseButtonPress, True), (QEvent.Type.MouseButtonRelease, False),
        (QEvent.Type.MouseButtonDblClick, True), (QEvent.Type.MouseButtonRelease, False),
    ):
        send_mouse(chart, kind, at, held)
    assert x_range(chart)[1] == pytest.approx(chart.buffer.count + 2)


def test_zoomed_out_draws_aggregated_candles_and_zooming_in_brings_detail_back(
    qtbot: QtBot,
) -> None:
    chart, bridge = open_chart(make_engine({"AAA.SIM": 200_000}), qtbot)
    try:
        chart.show_all()
        chart.grab()
        width = chart.price_plot.getViewBox().width()
        assert 0 < chart.candles.last_drawn <= width  # about one candle per pixel column
        buckets = chart.candles.visible()
        k = buckets.width
        assert k > 64
        high = chart.buffer.column(1)
        low = chart.buffer.column(2)
        b = len(buckets) // 2
        first = int(buckets.x[b] - (k - 1) / 2)
        assert buckets.high[b] == high[first : first + k].max()  # envelope of its bars
        assert buckets.low[b] == low[first : first + k].min()
        bottom, top = chart.price_plot.viewRange()[1]
        assert bottom < low.min() and high.max() < top
        for _ in range(30):
            qtbot.keyClick(chart, Qt.Key.Key_Up)
        chart.grab()
        left, right = x_range(chart)
        assert chart.candles.visible().width == 1
        assert chart.candles.last_drawn == pytest.approx(right - left, abs=3)
    finally:
        close_chart(chart, bridge)


def test_older_history_loads_at_the_left_edge(engine: Engine, qtbot: QtBot) -> None:
    chart, bridge = open_chart(engine, qtbot, history_chunk=1000)
    try:
        assert chart.buffer.size == 1000
        first_start = chart.buffer.starts[0]
        chart.price_plot.setXRange(-5, 100, padding=0)
        qtbot.waitUntil(lambda: chart.buffer.size == 2000, timeout=2000)
        left, _ = x_range(chart)
        assert left == pytest.approx(995)  # the same bars stay on screen
        assert chart.buffer.starts[1000] == first_start
        assert chart.buffer.starts[0] == history_frame("AAA.SIM", N)["start"].iloc[1000]
    finally:
        close_chart(chart, bridge)


def test_crosshair_reads_out_the_bar_under_the_mouse(chart: CandleChart, qtbot: QtBot) -> None:
    frame = history_frame("AAA.SIM", N)
    index = N - 20
    bar, previous = frame.iloc[index], frame.iloc[index - 1]
    at = viewport_point(chart, index, float(bar["close"]))
    qtbot.mouseMove(chart.graphics.viewport(), at)
    qtbot.waitUntil(lambda: chart.crosshair.index == index, timeout=2000)
    text = chart.crosshair.text
    for name in ("open", "high", "low", "close"):
        assert f"{name[0].upper()} {bar[name]:,.2f}" in text
    assert f"Vol {int(bar['volume'])}" in text  # in the volume pane's legend
    assert f"{(bar['close'] / previous['close'] - 1) * 100:+.2f}%" in text
    # linked across panes: the vertical line is on the same bar in the volume pane
    lines = chart.crosshair._vertical
    assert {line.value() for line in lines.values()} == {index}
    assert len(lines) == len(chart.panes())


def test_crosshair_readout_never_shows_the_previous_symbols_bar(
    chart: CandleChart, qtbot: QtBot
) -> None:
    index = N - 25  # not where the test before left the mouse: moving there sends no event
    bar = history_frame("AAA.SIM", N).iloc[index]
    qtbot.mouseMove(chart.graphics.viewport(), viewport_point(chart, index, float(bar["close"])))
    qtbot.waitUntil(lambda: chart.crosshair.index == index, timeout=2000)
    assert f"C {bar['close']:,.2f}" in chart.crosshair.text
    chart.set_symbol("BBB.SIM")
    assert chart.crosshair.text == ""
    assert "cross" not in chart.price_axis.markers  # nor the old price on the axis
    assert not any(line.isVisible() for line in chart.crosshair._vertical.values())
    latest = chart.buffer.row(chart.buffer.count - 1)  # the legend is back on the latest bar
    assert latest is not None and f"C {latest[4]:,.2f}" in chart.legends.text()
    chart.set_timeframe("5m")  # nor the previous timeframe's bar
    chart.crosshair.show_at(10)
    assert chart.crosshair.text != ""
    chart.set_timeframe("1m")
    assert chart.crosshair.text == ""
    assert chart.legends.index is None


def test_timeframe_and_symbol_switch_from_the_toolbar(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    box = chart.timeframe_box
    box.setCurrentText("5m")
    box.activated.emit(box.currentIndex())
    assert chart.timeframe == "5m"
    assert "5m" in engine.bars.subscriptions("AAA.SIM")
    assert chart.buffer.size == engine.bars.store.series("AAA.SIM", "5m").size
    assert np.all(np.diff(chart.buffer.starts) >= 5 * 60_000_000_000)
    chart.symbol_box.setEditText("BBB.SIM")
    chart.symbol_box.lineEdit().returnPressed.emit()
    chart.set_symbol(chart.symbol_box.currentText())
    assert chart.symbol == "BBB.SIM"
    assert chart.buffer.size == engine.bars.store.series("BBB.SIM", "5m").size
    chart.set_symbol("NOPE")  # unknown: stays on the current symbol
    assert chart.symbol == "BBB.SIM" and chart.symbol_box.currentText() == "BBB.SIM"
    with pytest.raises(ValueError, match="timeframe '7x'"):
        chart.set_timeframe("7x")


def test_screenshot_is_not_blank_and_has_both_candle_colours(chart: CandleChart) -> None:
    image = chart.grab().toImage()
    theme = THEMES["dark"]
    background, up, down = colour_counts(image, [theme.background, theme.up, theme.down])
    total = (image.width() // 2) * (image.height() // 2)
    assert background < 0.95 * total  # something is drawn
    assert up > 200 and down > 200  # candles of both colours
