"""The price ladder as a trader uses it, over a started engine with the paper broker: a click on
a bid cell places a buy limit there with the preset quantity, an order dragged to another price
is modified there, the right button cancels, and the same done with the keys alone; the sizes
quoted and the last trade shown; the rows rebuilt at the refresh tick, never per depth event."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from terminal.domain.contingent import ModifyOrder
from terminal.domain.enums import OrderStatus, OrderType, Side
from terminal.domain.events import CancelOrder, SubmitOrder
from terminal.domain.orders import OrderRequest
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow
from terminal.ui.theme import THEMES
from terminal.ui.trading.ladder import PriceLadder
from terminal.ui.trading.ladder_model import ASK, BID, BUYS, PRICE, SELLS
from tests.ui import ladder_desk
from tests.ui.ladder_desk import (
    BTC,
    booked,
    cell,
    drag,
    heard,
    quote,
    rest_buy,
    text_at,
    working,
)

engine, ladder = ladder_desk.engine, ladder_desk.ladder  # the fixtures


def test_the_ladder_shows_the_book_the_last_trade_and_own_orders(
    ladder: PriceLadder, engine: Engine, bridge: EngineBridge, qtbot: QtBot
) -> None:
    assert text_at(ladder, 100.00, BID) == "0.0001" and text_at(ladder, 99.96, BID) == "0.0005"
    assert text_at(ladder, 100.10, ASK) == "0.0001" and text_at(ladder, 100.00, ASK) == ""
    last = ladder.model.rows[ladder.model.row_of(100.05)]
    assert last.last and not ladder.model.rows[ladder.model.row_of(100.04)].last
    assert ladder.table.cursor_price() == 100.05  # centred, the cursor on the last trade
    prices = [row.price for row in ladder.model.rows]
    assert prices == sorted(prices, reverse=True) and prices[len(prices) // 2] == 100.05
    rest_buy(engine, bridge, qtbot, 99.90)
    rest_buy(engine, bridge, qtbot, 99.90)
    assert text_at(ladder, 99.90, BUYS) == "0.0006 ×2"  # two orders, their total
    assert [b.text() for b in ladder.preset_buttons] == ["0.0001", "0.0005", "0.001", "0.002",
                                                          "0.005"]  # fmt: skip
    assert ladder.quantity.text() == "0.0001"


def test_a_click_on_a_bid_places_a_buy_limit_there_with_the_preset_quantity(
    ladder: PriceLadder, engine: Engine, qtbot: QtBot
) -> None:
    sent = heard(engine, SubmitOrder)
    qtbot.mouseClick(ladder.preset_buttons[1], Qt.MouseButton.LeftButton)  # 5 lots
    qtbot.mouseClick(ladder.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=cell(ladder, 99.98, BID))  # fmt: skip
    qtbot.waitUntil(lambda: len(working(engine)) == 1, timeout=3000)
    (command,) = sent
    request = command.request
    assert (request.side, request.order_type, request.price) == (Side.BUY, OrderType.LIMIT, 99.98)
    assert request.quantity == pytest.approx(0.0005) and request.broker == "paper"
    qtbot.waitUntil(lambda: ladder.message.text().startswith("Sent"), timeout=3000)
    qtbot.waitUntil(lambda: text_at(ladder, 99.98, BUYS) == "0.0005", timeout=3000)
    # An ask cell sells; a cell of the price column places nothing.
    qtbot.mouseClick(ladder.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=cell(ladder, 100.12, ASK))  # fmt: skip
    qtbot.mouseClick(ladder.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=cell(ladder, 100.20, PRICE))  # fmt: skip
    qtbot.waitUntil(lambda: len(working(engine)) == 2, timeout=3000)
    assert [(c.request.side, c.request.price) for c in sent] == [(Side.BUY, 99.98),
                                                                  (Side.SELL, 100.12)]  # fmt: skip
    qtbot.waitUntil(lambda: text_at(ladder, 100.12, SELLS) == "0.0005", timeout=3000)


def test_an_order_dragged_to_another_price_is_modified_there(
    ladder: PriceLadder, engine: Engine, bridge: EngineBridge, qtbot: QtBot
) -> None:
    sent = heard(engine, ModifyOrder)
    order = rest_buy(engine, bridge, qtbot, 99.90)
    qtbot.waitUntil(lambda: text_at(ladder, 99.90, BUYS) == "0.0003", timeout=3000)
    drag(qtbot, ladder, BUYS, 99.90, 99.85)
    (command,) = sent
    assert (command.order_id, command.price, command.trigger_price) == (order.order_id, 99.85, 0)
    qtbot.waitUntil(lambda: booked(engine, order.order_id).price == 99.85, timeout=3000)
    qtbot.waitUntil(lambda: text_at(ladder, 99.85, BUYS) == "0.0003", timeout=3000)
    assert text_at(ladder, 99.90, BUYS) == ""
    # A click on the orders without moving places nothing and moves nothing.
    viewport = ladder.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=cell(ladder, 99.85, BUYS))
    assert len(sent) == 1 and len(working(engine)) == 1


def test_a_stop_dragged_moves_its_trigger(
    ladder: PriceLadder, engine: Engine, bridge: EngineBridge, qtbot: QtBot
) -> None:
    stop = OrderRequest("paper", BTC, Side.SELL, 0.0002, OrderType.STOP, trigger_price=99.70)
    order_id = engine.submit(stop)
    qtbot.waitUntil(lambda: text_at(ladder, 99.70, SELLS) == "0.0002", timeout=3000)
    drag(qtbot, ladder, SELLS, 99.70, 99.75)
    qtbot.waitUntil(lambda: booked(engine, order_id).trigger_price == 99.75, timeout=3000)
    assert booked(engine, order_id).price == 0.0  # a stop: its trigger moved, no price


def test_the_right_button_on_orders_cancels_them(
    ladder: PriceLadder, engine: Engine, bridge: EngineBridge, qtbot: QtBot
) -> None:
    sent = heard(engine, CancelOrder)
    order = rest_buy(engine, bridge, qtbot, 99.90)
    other = rest_buy(engine, bridge, qtbot, 99.80)
    qtbot.waitUntil(lambda: text_at(ladder, 99.90, BUYS) == "0.0003", timeout=3000)
    viewport = ladder.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.RightButton, pos=cell(ladder, 100.30, ASK))
    assert sent == []  # no orders there: nothing cancelled, nothing placed
    qtbot.mouseClick(viewport, Qt.MouseButton.RightButton, pos=cell(ladder, 99.90, BUYS))
    assert [c.order_id for c in sent] == [order.order_id]
    qtbot.waitUntil(
        lambda: booked(engine, order.order_id).status is OrderStatus.CANCELLED,
        timeout=3000,
    )
    qtbot.waitUntil(lambda: text_at(ladder, 99.90, BUYS) == "", timeout=3000)
    assert booked(engine, other.order_id).status is OrderStatus.ACCEPTED
    assert ladder.message.text() == "Cancelling 1 order(s) at 99.90"


def test_keys_alone_place_move_and_cancel(
    ladder: PriceLadder, engine: Engine, qtbot: QtBot
) -> None:
    table = ladder.table
    table.setFocus()
    assert table.cursor_price() == 100.05
    for _ in range(3):
        qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.cursor_price() == 100.02
    qtbot.keyClick(table, Qt.Key.Key_3)  # the third preset: 10 lots
    assert ladder.quantity.value() == pytest.approx(0.001)
    qtbot.keyClick(table, Qt.Key.Key_B)
    qtbot.waitUntil(lambda: text_at(ladder, 100.02, BUYS) == "0.001", timeout=3000)
    (order,) = working(engine)
    assert (order.side, order.price, order.quantity) == (Side.BUY, 100.02, pytest.approx(0.001))
    qtbot.keyClick(table, Qt.Key.Key_Left)  # the cursor to the buy-orders column
    qtbot.keyClick(table, Qt.Key.Key_Left)
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)  # a tick down
    qtbot.waitUntil(lambda: text_at(ladder, 100.01, BUYS) == "0.001", timeout=3000)
    assert booked(engine, order.order_id).price == 100.01
    assert table.cursor_price() == 100.01  # the cursor went with it
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    qtbot.waitUntil(
        lambda: booked(engine, order.order_id).status is OrderStatus.CANCELLED,
        timeout=3000,
    )
    qtbot.keyClick(table, Qt.Key.Key_Up)
    qtbot.keyClick(table, Qt.Key.Key_S)  # S sells at the cursor, whichever its column
    qtbot.waitUntil(lambda: len(working(engine)) == 1, timeout=3000)
    assert working(engine)[0].side is Side.SELL and working(engine)[0].price == 100.02
    for _ in range(8):
        qtbot.keyClick(table, Qt.Key.Key_PageDown)
    qtbot.keyClick(table, Qt.Key.Key_C)  # back to the last trade
    assert table.cursor_price() == 100.05
    assert "B buy / S sell" in ladder.model.keys_help and "C re-centres" in ladder.toolTip()


def test_rows_are_rebuilt_at_the_refresh_tick_not_per_depth_event(
    ladder: PriceLadder, engine: Engine, bridge: EngineBridge
) -> None:
    rows = list(ladder.model.rows)
    for bid in (99.95, 99.96, 99.97):  # depth events with no refresh between them
        quote(engine, bridge, bid, 100.10, last=100.05, flush=False)
    assert ladder.model.rows == rows
    bridge.flush()  # the GUI refresh tick
    assert text_at(ladder, 99.97, BID) == "0.0001" and text_at(ladder, 100.00, BID) == ""
    ladder.hide()  # a tab behind another: no rebuild until shown
    quote(engine, bridge, 99.90, 100.10, last=100.05)
    assert text_at(ladder, 99.97, BID) == "0.0001"
    ladder.show()
    assert text_at(ladder, 99.90, BID) == "0.0001"


def test_the_ladder_follows_the_market_off_its_edge(
    ladder: PriceLadder, engine: Engine, bridge: EngineBridge
) -> None:
    quote(engine, bridge, 100.60, 100.70, last=100.65)  # 60 ticks up: off the 101 rows
    assert ladder.model.rows[len(ladder.model.rows) // 2].price == 100.65
    assert text_at(ladder, 100.60, BID) == "0.0001"


def test_a_real_broker_asks_before_an_order_goes(
    ladder: PriceLadder, engine: Engine, qtbot: QtBot
) -> None:
    asked: list[str] = []
    ladder.confirm = lambda text, on_yes: asked.append(text)  # the user says nothing yet
    ladder.broker_box.setCurrentText("desk")
    qtbot.mouseClick(ladder.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=cell(ladder, 99.99, BID))  # fmt: skip
    assert asked and asked[0].startswith("Send BUY") and "99.99" in asked[0]
    assert working(engine) == []


def test_the_ladder_from_the_view_menu_the_charts_menu_and_the_watch(
    window: MainWindow, qtbot: QtBot
) -> None:
    dock = window.docks["ladder"]
    toggle = next(a for a in window.menus.view_menu.actions() if a.text() == "Ladder")
    assert toggle is dock.toggleViewAction()
    toggle.trigger()  # shown by default (a tab beside the ticket): the menu closes it
    assert dock.isHidden()
    window.chart.set_symbol(BTC)
    menu = window.chart.alerts.menu_at(100.0)  # the price pane's right-click menu
    next(a for a in menu.actions() if a.text() == "Ladder").trigger()
    qtbot.waitUntil(lambda: window.ladder.isVisible(), timeout=2000)
    assert window.ladder.symbol == BTC and not dock.visibleRegion().isEmpty()
    toggle.trigger()
    watch = window.market_watch
    other = next(s for s in watch.model.symbols() if s != BTC)
    menu = watch.table.context_menu(watch.model.row_of(other))  # a row's right-click menu
    assert menu is not None
    next(a for a in menu.actions() if a.text() == "Ladder").trigger()
    qtbot.waitUntil(lambda: window.ladder.isVisible(), timeout=2000)
    assert window.ladder.symbol == other


def test_a_ladder_built_small_shows_the_last_trade_in_the_middle_when_it_grows(
    bridge: EngineBridge, engine: Engine, qtbot: QtBot
) -> None:
    quote(engine, bridge, 100.00, 100.10, last=100.05)
    widget = PriceLadder(bridge, THEMES["dark"])
    qtbot.addWidget(widget)
    widget.resize(420, 120)  # as behind a tab, or a dock not laid out yet
    widget.show()
    widget.broker_box.setCurrentText("paper")
    widget.set_symbol(BTC)
    widget.resize(420, 700)
    qtbot.waitUntil(lambda: widget.table.viewport().height() > 400)
    table = widget.table
    rect = table.visualRect(widget.model.index(widget.model.row_of(100.05), PRICE))
    height = table.viewport().height()
    assert height / 3 < rect.center().y() < 2 * height / 3  # asks above and bids below in sight
    assert table.visualRect(widget.model.index(widget.model.row_of(100.10), ASK)).top() >= 0
    widget.close()
