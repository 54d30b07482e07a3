"""The price ladder's test desk: a quiet engine with the paper broker, a ladder on BTCUSDT
(tick 0.01, lot 0.0001) over a quote of five levels each side, and how a trader reaches its
cells (click, drag) and reads them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from terminal.domain.enums import OrderType, Side
from terminal.domain.market import Tick
from terminal.domain.orders import Order, OrderRequest
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.theme import THEMES
from terminal.ui.trading.ladder import PriceLadder
from tests.ui.desk import quiet_desk_engine

BTC = "BTCUSDT.BINANCE"  # tick 0.01, lot 0.0001
C = TypeVar("C")


@pytest.fixture
def engine(run_async: Callable[..., Any]) -> Iterator[Engine]:
    yield from quiet_desk_engine(run_async)


@pytest.fixture
def ladder(bridge: EngineBridge, engine: Engine, qtbot: QtBot) -> Iterator[PriceLadder]:
    quote(engine, bridge, 100.00, 100.10, last=100.05)
    widget = PriceLadder(bridge, THEMES["dark"])
    qtbot.addWidget(widget)
    widget.resize(420, 700)
    widget.show()
    widget.broker_box.setCurrentText("paper")
    widget.set_symbol(BTC)
    yield widget
    widget.close()


def quote(engine: Engine, bridge: EngineBridge, bid: float, ask: float, last: float,
          flush: bool = True, step: float = 0.01) -> None:  # fmt: skip
    """Five levels ``step`` apart each side, sizes 1, 2, … lots from the touch out."""
    levels = range(5)
    tick = Tick(BTC, engine.clock.now_ns(), last=last, volume=1.0,
                bid_prices=tuple(round(bid - step * n, 2) for n in levels),
                bid_sizes=tuple(0.0001 * (n + 1) for n in levels),
                ask_prices=tuple(round(ask + step * n, 2) for n in levels),
                ask_sizes=tuple(0.0001 * (n + 1) for n in levels))  # fmt: skip
    engine.bus.publish(tick)
    if flush:
        bridge.flush()


def cell(ladder: PriceLadder, price: float, column: int) -> QPoint:
    """The middle of ``price``'s cell in ``column``, scrolled into view."""
    table = ladder.table
    row = ladder.model.row_of(price)
    assert row >= 0, price
    index = ladder.model.index(row, column)
    table.scrollTo(index)
    return table.visualRect(index).center()


def drag(qtbot: QtBot, ladder: PriceLadder, column: int, start: float, end: float) -> None:
    """Press on ``start``'s cell, move to ``end``'s and let go (both rows in view)."""
    model, table = ladder.model, ladder.table
    middle = (model.row_of(start) + model.row_of(end)) // 2
    table.scrollTo(model.index(middle, column), table.ScrollHint.PositionAtCenter)
    points = [table.visualRect(model.index(model.row_of(p), column)).center() for p in (start, end)]
    viewport = table.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=points[0])
    qtbot.mouseMove(viewport, points[1])
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=points[1])


def text_at(ladder: PriceLadder, price: float, column: int) -> str:
    return str(ladder.model.data(ladder.model.index(ladder.model.row_of(price), column)))


def working(engine: Engine) -> list[Order]:
    return [o for o in engine.order_book.working() if o.symbol == BTC]


def heard(engine: Engine, kind: type[C]) -> list[C]:
    """The commands of ``kind`` the engine's bus carries from now on."""
    seen: list[C] = []
    engine.bus.subscribe(kind, seen.append)
    return seen


def booked(engine: Engine, order_id: str) -> Order:
    order = engine.order_book.get(order_id)
    assert order is not None, order_id
    return order


def rest_buy(engine: Engine, bridge: EngineBridge, qtbot: QtBot, price: float) -> Order:
    order_id = engine.submit(OrderRequest("paper", BTC, Side.BUY, 0.0003, OrderType.LIMIT, price))
    qtbot.waitUntil(lambda: any(o.order_id == order_id for o in working(engine)), timeout=3000)
    bridge.flush()
    return booked(engine, order_id)
