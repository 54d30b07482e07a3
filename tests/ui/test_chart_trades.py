"""Fills, working orders and positions on the chart, fed through the engine's bus: markers,
labelled price lines, the position's live P&L, and cancelling an order from its line."""

from __future__ import annotations

import msgspec
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from terminal.domain.enums import OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.events import CancelOrder, FillEvent, OrderEvent
from terminal.domain.orders import Fill, Order
from terminal.engine.engine import Engine
from terminal.ui.chart.chart import CandleChart
from tests.ui.chart_helpers import MINUTE, T0, click, make_engine, tick

N = 400


@pytest.fixture
def engine() -> Engine:
    return make_engine({"AAA.SIM": N, "BBB.SIM": 100})


def fill(fill_id: str, side: Side, price: float, ts: int, symbol: str = "AAA.SIM") -> Fill:
    return Fill(fill_id, "o-" + fill_id, "paper", symbol, side, 2.0, price, ts)


def order(order_id: str, side: Side, price: float, status: OrderStatus) -> Order:
    return Order(order_id, "paper", "AAA.SIM", side, 3.0, OrderType.LIMIT, price,
                 TimeInForce.GTC, "test", status, T0, T0)


def test_fills_are_markers_at_their_bar_and_price(chart: CandleChart, engine: Engine) -> None:
    engine.bus.publish(tick("AAA.SIM", N, 101.0, 5.0))  # a forming bar at index N
    events = [
        fill("f1", Side.BUY, 99.5, T0 + 10 * MINUTE + 30_000_000_000),  # inside bar 10
        fill("f2", Side.SELL, 100.7, T0 + 250 * MINUTE),  # at bar 250's start
        fill("f3", Side.BUY, 101.0, T0 + N * MINUTE + 20_000_000_000),  # the forming bar
        fill("f4", Side.BUY, 50.0, T0 + 10 * MINUTE, symbol="BBB.SIM"),  # another symbol
        fill("f5", Side.BUY, 50.0, T0 - 5 * MINUTE),  # before the loaded history
    ]
    for event in events:
        engine.bus.publish(FillEvent(event))
    chart._bridge.flush()
    points = chart.trades.markers.points()
    spots = {p.data(): (p.pos().x(), p.pos().y(), p.symbol()) for p in points}
    assert spots == {
        "f1": (10, 99.5, "t1"), "f2": (250, 100.7, "t"), "f3": (N, 101.0, "t1"),
    }
    chart.set_symbol("BBB.SIM")
    assert [p.data() for p in chart.trades.markers.points()] == ["f4"]


def test_working_orders_and_positions_are_labelled_price_lines(
    chart: CandleChart, engine: Engine
) -> None:
    bus = engine.bus
    bus.publish(OrderEvent(order("o1", Side.BUY, 98.25, OrderStatus.ACCEPTED)))
    bus.publish(OrderEvent(order("o2", Side.SELL, 104.0, OrderStatus.ACCEPTED)))
    stop = msgspec.structs.replace(order("o3", Side.SELL, 0.0, OrderStatus.ACCEPTED),
                                   order_type=OrderType.STOP, trigger_price=95.5)  # fmt: skip
    bus.publish(OrderEvent(stop))
    bus.publish(FillEvent(fill("f1", Side.BUY, 100.0, T0 + 5 * MINUTE)))
    bus.publish(FillEvent(fill("f2", Side.BUY, 101.0, T0 + 6 * MINUTE)))
    bus.publish(tick("AAA.SIM", N, 101.25, 5.0))
    chart.bridge.flush()
    lines = chart.trades.order_lines
    assert {k: line.price for k, line in lines.items()} == {"o1": 98.25, "o2": 104.0, "o3": 95.5}
    assert [lines[k].label.text for k in ("o1", "o2", "o3")] == [
        "Buy limit 3 @ 98.25", "Sell limit 3 @ 104.00", "Sell stop 3 @ 95.50"]  # fmt: skip
    theme = chart.theme
    assert lines["o1"].color.name() == theme.up and lines["o2"].color.name() == theme.down
    [position] = chart.trades.position_lines.values()
    assert position.price == 100.5
    assert position.label.text == "Long 4 @ 100.50 · P&L +3.00"  # (101.25 - 100.5) x 4
    assert position.color.name() == theme.up
    bus.publish(tick("AAA.SIM", N, 99.5, 6.0))  # the P&L follows the price, live
    chart.bridge.flush()
    assert position.label.text == "Long 4 @ 100.50 · P&L -4.00"
    assert position.color.name() == theme.down
    bus.publish(tick("AAA.SIM", N, 100.4999, 6.0))  # a loss of 0.0004: nothing to show
    chart.bridge.flush()
    assert position.label.text == "Long 4 @ 100.50 · P&L 0.00"  # not "-0.00"
    assert position.color.name() == theme.up
    assert set(chart.price_axis.markers) == {"last"}  # the axis keeps the last price alone
    bus.publish(OrderEvent(order("o1", Side.BUY, 98.25, OrderStatus.CANCELLED)))
    chart.bridge.flush()
    assert set(chart.trades.order_lines) == {"o2", "o3"}
    assert len(chart.line_labels.lines) == 3  # the cancelled order's line and label are gone
    chart.set_symbol("BBB.SIM")
    assert chart.trades.order_lines == {} and chart.trades.position_lines == {}


def test_right_click_on_an_order_line_cancels_the_order_through_the_engine(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    sent: list[CancelOrder] = []
    engine.bus.subscribe(CancelOrder, sent.append)
    bottom, top = chart.price_plot.viewRange()[1]
    price = round((bottom + top) / 2, 2)
    engine.bus.publish(OrderEvent(order("o7", Side.BUY, price, OrderStatus.ACCEPTED)))
    chart.bridge.flush()
    line = chart.trades.order_lines["o7"]
    assert line.draggable  # dragged to modify it (test_chart_orders.py)
    at = chart.graphics.mapFromScene(line.label.sceneBoundingRect().center())
    click(chart, at, Qt.MouseButton.RightButton)
    menu = line.open_menu
    assert menu is not None and [a.text() for a in menu.actions()] == ["Cancel order"]
    menu.actions()[0].trigger()
    menu.close()
    assert sent == [CancelOrder("o7")]


def test_a_wide_last_price_tag_is_shown_whole_and_the_panes_stay_aligned(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    # "96072.67" once was cut by the price scale's fixed 70 px.
    engine.bus.publish(tick("AAA.SIM", N, 1_234_567.25, 5.0))
    chart.bridge.flush()
    text = chart.price_axis.markers["last"][1]
    assert text == "1234567.25"
    wanted = chart.price_axis.text_width(text)
    qtbot.waitUntil(lambda: chart.price_axis.width() >= wanted, timeout=2000)
    assert {pane.getAxis("right").width() for pane in chart.panes()} == {
        chart.price_axis.width()}  # fmt: skip
    pane = chart.add_indicator_pane()  # a pane added later is as wide
    assert pane.getAxis("right").fixedWidth == chart.price_axis.fixedWidth
