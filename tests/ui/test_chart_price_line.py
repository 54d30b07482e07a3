"""The draggable, labelled price line other parts of the desk build on: dragged with the mouse
it reports the price snapped to the tick; its menu runs the owner's actions; the keyboard
moves it; and its label sits inside the plot, clear of other labels and of the last-price tag."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QRectF, Qt
from pytestqt.qtbot import QtBot

from terminal.engine.engine import Engine
from terminal.ui.chart.chart import CandleChart
from terminal.ui.chart.price_line import LineAction, PriceLine, snap_to_tick
from tests.ui.chart_helpers import (
    click,
    drag,
    label_point,
    make_engine,
    middle_price,
    move,
    send_mouse,
    tick,
    viewport_point,
)

N = 300


@pytest.fixture
def engine() -> Engine:
    return make_engine({"AAA.SIM": N})


def price_line(chart: CandleChart, price: float, **kwargs: object) -> PriceLine:
    line = PriceLine(price, "#42a5f5", lambda p: f"Alert {p:.2f}", **kwargs)  # type: ignore[arg-type]
    return chart.line_labels.add(line)


def test_snapping_leaves_no_float_noise() -> None:
    assert snap_to_tick(98.2499, 0.05) == 98.25
    assert snap_to_tick(3999.96, 0.2) == 4000.0
    assert snap_to_tick(1.234567, 0.0001) == 1.2346
    assert snap_to_tick(7.0, 0.0) == 7.0


def test_a_dragged_line_reports_the_price_snapped_to_the_tick(
    chart: CandleChart, qtbot: QtBot
) -> None:
    start = middle_price(chart)
    line = price_line(chart, start, draggable=True, tick_size=0.05)
    moved: list[float] = []
    dragging: list[float] = []
    line.moved.connect(moved.append)
    line.dragging.connect(dragging.append)
    grab = label_point(chart, line)
    target = start + 0.83  # between ticks: 0.85 is the nearest
    to = QPoint(grab.x(), viewport_point(chart, N / 2, target).y())
    drag(chart, grab, to)
    assert moved == [pytest.approx(start + 0.85)]
    assert all(round(p / 0.05) * 0.05 == pytest.approx(p) for p in dragging)
    assert line.price == moved[0] and line.line.value() == moved[0]
    assert line.label.text == f"Alert {start + 0.85:.2f}"  # the label followed the drag
    # The line itself is a handle too, anywhere along it.
    on_line = viewport_point(chart, N - 100, line.price)
    drag(chart, on_line, on_line + QPoint(0, 40))
    assert len(moved) == 2 and moved[1] < moved[0]


def test_a_line_that_may_not_move_stays_and_the_chart_pans_instead(
    chart: CandleChart, qtbot: QtBot
) -> None:
    line = price_line(chart, middle_price(chart))
    moved: list[float] = []
    line.moved.connect(moved.append)
    on_line = viewport_point(chart, N - 100, line.price)
    left = chart.price_plot.viewRange()[0][0]
    drag(chart, on_line, on_line + QPoint(200, 60))
    assert moved == [] and line.line.value() == line.price
    assert chart.price_plot.viewRange()[0][0] < left - 5  # the drag panned the chart


def test_right_click_opens_the_owners_menu(chart: CandleChart, qtbot: QtBot) -> None:
    ran: list[str] = []
    line = price_line(chart, middle_price(chart), actions=[
        LineAction("Cancel order", lambda: ran.append("cancel")),
        LineAction("Edit…", lambda: ran.append("edit")),
    ])  # fmt: skip
    click(chart, label_point(chart, line), Qt.MouseButton.RightButton)
    menu = line.open_menu
    assert menu is not None and menu.isVisible()
    assert [a.text() for a in menu.actions()] == ["Cancel order", "Edit…"]
    menu.actions()[0].trigger()
    menu.close()
    assert ran == ["cancel"]


def test_the_keyboard_moves_commits_and_takes_back(chart: CandleChart, qtbot: QtBot) -> None:
    start = middle_price(chart)
    ran: list[str] = []
    delete = LineAction("Delete", lambda: ran.append("delete"), Qt.Key.Key_Delete)
    line = price_line(chart, start, draggable=True, tick_size=0.01, actions=[delete])
    moved: list[float] = []
    line.moved.connect(moved.append)
    chart.graphics.setFocus()
    qtbot.keyClick(chart.graphics, Qt.Key.Key_Tab)  # Tab reaches the label
    assert line.label.hasFocus()
    for key, modifier in ((Qt.Key.Key_Up, Qt.KeyboardModifier.NoModifier),
                          (Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)):  # fmt: skip
        qtbot.keyClick(chart.graphics, key, modifier)
    assert line.pending == pytest.approx(start + 0.11) and moved == []
    qtbot.keyClick(chart.graphics, Qt.Key.Key_Escape)  # taken back
    assert line.pending is None and line.line.value() == start
    qtbot.keyClick(chart.graphics, Qt.Key.Key_Down)
    qtbot.keyClick(chart.graphics, Qt.Key.Key_Return)
    assert moved == [pytest.approx(start - 0.01)]
    qtbot.keyClick(chart.graphics, Qt.Key.Key_Delete)
    assert ran == ["delete"]


def test_labels_stay_inside_the_plot_apart_and_clear_of_the_last_price_tag(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    last = middle_price(chart)
    engine.bus.publish(tick("AAA.SIM", N, last, 5.0))
    chart.bridge.flush()
    bottom, top = chart.price_plot.viewRange()[1]
    prices = [last, last + 0.01, last - 0.01, top + 5.0, bottom - 5.0, top, bottom]
    lines = [price_line(chart, price) for price in prices]
    for size in ((1200, 700), (640, 360), (420, 300)):
        chart.resize(*size)
        qtbot.wait(30)
        view_rect = chart.price_plot.getViewBox().sceneBoundingRect()
        rects = chart.line_labels.label_rects()
        assert len(rects) == len(lines)
        for number, rect in enumerate(rects):
            assert view_rect.contains(rect), (size, number)  # inside the plot
            assert not any(rect.intersects(other) for other in rects[number + 1:])
            assert not rect.intersects(last_price_tag(chart))
    above, below = lines[3].label, lines[4].label  # out of view: pinned at an edge, arrowed
    assert above.shown_text().startswith("▲") and below.shown_text().startswith("▼")


def last_price_tag(chart: CandleChart) -> QRectF:
    axis = chart.price_axis
    [tag] = axis._tag_rects([axis.markers["last"][0]])
    return axis.mapRectToScene(tag)


def test_a_line_mid_drag_can_be_taken_back_with_the_right_button(
    chart: CandleChart, qtbot: QtBot
) -> None:
    start = middle_price(chart)
    line = price_line(chart, start, draggable=True)
    moved: list[float] = []
    line.moved.connect(moved.append)
    grab = label_point(chart, line)
    move(chart, grab)
    send_mouse(chart, QEvent.Type.MouseButtonPress, grab, True)
    for step in range(1, 6):
        move(chart, grab + QPoint(0, 10 * step), True)
    assert line.pending is not None and line.pending < start
    at = grab + QPoint(0, 50)
    right = Qt.MouseButton.RightButton
    send_mouse(chart, QEvent.Type.MouseButtonPress, at, True, right)
    send_mouse(chart, QEvent.Type.MouseButtonRelease, at, False, right)
    move(chart, grab + QPoint(0, 70), True)  # the rest of the drag no longer moves it
    send_mouse(chart, QEvent.Type.MouseButtonRelease, grab + QPoint(0, 70), False)
    assert moved == [] and line.price == start and line.line.value() == start
