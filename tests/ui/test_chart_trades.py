"""Fills, working orders and the position on the chart, fed through the engine's bus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from terminal.domain.enums import OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.events import FillEvent, OrderEvent
from terminal.domain.orders import Fill, Order
from terminal.engine.engine import Engine
from terminal.ui.chart.chart import CandleChart
from tests.ui.chart_helpers import MINUTE, T0, close_chart, make_engine, open_chart, tick

N = 400


@pytest.fixture
def engine() -> Engine:
    return make_engine({"AAA.SIM": N, "BBB.SIM": 100})


@pytest.fixture
def chart(engine: Engine, qtbot: QtBot) -> Iterator[CandleChart]:
    chart, bridge = open_chart(engine, qtbot)
    yield chart
    close_chart(chart, bridge)


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


def test_working_orders_and_the_position_are_lines_tagged_on_the_axis(
    chart: CandleChart, engine: Engine
) -> None:
    bus = engine.bus
    bus.publish(OrderEvent(order("o1", Side.BUY, 98.25, OrderStatus.ACCEPTED)))
    bus.publish(OrderEvent(order("o2", Side.SELL, 104.0, OrderStatus.ACCEPTED)))
    bus.publish(FillEvent(fill("f1", Side.BUY, 100.0, T0 + 5 * MINUTE)))
    bus.publish(FillEvent(fill("f2", Side.BUY, 101.0, T0 + 6 * MINUTE)))
    chart._bridge.flush()
    lines = chart.trades.order_lines
    assert {k: line.value() for k, line in lines.items()} == {"o1": 98.25, "o2": 104.0}
    markers = chart.price_axis.markers
    assert markers["order:o1"][1] == "B 3 98.25"
    assert markers["order:o2"][1] == "S 3 104.00"
    assert chart.trades.position_line.value() == 100.5
    assert markers["position"][:2] == (100.5, "P 4 100.50")
    bus.publish(OrderEvent(order("o1", Side.BUY, 98.25, OrderStatus.CANCELLED)))
    chart._bridge.flush()
    assert set(chart.trades.order_lines) == {"o2"} and "order:o1" not in markers


def test_a_wide_axis_label_is_shown_whole_and_the_panes_stay_aligned(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    # "P 0.5 96072.67" was cut to "P 0.5 96072" by the price scale's fixed 70 px.
    engine.bus.publish(FillEvent(Fill("f1", "o1", "paper", "AAA.SIM", Side.BUY, 1234.5,
                                      96072.67, T0 + 5 * MINUTE)))  # fmt: skip
    chart._bridge.flush()
    text = chart.price_axis.markers["position"][1]
    assert text == "P 1,234.5 96072.67"
    wanted = chart.price_axis.text_width(text)
    qtbot.waitUntil(lambda: chart.price_axis.width() >= wanted, timeout=2000)
    assert {pane.getAxis("right").width() for pane in chart.panes()} == {
        chart.price_axis.width()}  # fmt: skip
    pane = chart.add_indicator_pane()  # a pane added later is as wide
    assert pane.getAxis("right").fixedWidth == chart.price_axis.fixedWidth
