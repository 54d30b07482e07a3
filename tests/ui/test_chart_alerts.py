"""Alerts on the chart, with the mouse: the price pane's right-click menu adds one at the price
under the pointer; its line follows the engine's alert; dragging the line moves the alert
(and arms it again); the line's own menu removes it; another symbol shows its own alerts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from terminal.domain.market_alerts import AddAlert, Alert, AlertStatus
from terminal.engine.engine import Engine
from terminal.ui.chart.chart import CandleChart
from terminal.ui.chart.price_line import PriceLine
from tests.ui.chart_helpers import (
    click,
    drag,
    label_point,
    make_engine,
    middle_price,
    tick,
)
from tests.ui.chart_helpers import viewport_point as point

N = 300
SYMBOL = "AAA.SIM"


@pytest.fixture
def engine() -> Engine:
    return make_engine({SYMBOL: N, "BBB.SIM": N})


def the_line(chart: CandleChart, qtbot: QtBot) -> PriceLine:
    qtbot.waitUntil(lambda: len(chart.alerts.lines) == 1, timeout=3000)
    return next(iter(chart.alerts.lines.values()))


def test_right_click_adds_an_alert_at_the_price_and_its_line_appears(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    aimed = middle_price(chart)
    click(chart, point(chart, N * 0.6, aimed), Qt.MouseButton.RightButton)
    menu = chart.alerts.open_menu
    assert menu is not None and menu.isVisible()
    menu.close()
    quick, dialog, _, ladder = menu.actions()
    assert dialog.text() == "Alert…" and ladder.text() == "Ladder"
    price = float(quick.text().removeprefix("Alert when last crosses "))
    assert price == pytest.approx(aimed, abs=0.011)  # the pixel's price, on the tick grid
    quick.trigger()
    (alert,) = engine.alerts.alerts()
    assert (alert.symbol, alert.price, alert.status) == (SYMBOL, price, AlertStatus.ARMED)
    line = the_line(chart, qtbot)
    assert line.price == price and line.draggable
    assert line.text() == f"Alert: Last crosses {price:.2f}"
    asked: list[Alert] = []
    chart.alerts.dialog_requested.connect(asked.append)
    menu = chart.alerts.menu_at(price)
    {a.text(): a for a in menu.actions()}["Alert…"].trigger()
    assert asked == [Alert(symbol=SYMBOL, price=price)]  # the dialog, prefilled


def test_dragging_the_line_moves_the_alert_and_arms_it_again(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    start = middle_price(chart)
    engine.bus.publish(tick(SYMBOL, N, start - 1.0, 10.0))
    engine.bus.publish(AddAlert(Alert(alert_id="d1", symbol=SYMBOL, price=start)))
    engine.bus.publish(tick(SYMBOL, N, start + 0.5, 11.0))  # fired: a muted line
    assert engine.alerts.get("d1").status is AlertStatus.FIRED
    line = the_line(chart, qtbot)
    qtbot.waitUntil(lambda: line.text().startswith("Alert (fired)"), timeout=3000)
    grab = label_point(chart, line)
    target = start + 1.37
    drag(chart, grab, QPoint(grab.x(), point(chart, N / 2, target).y()))
    moved = engine.alerts.get("d1")
    assert moved.price == pytest.approx(target, abs=0.011)
    assert moved.status is AlertStatus.ARMED and moved.fired_count == 1
    qtbot.waitUntil(lambda: line.text() == f"Alert: Last crosses {moved.price:.2f}", timeout=3000)
    assert line.price == moved.price
    engine.bus.publish(tick(SYMBOL, N, moved.price + 0.2, 12.0))
    assert engine.alerts.get("d1").fired_count == 2  # from below (start + 0.5) it crossed


def test_the_lines_menu_removes_the_alert_and_each_symbol_shows_its_own(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    price = middle_price(chart)
    engine.bus.publish(AddAlert(Alert(alert_id="r1", symbol=SYMBOL, price=price)))
    engine.bus.publish(AddAlert(Alert(alert_id="b1", symbol="BBB.SIM", price=price)))
    line = the_line(chart, qtbot)
    assert list(chart.alerts.lines) == ["r1"]
    chart.set_symbol("BBB.SIM")
    assert list(chart.alerts.lines) == ["b1"]
    chart.set_symbol(SYMBOL)
    line = the_line(chart, qtbot)
    click(chart, label_point(chart, line), Qt.MouseButton.RightButton)
    assert line.open_menu is not None
    actions = {a.text(): a for a in line.open_menu.actions()}
    assert list(actions) == ["Edit alert…", "Re-arm alert", "Remove alert"]
    actions["Remove alert"].trigger()
    line.open_menu.close()
    assert [a.alert_id for a in engine.alerts.alerts()] == ["b1"]
    qtbot.waitUntil(lambda: not chart.alerts.lines, timeout=3000)
