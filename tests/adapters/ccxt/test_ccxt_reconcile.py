"""Reconciling with a venue that changed while the terminal was away or not listening: orders
placed, cancelled or filled there, and balances that moved (ccxt against the local server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from terminal.domain.enums import ConnectionStatus, OrderStatus, OrderType, ReconcileKind, Side
from terminal.domain.orders import OrderRequest
from terminal.domain.venue import ReconcileNotice
from terminal.engine.engine import Engine
from tests.adapters.ccxt.binance_server import FakeBinance
from tests.adapters.ccxt.harness import BTC, KEYS, engine_config, local_binance, running, until
from tests.aio import run


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    yield


def notices(engine: Engine, kind: ReconcileKind) -> list[ReconcileNotice]:
    return [n for n in engine.reconciler.notices if n.kind is kind]


async def live(engine: Engine, server: FakeBinance) -> None:
    await until(lambda: BTC in engine.latest and engine.balances(), what="quotes and balances")
    await server.wait_subscribed()


def resting_buy(engine: Engine, price: float = 60000.0) -> str:
    return engine.submit(OrderRequest("binance", BTC, Side.BUY, 0.001, OrderType.LIMIT, price))


def test_an_order_placed_at_the_venue_while_the_terminal_was_down_is_adopted() -> None:
    async def scenario() -> None:
        async with local_binance() as server:
            config = engine_config(server, {}, {}, persist=True)
            async with running(config) as engine:
                await live(engine, server)
            placed = await server.place_elsewhere("BUY", "0.00200000", "61000.00", "web_phone_1")
            async with running(config) as engine:
                await live(engine, server)
                await until(lambda: notices(engine, ReconcileKind.ORDER_ADOPTED), what="adoption")
                adopted = next(
                    o for o in engine.order_book.working() if o.client_id == "web_phone_1"
                )
                assert (adopted.origin, adopted.status) == ("venue", OrderStatus.ACCEPTED)
                assert (adopted.side, adopted.quantity, adopted.price) == (Side.BUY, 0.002, 61000.0)
                notice = notices(engine, ReconcileKind.ORDER_ADOPTED)[0]
                assert "web_phone_1" in notice.message and str(placed["orderId"]) in notice.message
                engine.cancel(adopted.order_id)  # the terminal now manages it
                await until(
                    lambda: (
                        engine.order_book.get(adopted.order_id).status  # type: ignore[union-attr]
                        is OrderStatus.CANCELLED
                    ),
                    what="the adopted order cancelled",
                )
                assert server.venue.orders[placed["orderId"]]["status"] == "CANCELED"

    run(scenario(), timeout=30)


def test_orders_cancelled_or_filled_at_the_venue_meanwhile_are_closed_here() -> None:
    async def scenario() -> None:
        async with local_binance() as server:
            config = engine_config(server, {}, {}, persist=True)
            async with running(config) as engine:
                await live(engine, server)
                cancelled, filled = resting_buy(engine), resting_buy(engine, 60001.0)
                await until(
                    lambda: all(
                        engine.order_book.get(i).status is OrderStatus.ACCEPTED  # type: ignore[union-attr]
                        for i in (cancelled, filled)
                    ),
                    what="both resting",
                )
            ids = {o["clientOrderId"]: o["orderId"] for o in server.venue.orders.values()}
            await server.cancel_elsewhere(ids[cancelled])
            await server.trade_against(ids[filled], "0.00100000")
            async with running(config) as engine:
                await live(engine, server)
                await until(lambda: not engine.order_book.working(), what="both resolved")
                gone = engine.order_book.get(cancelled)
                done = engine.order_book.get(filled)
                assert gone is not None and gone.status is OrderStatus.CANCELLED
                assert "cancelled at the venue" in gone.reason
                assert done is not None and done.status is OrderStatus.FILLED
                assert done.filled_quantity == pytest.approx(0.001)
                assert engine.portfolio.quantity("binance", BTC) == pytest.approx(0.001)
                kinds = {n.kind for n in engine.reconciler.notices}
                assert {ReconcileKind.ORDER_RESOLVED, ReconcileKind.FILLS_RECOVERED} <= kinds

    run(scenario(), timeout=30)


def test_an_order_placed_elsewhere_while_connected_is_adopted_at_once() -> None:
    async def scenario() -> None:
        async with local_binance() as server, running(engine_config(server, {}, {})) as engine:
            await live(engine, server)
            await server.place_elsewhere("SELL", "0.00100000", "90000.00")
            await until(
                lambda: any(o.origin == "venue" for o in engine.order_book.working()),
                what="the order the stream reported",
            )

    run(scenario(), timeout=30)


def test_a_balance_that_moved_without_a_fill_is_shown_on_reconnect() -> None:
    async def scenario() -> None:
        async with local_binance() as server, running(engine_config(server, {}, {})) as engine:
            await live(engine, server)
            resting = resting_buy(engine, 73000.0)
            await until(
                lambda: engine.order_book.get(resting).status is OrderStatus.ACCEPTED,  # type: ignore[union-attr]
                what="resting",
            )
            server.user_events = "lost"
            await server.drop_sockets("api")
            # While away: the order fills (explained by its fill) and 500 USDT arrive (not).
            venue_id = next(
                o["orderId"] for o in server.venue.orders.values() if o["clientOrderId"] == resting
            )
            await server.trade_against(venue_id, "0.00100000")
            server.venue.balances["USDT"]["free"] += 500
            server.user_events = "normal"
            await until(
                lambda: (
                    engine.broker_status["binance"].status is ConnectionStatus.LIVE
                    and notices(engine, ReconcileKind.BALANCE_DIFFERENCE)
                ),
                what="the difference",
            )
            differences = notices(engine, ReconcileKind.BALANCE_DIFFERENCE)
            assert [n.subject for n in differences] == ["USDT"]  # BTC is what the fill explains
            usdt = differences[0]
            assert usdt.venue - usdt.terminal == pytest.approx(500.0)
            assert "difference +500" in usdt.message
            assert engine.order_book.get(resting).status is OrderStatus.FILLED  # type: ignore[union-attr]
            shown = next(b for b in engine.balances() if b.currency == "USDT")
            assert shown.total == pytest.approx(usdt.venue)  # the venue's figure, and the notice

    run(scenario(), timeout=30)
