"""The ladder's price grouping (ticks per row) and its following of the last trade: grouped rows
sum the sizes and own orders in them, a click places at the row's price, drag and keys move
by rows; the automatic grouping shows a useful span of a bitcoin price; the view follows the
last trade to the visible edge unless the user scrolled a moment ago."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from terminal.domain.contingent import ModifyOrder
from terminal.domain.enums import OrderType, Side
from terminal.domain.events import SubmitOrder
from terminal.domain.orders import OrderRequest
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.trading.ladder import PriceLadder
from terminal.ui.trading.ladder_model import ASK, BID, BUYS, PRICE, SELLS, row_price
from terminal.ui.trading.ladder_table import FOLLOW_PAUSE_S
from tests.ui import ladder_desk
from tests.ui.ladder_desk import BTC, booked, cell, drag, heard, quote, rest_buy, text_at, working

engine, ladder = ladder_desk.engine, ladder_desk.ladder  # the fixtures


def group(ladder: PriceLadder, ticks: int) -> None:
    ladder.grouping.setCurrentIndex(ladder.grouping.findData(ticks))


def test_rows_at_the_grid_or_between_go_down_for_bids_and_up_for_asks() -> None:
    assert row_price(100.07, 0.01, 5) == 100.05 and row_price(100.07, 0.01, 5, up=True) == 100.10
    assert row_price(100.05, 0.01, 5) == row_price(100.05, 0.01, 5, up=True) == 100.05
    assert row_price(96_123.45, 0.01, 1000) == 96_120.0
    assert row_price(0.3, 0.1, 1) == 0.3  # 0.30000000000000004 on the grid


def test_grouped_rows_sum_the_book_and_own_orders_and_trade_at_their_price(
    ladder: PriceLadder, engine: Engine, bridge: EngineBridge, qtbot: QtBot
) -> None:
    sent = heard(engine, SubmitOrder)
    sell = OrderRequest("paper", BTC, Side.SELL, 0.0002, OrderType.LIMIT, 100.12)
    engine.submit(sell)
    rest_buy(engine, bridge, qtbot, 99.97)
    group(ladder, 5)
    prices = [row.price for row in ladder.model.rows]
    assert prices[:2] == [102.55, 102.50] and prices[50] == 100.05  # 5 ticks a row
    assert ladder.table.cursor_price() == 100.05  # the last trade's row, centred
    # Bids 100.00 … 99.96 (1 … 5 lots): 99.99–99.96 summed in the 99.95 row; asks up.
    assert text_at(ladder, 100.00, BID) == "0.0001" and text_at(ladder, 99.95, BID) == "0.0014"
    assert text_at(ladder, 100.10, ASK) == "0.0001" and text_at(ladder, 100.15, ASK) == "0.0014"
    assert ladder.model.rows[ladder.model.row_of(100.05)].last
    qtbot.waitUntil(lambda: text_at(ladder, 100.15, SELLS) == "0.0002", timeout=3000)
    assert text_at(ladder, 99.95, BUYS) == "0.0003"  # the buy at 99.97
    qtbot.mouseClick(ladder.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=cell(ladder, 99.90, BID))  # fmt: skip
    qtbot.mouseClick(ladder.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=cell(ladder, 100.20, ASK))  # fmt: skip
    qtbot.waitUntil(lambda: len(working(engine)) == 4, timeout=3000)
    placed = [(c.request.side, c.request.price) for c in sent[-2:]]
    assert placed == [(Side.BUY, 99.90), (Side.SELL, 100.20)]


def test_grouped_orders_move_by_rows_with_the_mouse_and_the_keys(
    ladder: PriceLadder, engine: Engine, bridge: EngineBridge, qtbot: QtBot
) -> None:
    moved = heard(engine, ModifyOrder)
    group(ladder, 10)
    order = rest_buy(engine, bridge, qtbot, 99.93)
    qtbot.waitUntil(lambda: text_at(ladder, 99.90, BUYS) == "0.0003", timeout=3000)
    drag(qtbot, ladder, BUYS, 99.90, 99.70)
    qtbot.waitUntil(lambda: text_at(ladder, 99.70, BUYS) == "0.0003", timeout=3000)
    table = ladder.table
    table.setFocus()
    table.place_cursor(99.70, BUYS)
    qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)  # a row up
    qtbot.waitUntil(lambda: booked(engine, order.order_id).price == 99.80, timeout=3000)
    assert [c.price for c in moved] == [99.70, 99.80] and table.cursor_price() == 99.80


def test_the_automatic_grouping_shows_a_useful_span_of_a_bitcoin_price(
    ladder: PriceLadder, engine: Engine, bridge: EngineBridge, qtbot: QtBot
) -> None:
    assert ladder.grouping.currentData() == 0 and ladder.ticks_per_row() == 1  # at $100
    quote(engine, bridge, 96_000.00, 96_000.10, last=96_000.05, step=4.0)
    ladder.set_symbol(BTC)  # a new price: the automatic grouping is chosen again
    assert ladder.ticks_per_row() == 1000 and ladder.grouping.currentText() == "Auto ×1000"
    prices = [row.price for row in ladder.model.rows]
    assert prices[0] - prices[1] == pytest.approx(10.0) and prices[50] == 96_000.0
    span = prices[0] - prices[-1]
    assert 0.005 < span / 96_000 < 0.02  # the 101 rows: about 1 %; some 40 in view: 0.4 %
    # Levels $4 apart: 96,000 and 95,996 … 95,984 in two rows; the asks in 96,010.
    assert text_at(ladder, 96_000.0, BID) == "0.0001"
    assert text_at(ladder, 95_990.0, BID) == "0.0005" and text_at(ladder, 95_980.0, BID) == "0.0009"
    assert text_at(ladder, 96_010.0, ASK) == "0.0006"
    group(ladder, 1)
    assert ladder.model.rows[1].price == pytest.approx(ladder.model.rows[0].price - 0.01)


def middle_third(ladder: PriceLadder, price: float) -> bool:
    rect = ladder.table.visualRect(ladder.model.index(ladder.model.row_of(price), PRICE))
    height = ladder.table.viewport().height()
    return height / 3 < rect.center().y() < 2 * height / 3


def wheel(ladder: PriceLadder, notches: int) -> None:
    """The mouse wheel turned over the ladder's rows (positive: up)."""
    viewport = ladder.table.viewport()
    centre = QPointF(viewport.rect().center())
    event = QWheelEvent(centre, QPointF(viewport.mapToGlobal(QPoint(5, 5))), QPoint(),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)  # fmt: skip
    QApplication.sendEvent(viewport, event)


def test_the_view_follows_the_last_trade_unless_the_user_scrolled_a_moment_ago(
    ladder: PriceLadder, engine: Engine, bridge: EngineBridge
) -> None:
    table = ladder.table
    rows_in_view = table.viewport().height() // table.rowHeight(0)
    assert rows_in_view > 12 and middle_third(ladder, 100.05)
    up = round(100.05 + 0.01 * (rows_in_view // 2 - 1), 2)  # a row from the top edge
    quote(engine, bridge, up - 0.05, up + 0.05, last=up)
    assert middle_third(ladder, up)  # followed: back in the middle
    wheel(ladder, 3)  # the user looks higher up the book
    top = table.rowAt(0)
    quote(engine, bridge, up - 0.20, up - 0.10, last=round(up - 0.15, 2))
    assert table.rowAt(0) == top  # their view stays put
    table.scrolled_at -= FOLLOW_PAUSE_S  # as if the pause went by
    quote(engine, bridge, up - 0.21, up - 0.11, last=round(up - 0.16, 2))
    assert middle_third(ladder, round(up - 0.16, 2))
