"""Drawing tools driven with the mouse as a user would: each kind placed from the Draw menu, the
magnet snapping to a candle's open/high/low/close, drawings deleted, kept per symbol, and back
after the window is restarted."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from pytestqt.qtbot import QtBot

from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.chart.chart import CandleChart
from terminal.ui.chart.drawing_store import DrawingKind, DrawingStore
from terminal.ui.main_window import MainWindow
from tests.ui.chart_helpers import (
    click,
    drag,
    make_engine,
    move,
    viewport_point,
)

N = 300


@pytest.fixture
def engine() -> Engine:
    return make_engine({"AAA.SIM": N, "BBB.SIM": 200})


def arm(chart: CandleChart, kind: DrawingKind) -> None:
    """Pick ``kind`` in the chart's Draw menu."""
    chart.drawings.button.menu().aboutToShow.emit()
    chart.drawings.button.tool_actions[kind].trigger()


def bar_point(chart: CandleChart, index: int, column: int, offset_px: int = 0) -> QPoint:
    """The screen point of bar ``index``'s open/high/low/close (``column`` 0-3), moved
    ``offset_px`` down."""
    price = float(chart.buffer.column(column)[index])
    return viewport_point(chart, index, price) + QPoint(0, offset_px)


def free_point(chart: CandleChart, index: float, fraction: float) -> QPoint:
    """A point at ``fraction`` of the visible price range, far from any candle's figures only
    by chance; tests switch the magnet off to use it."""
    bottom, top = chart.price_plot.viewRange()[1]
    return viewport_point(chart, index, bottom + (top - bottom) * fraction)


def draw_one_of_each(chart: CandleChart) -> None:
    arm(chart, DrawingKind.TREND)  # click, move, click
    click(chart, bar_point(chart, 150, 1, offset_px=-6))
    move(chart, bar_point(chart, 250, 2, offset_px=5))
    click(chart, bar_point(chart, 250, 2, offset_px=5))
    arm(chart, DrawingKind.RECT)  # press, drag, release
    drag(chart, bar_point(chart, 170, 1, -40), bar_point(chart, 200, 2, 40))
    arm(chart, DrawingKind.FIB)
    drag(chart, bar_point(chart, 200, 2), bar_point(chart, 240, 1))
    arm(chart, DrawingKind.HLINE)  # one click
    click(chart, bar_point(chart, 280, 3))


def test_each_tool_draws_with_the_mouse_and_the_magnet_snaps_to_the_candles(
    chart: CandleChart,
) -> None:
    draw_one_of_each(chart)
    drawings = list(chart.drawings.drawings.values())
    assert [d.kind for d in drawings] == [DrawingKind.TREND, DrawingKind.RECT, DrawingKind.FIB,
                                          DrawingKind.HLINE]  # fmt: skip
    starts, buffer = chart.buffer.starts, chart.buffer
    trend, _, fib, hline = drawings
    # A few pixels off a high and a low: the magnet put the points on them, on their bars.
    assert trend.points == ((int(starts[150]), float(buffer.column(1)[150])),
                            (int(starts[250]), float(buffer.column(2)[250])))  # fmt: skip
    assert fib.points == ((int(starts[200]), float(buffer.column(2)[200])),
                          (int(starts[240]), float(buffer.column(1)[240])))  # fmt: skip
    assert hline.points[0][1] == float(buffer.column(3)[280])
    assert chart.drawings.tool is None  # the tool is put away after each drawing
    assert chart.drawings.button.text() == "Draw"
    shapes = chart.drawings.shapes
    assert {shape.kind for shape in shapes.values()} == {DrawingKind.TREND, DrawingKind.RECT,
                                                         DrawingKind.FIB}  # fmt: skip
    [line] = chart.drawings.lines.values()
    assert line.label.text == f"{float(buffer.column(3)[280]):,.2f}"


def test_without_the_magnet_points_stay_where_they_were_put(chart: CandleChart) -> None:
    chart.drawings.button.magnet_action.trigger()  # off
    assert not chart.drawings.magnet
    arm(chart, DrawingKind.TREND)
    near_high = bar_point(chart, 150, 1, offset_px=-6)
    click(chart, near_high)
    click(chart, bar_point(chart, 250, 2, offset_px=5))
    [trend] = chart.drawings.drawings.values()
    high = float(chart.buffer.column(1)[150])
    assert trend.points[0][1] > high + 0.01  # six pixels above the high, not on it


def test_drawings_are_deleted_by_key_and_by_menu(chart: CandleChart, qtbot: QtBot) -> None:
    draw_one_of_each(chart)
    store = chart.drawings.store
    trend_id, rect_id, fib_id, line_id = list(chart.drawings.drawings)
    trend = chart.drawings.shapes[trend_id]
    # Select the trend line by clicking on it (midway along), then press Delete.
    a, b = trend.points
    click(chart, viewport_point(chart, (a.x() + b.x()) / 2, (a.y() + b.y()) / 2))
    assert trend.hasFocus()
    qtbot.keyClick(chart.graphics, Qt.Key.Key_Delete)
    assert trend_id not in chart.drawings.drawings and trend.scene() is None
    # The rectangle from its right-click menu.
    rect = chart.drawings.shapes[rect_id]
    corner, opposite = rect.points
    inside = viewport_point(chart, corner.x() + 3, (corner.y() + opposite.y()) / 2)
    click(chart, inside, Qt.MouseButton.RightButton)
    menu = chart.drawings.open_menu
    assert menu is not None
    [delete] = menu.actions()
    assert delete.text() == "Delete drawing"
    delete.trigger()
    menu.close()
    # The horizontal line from its label's menu.
    line = chart.drawings.lines[line_id]
    click(chart, chart.graphics.mapFromScene(line.label.sceneBoundingRect().center()),
          Qt.MouseButton.RightButton)  # fmt: skip
    assert line.open_menu is not None
    line.open_menu.actions()[0].trigger()
    line.open_menu.close()
    assert list(chart.drawings.drawings) == [fib_id]
    assert [d.drawing_id for d in store.drawings("AAA.SIM")] == [fib_id]  # saved at once


