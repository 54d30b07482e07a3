"""Working orders and brackets on the chart over a started engine with the paper broker: a line
dragged modifies its order, a refused drag goes back and says why, a bracket's exits show
while they wait for the entry (and move when dragged), then live, then go with the stop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from terminal.domain.contingent import ModifyOrder, SubmitBracket
from terminal.domain.enums import OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.events import OrderEvent
from terminal.domain.orders import Order, OrderRequest
from terminal.engine.engine import Engine
from terminal.ui.chart.chart import CandleChart
from terminal.ui.chart.price_line import PriceLine
from tests.ui.chart_helpers import (
    T0,
    click,
    drag,
    label_point,
    make_engine,
    middle_price,
    tick,
    viewport_point,
)

N = 300
SYMBOL = "AAA.SIM"


@pytest.fixture
def engine(run_async: Callable[..., Any]) -> Iterator[Engine]:
    engine = make_engine({SYMBOL: N})
    run_async(engine.start())  # the default config's paper broker
    yield engine
    run_async(engine.stop())


def at_price(chart: CandleChart, price: float) -> int:
    """The viewport row of ``price``."""
    return viewport_point(chart, N / 2, price).y()


def line_of(chart: CandleChart, qtbot: QtBot, order_id: str) -> PriceLine:
    qtbot.waitUntil(lambda: order_id in chart.trades.order_lines, timeout=3000)
    return chart.trades.order_lines[order_id]


def buy_limit(price: float, quantity: float = 3.0) -> OrderRequest:
    return OrderRequest("paper", SYMBOL, Side.BUY, quantity, OrderType.LIMIT, price)


def test_dragging_an_order_line_modifies_the_order(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    sent: list[ModifyOrder] = []
    engine.bus.subscribe(ModifyOrder, sent.append)
    last = middle_price(chart)
    engine.bus.publish(tick(SYMBOL, N, last, 5.0))
    order_id = engine.submit(buy_limit(round(last - 1.0, 2)))
    line = line_of(chart, qtbot, order_id)
    assert line.draggable and line.label.text == f"Buy limit 3 @ {last - 1.0:.2f}"
    grab = label_point(chart, line)
    drag(chart, grab, QPoint(grab.x(), at_price(chart, last - 0.5)))
    (command,) = sent
    assert command.order_id == order_id and command.trigger_price == 0
    assert command.price == pytest.approx(last - 0.5, abs=0.011)
    order = engine.order_book.get(order_id)
    assert order.price == command.price and order.status is OrderStatus.ACCEPTED
    chart.bridge.flush()
    assert line.price == order.price and line.label.text == f"Buy limit 3 @ {order.price:.2f}"


def test_the_right_button_on_an_order_line_cancels_the_order(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    last = middle_price(chart)
    engine.bus.publish(tick(SYMBOL, N, last, 5.0))
    order_id = engine.submit(buy_limit(round(last - 1.0, 2)))
    line = line_of(chart, qtbot, order_id)
    click(chart, label_point(chart, line), Qt.MouseButton.RightButton)
    assert line.open_menu is not None and line.open_menu.isVisible()
    (cancel,) = line.open_menu.actions()
    assert cancel.text() == "Cancel order"
    cancel.trigger()
    line.open_menu.close()
    assert engine.order_book.get(order_id).status is OrderStatus.CANCELLED
    chart.bridge.flush()
    qtbot.waitUntil(lambda: order_id not in chart.trades.order_lines, timeout=3000)


def test_a_refused_drag_puts_the_line_back_and_says_why(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    price = middle_price(chart)
    # An order the engine's book does not hold (a remote GUI's stale view, say).
    ghost = Order("g1", "paper", SYMBOL, Side.SELL, 2.0, OrderType.LIMIT, price,
                  TimeInForce.GTC, "test", OrderStatus.ACCEPTED, T0, T0)  # fmt: skip
    engine.bus.publish(OrderEvent(ghost))
    line = line_of(chart, qtbot, "g1")
    grab = label_point(chart, line)
    drag(chart, grab, QPoint(grab.x(), at_price(chart, price + 0.8)))
    assert line.price == price
    notice = chart.trades.order_layer.notice
    assert notice.isVisible() and notice.text() == "Order g1: modify: no order g1"


def test_a_bracket_on_the_chart_waits_moves_goes_live_and_ends_with_the_stop(
    chart: CandleChart, engine: Engine, qtbot: QtBot
) -> None:
    last = middle_price(chart)
    engine.bus.publish(tick(SYMBOL, N, last, 5.0))
    entry, profit, stop = round(last - 0.5, 2), round(last + 1.0, 2), round(last - 1.5, 2)
    engine.bus.publish(SubmitBracket("B1", buy_limit(entry), profit, stop))
    chart.bridge.flush()
    take_line, stop_line = line_of(chart, qtbot, "B1-TP"), line_of(chart, qtbot, "B1-SL")
    assert take_line.label.text == f"TP Sell limit 3 @ {profit:.2f} (waits for B1)"
    assert stop_line.label.text == f"SL Sell stop 3 @ {stop:.2f} (waits for B1)"
    assert take_line.draggable and stop_line.draggable
    grab = label_point(chart, take_line)
    drag(chart, grab, QPoint(grab.x(), at_price(chart, profit + 0.5)))
    moved = engine.contingent.group_of("B1").leg("B1-TP").request.price
    assert moved == pytest.approx(profit + 0.5, abs=0.011)
    chart.bridge.flush()
    assert take_line.price == moved
    engine.bus.publish(tick(SYMBOL, N, entry, 6.0))  # the entry fills: the exits go live
    assert engine.order_book.get("B1").status is OrderStatus.FILLED
    chart.bridge.flush()
    qtbot.waitUntil(lambda: chart.trades.order_lines["B1-SL"].label.text
                    == f"SL Sell stop 3 @ {stop:.2f}", timeout=3000)  # fmt: skip
    assert chart.trades.order_lines["B1-TP"].label.text == f"TP Sell limit 3 @ {moved:.2f}"
    # The labels (two exits, the position) sit inside the plot, none over another; the last
    # price's tag is on the axis, outside it.
    labels = chart.line_labels.label_rects()
    view = chart.price_plot.getViewBox().sceneBoundingRect()
    assert len(labels) == 3 and all(view.contains(rect) for rect in labels)
    assert not any(a.intersects(b) for i, a in enumerate(labels) for b in labels[i + 1:])
    engine.bus.publish(tick(SYMBOL, N, stop - 0.1, 7.0))  # the stop is hit
    assert engine.order_book.get("B1-TP").status is OrderStatus.CANCELLED
    chart.bridge.flush()
    qtbot.waitUntil(lambda: not chart.trades.order_lines, timeout=3000)