def test_a_drawing_is_moved_by_its_handle_and_as_a_whole(chart: CandleChart) -> None:
    arm(chart, DrawingKind.TREND)
    click(chart, bar_point(chart, 150, 1))
    click(chart, bar_point(chart, 250, 2))
    [trend] = chart.drawings.shapes.values()
    drawing_id = trend.drawing_id
    # The second point's handle to bar 270's low.
    drag(chart, bar_point(chart, 250, 2), bar_point(chart, 270, 2, offset_px=4))
    stored = chart.drawings.store.drawings("AAA.SIM")[0]
    assert stored.points[1] == (int(chart.buffer.starts[270]), float(chart.buffer.column(2)[270]))
    # The middle of the line: the whole line, by whole bars.
    a, b = trend.points
    middle = viewport_point(chart, (a.x() + b.x()) / 2, (a.y() + b.y()) / 2)
    before = [QPointF(p) for p in trend.points]
    drag(chart, middle, middle + QPoint(-80, 0))
    shift = before[0].x() - trend.points[0].x()
    assert shift > 3 and shift == round(shift)
    assert trend.points[1].x() == before[1].x() - shift
    assert chart.drawings.store.drawings("AAA.SIM")[0].drawing_id == drawing_id


def test_escape_and_the_right_button_put_the_tool_away(chart: CandleChart, qtbot: QtBot) -> None:
    arm(chart, DrawingKind.RECT)
    click(chart, free_point(chart, 200, 0.5))  # the first corner
    assert chart.drawings.overlay.preview is not None
    qtbot.keyClick(chart.graphics, Qt.Key.Key_Escape)
    assert chart.drawings.tool is None and chart.drawings.overlay.preview is None
    arm(chart, DrawingKind.FIB)
    click(chart, free_point(chart, 200, 0.5), Qt.MouseButton.RightButton)
    assert chart.drawings.tool is None and chart.drawings.drawings == {}


def test_drawings_are_kept_per_symbol_and_follow_the_timeframe(chart: CandleChart) -> None:
    arm(chart, DrawingKind.TREND)
    click(chart, bar_point(chart, 150, 1))
    click(chart, bar_point(chart, 250, 2))
    [drawing] = chart.drawings.drawings.values()
    chart.set_symbol("BBB.SIM")
    assert chart.drawings.shapes == {}
    chart.set_symbol("AAA.SIM")
    [shape] = chart.drawings.shapes.values()
    assert shape.points[0].x() == 150
    chart.set_timeframe("5m")  # the same times, now on 5-minute bars
    [start, _] = drawing.points
    index = int((start[0] - chart.buffer.starts[0]) // (5 * 60_000_000_000))
    assert shape.points[0].x() == pytest.approx(index + 0.0, abs=1.0)
    assert chart.buffer.starts[int(shape.points[0].x())] <= start[0]


def test_drawings_come_back_after_the_window_restarts(
    engine: Engine, settings: QSettings, qtbot: QtBot, tmp_path: Path
) -> None:
    bridge = EngineBridge(engine, refresh_hz=30)
    first = MainWindow(bridge, settings)
    qtbot.addWidget(first)
    first.resize(1400, 900)
    first.show()
    qtbot.waitExposed(first)
    first.chart.set_symbol("AAA.SIM")
    draw_one_of_each(first.chart)
    drawn = list(first.chart.drawings.drawings.values())
    assert len(drawn) == 4
    first.close()

    second = MainWindow(bridge, settings)
    qtbot.addWidget(second)
    second.show()
    try:
        chart = second.chart
        assert chart.symbol == "AAA.SIM"
        assert list(chart.drawings.drawings.values()) == drawn
        assert len(chart.drawings.shapes) == 3 and len(chart.drawings.lines) == 1
        assert (tmp_path / "data" / "chart_drawings.json").exists()  # in the user's data folder
        [trend] = [s for s in chart.drawings.shapes.values() if s.kind is DrawingKind.TREND]
        assert trend.points[0] == QPointF(150, float(chart.buffer.column(1)[150]))
    finally:
        second.close()
        bridge.close()


def test_a_store_file_that_cannot_be_read_is_set_aside_and_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "chart_drawings.json"
    path.write_text("{not json", encoding="utf-8")
    store = DrawingStore(path)
    assert store.drawings("AAA.SIM") == []
    assert "could not be read" in caplog.text and "chart_drawings.json.bad" in caplog.text
    assert (tmp_path / "chart_drawings.json.bad").read_text(encoding="utf-8") == "{not json"


def test_entries_that_do_not_fit_are_skipped_and_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "chart_drawings.json"
    path.write_text('{"version": 1, "symbols": {"AAA.SIM": ['
                    '{"kind": "spiral", "points": [[1, 2.0]]},'
                    '{"kind": "trend", "points": [[1, 2.0]]},'
                    '{"id": "ok", "kind": "hline", "points": [[1, 2.5]]}]}}', encoding="utf-8")
    store = DrawingStore(path)
    [kept] = store.drawings("AAA.SIM")
    assert (kept.drawing_id, kept.points) == ("ok", ((1, 2.5),))
    assert "'spiral' is not a valid DrawingKind" in caplog.text
    assert "a trend drawing has 2 point(s), not 1" in caplog.text
    store.save("BBB.SIM", [])  # saving another symbol keeps what was there
    assert [d.drawing_id for d in DrawingStore(path).drawings("AAA.SIM")] == ["ok"]
