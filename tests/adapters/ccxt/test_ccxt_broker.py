"""The ccxt broker in the engine, ccxt itself against the local Binance-format server: each
order type, partial fills, repeated and reordered reports, rejections, rate limits, a lost
answer, a dropped private stream, cancel-all, and keys."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from terminal.adapters.ccxt import trading
from terminal.domain.enums import ConnectionStatus, OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.events import FillEvent
from terminal.domain.orders import Fill, Order, OrderRequest
from terminal.engine.clock import Clock, ManualClock
from terminal.engine.engine import Engine
from tests.adapters.ccxt.binance_server import FakeBinance, rate_limited, unknown_outcome
from tests.adapters.ccxt.harness import BTC, KEYS, engine_config, local_binance, running, until
from tests.aio import run

Scenario = Callable[[FakeBinance, Engine], Awaitable[None]]


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    yield


def trade(
    scenario: Scenario,
    clock: Clock | None = None,
    *,
    risk: dict[str, Any] | None = None,
    **broker: Any,
) -> None:
    """Run ``scenario`` on an engine with the ccxt feed and broker, once both are live."""

    async def go() -> None:
        async with (
            local_binance() as server,
            running(engine_config(server, {}, broker, risk=risk), clock) as engine,
        ):
            await until(
                lambda: BTC in engine.latest and engine.balances(), what="quotes and balances"
            )
            await server.wait_subscribed()
            await scenario(server, engine)

    run(go(), timeout=30)


def submit(
    engine: Engine,
    side: Side,
    quantity: float,
    kind: OrderType = OrderType.MARKET,
    price: float = 0.0,
    **fields: Any,
) -> str:
    request = OrderRequest(
        "binance",
        BTC,
        side,
        quantity,
        kind,
        price=price,
        time_in_force=fields.pop("tif", TimeInForce.GTC),
        **fields,
    )
    return engine.submit(request)


def order(engine: Engine, order_id: str) -> Order:
    found = engine.order_book.get(order_id)
    assert found is not None
    return found


async def status(engine: Engine, order_id: str, wanted: OrderStatus) -> Order:
    await until(lambda: order(engine, order_id).status is wanted, what=f"{order_id} {wanted.value}")
    return order(engine, order_id)


def at_venue(server: FakeBinance, order_id: str) -> list[dict[str, Any]]:
    return [o for o in server.venue.orders.values() if o["clientOrderId"] == order_id]


def ask(server: FakeBinance) -> float:
    return float(server.venue.markets["BTCUSDT"].book.best_ask())


def test_market_and_limit_orders_fill_and_move_the_account() -> None:
    async def scenario(server: FakeBinance, engine: Engine) -> None:
        usdt_before = next(b.total for b in engine.balances() if b.currency == "USDT")
        seen: list[Fill] = []
        engine.bus.subscribe(FillEvent, lambda event: seen.append(event.fill))
        bought = await status(engine, submit(engine, Side.BUY, 0.001), OrderStatus.FILLED)
        assert bought.average_price == ask(server) or bought.average_price > 0
        limit = submit(engine, Side.BUY, 0.002, OrderType.LIMIT, round(ask(server) + 5, 2))
        filled = await status(engine, limit, OrderStatus.FILLED)
        assert filled.filled_quantity == pytest.approx(0.002)
        fills = [f for f in engine.store.fills() if f.order_id == limit] if engine.store else []
        position = engine.portfolio.position("binance", BTC)
        assert position is not None and position.quantity == pytest.approx(0.003)
        # The venue took the fee in BTC: the fill says so, and the commission is its USDT value.
        fill = next(f for f in seen if f.order_id == limit)
        assert fill.fee_currency == "BTC" and fill.fee == pytest.approx(0.000002)
        assert fill.commission == pytest.approx(0.000002 * fill.price)
        assert not fills  # nothing persisted: the engine runs without a store here
        await until(
            lambda: next(b.total for b in engine.balances() if b.currency == "USDT") < usdt_before,
            what="the USDT balance after the buys",
        )
        assert at_venue(server, limit)[0]["clientOrderId"] == limit  # our id is the venue's

    trade(scenario)


def test_a_resting_limit_is_cancelled_and_a_partial_fill_then_completes() -> None:
    async def scenario(server: FakeBinance, engine: Engine) -> None:
        resting = submit(engine, Side.BUY, 0.001, OrderType.LIMIT, 60000.0)
        await status(engine, resting, OrderStatus.ACCEPTED)
        engine.cancel(resting)
        cancelled = await status(engine, resting, OrderStatus.CANCELLED)
        assert (
            at_venue(server, resting)[0]["status"] == "CANCELED" and cancelled.filled_quantity == 0
        )
        # A sale bigger than the best bid's size at its price: that size fills, the rest rests,
        # then someone takes it.
        server.pause_market()  # the level must keep its size until the order arrives
        book = server.venue.markets["BTCUSDT"].book
        book.bids[book.best_bid()] = Decimal("0.3")
        big = submit(engine, Side.SELL, 0.35, OrderType.LIMIT, float(book.best_bid()))
        partial = await status(engine, big, OrderStatus.PARTIALLY_FILLED)
        assert partial.filled_quantity == pytest.approx(0.3)
        await server.trade_against(at_venue(server, big)[0]["orderId"], "0.05000000")
        done = await status(engine, big, OrderStatus.FILLED)
        assert done.filled_quantity == pytest.approx(0.35)

    trade(scenario)


def test_stop_limit_rests_until_the_market_runs_through_its_trigger() -> None:
    async def scenario(server: FakeBinance, engine: Engine) -> None:
        trigger = round(ask(server) + 0.05, 2)
        stop = submit(
            engine,
            Side.BUY,
            0.001,
            OrderType.STOP_LIMIT,
            round(trigger + 1, 2),
            trigger_price=trigger,
        )
        await status(engine, stop, OrderStatus.ACCEPTED)
        assert at_venue(server, stop)[0]["type"] == "STOP_LOSS_LIMIT"
        await server.shift("BTCUSDT", 10)  # the market runs up 10 ticks
        assert (await status(engine, stop, OrderStatus.FILLED)).filled_quantity == pytest.approx(
            0.001
        )

    trade(scenario)


def test_post_only_ioc_fok_and_what_the_venue_does_not_take() -> None:
    async def scenario(server: FakeBinance, engine: Engine) -> None:
        maker = submit(engine, Side.BUY, 0.001, OrderType.LIMIT, 60000.0, post_only=True)
        await status(engine, maker, OrderStatus.ACCEPTED)
        assert at_venue(server, maker)[0]["type"] == "LIMIT_MAKER"
        crossing = submit(
            engine, Side.BUY, 0.001, OrderType.LIMIT, round(ask(server) + 5, 2), post_only=True
        )
        refused = await status(engine, crossing, OrderStatus.REJECTED)
        assert refused.reason == "binance: Order would immediately match and take. (-2010)"
        ioc = submit(engine, Side.BUY, 0.001, OrderType.LIMIT, 60000.0, tif=TimeInForce.IOC)
        assert (await status(engine, ioc, OrderStatus.EXPIRED)).filled_quantity == 0
        fok = submit(
            engine, Side.BUY, 500.0, OrderType.LIMIT, round(ask(server) + 5, 2), tif=TimeInForce.FOK
        )
        await status(engine, fok, OrderStatus.REJECTED)  # 500 BTC: the balance refuses it first
        sent = len(server.requests)
        stop = submit(engine, Side.SELL, 0.001, OrderType.STOP, trigger_price=60000.0)
        assert (
            "stop orders are not taken" in order(engine, stop).reason
        )  # BTCUSDT lists no STOP_LOSS
        reduce = submit(engine, Side.SELL, 0.001, reduce_only=True)
        assert "reduce-only orders are not taken" in order(engine, reduce).reason  # spot
        assert len(server.requests) == sent  # neither reached the venue

    trade(scenario)


def test_a_day_order_rests_as_gtc_and_ends_with_the_utc_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(trading, "DAY_CHECK_S", 0.05)  # not every 30 s: the test's day is short
    clock = ManualClock(time.time_ns())

    async def scenario(server: FakeBinance, engine: Engine) -> None:
        day = submit(engine, Side.BUY, 0.001, OrderType.LIMIT, 60000.0, tif=TimeInForce.DAY)
        await status(engine, day, OrderStatus.ACCEPTED)
        assert at_venue(server, day)[0]["timeInForce"] == "GTC"
        await asyncio.sleep(0.2)
        assert order(engine, day).status is OrderStatus.ACCEPTED  # still its day
        clock.advance(86_400 * 1_000_000_000)
        ended = await status(engine, day, OrderStatus.CANCELLED)
        assert ended.reason == "DAY order: its UTC day ended"
        assert at_venue(server, day)[0]["status"] == "CANCELED"

    trade(scenario, clock)


def test_the_venues_reported_balances_refuse_what_it_cannot_pay_for() -> None:
    """The pre-trade cash check reads the venue's own balances for a spot order there."""

    async def scenario(server: FakeBinance, engine: Engine) -> None:
        rich = submit(engine, Side.BUY, 1.0, OrderType.LIMIT, 60000.0)
        refused = await status(engine, rich, OrderStatus.REJECTED)
        assert refused.reason.startswith("cash and margin: buy 1 BTCUSDT.BINANCE needs 60,0")
        assert "USDT; binance has 10,000 USDT free (as the venue last reported)" in refused.reason
        assert all(o["clientOrderId"] != rich for o in server.venue.orders.values())

    trade(scenario)


def test_a_rejection_carries_the_venues_words() -> None:
    """With the terminal's own cash check off, the venue's refusal reaches the order."""

    async def scenario(server: FakeBinance, engine: Engine) -> None:
        rich = submit(
            engine, Side.BUY, 1.0, OrderType.LIMIT, 60000.0
        )  # 60,000 USDT: we have 10,000
        refused = await status(engine, rich, OrderStatus.REJECTED)
        assert (
            refused.reason
            == "binance: Account has insufficient balance for requested action. (-2010)"
        )
        server.venue.set_status("BTCUSDT", "BREAK")  # halted after the terminal loaded markets
        closed = await status(engine, submit(engine, Side.BUY, 0.001), OrderStatus.REJECTED)
        assert closed.reason == "binance: Market is closed. (-1013)"

    trade(scenario, risk={"funds_check": False})


def test_repeated_and_reordered_reports_apply_each_fill_once() -> None:
    async def scenario(server: FakeBinance, engine: Engine) -> None:
        server.user_events = "twice"
        first = await status(engine, submit(engine, Side.BUY, 0.001), OrderStatus.FILLED)
        server.user_events = "reversed"  # the fill arrives before the order's NEW
        second = await status(engine, submit(engine, Side.BUY, 0.002), OrderStatus.FILLED)
        position = engine.portfolio.position("binance", BTC)
        assert position is not None and position.quantity == pytest.approx(0.003)
        assert (first.filled_quantity, second.filled_quantity) == pytest.approx((0.001, 0.002))
        # the stream, not the REST answer: a fill only the stream reports, sent three times
        server.user_events = "normal"
        resting = submit(engine, Side.SELL, 0.003, OrderType.LIMIT, round(ask(server) + 50, 2))
        await status(engine, resting, OrderStatus.ACCEPTED)
        server.user_events = "twice"
        venue_id = at_venue(server, resting)[0]["orderId"]
        await server.trade_against(venue_id, "0.00100000")
        await server.trade_against(venue_id, "0.00200000")
        await status(engine, resting, OrderStatus.FILLED)
        await until(
            lambda: engine.portfolio.quantity("binance", BTC) == pytest.approx(0.0),
            what="the position closed",
        )

    trade(scenario)


def test_rate_limit_answers_are_waited_out_and_the_order_placed_once() -> None:
    async def scenario(server: FakeBinance, engine: Engine) -> None:
        server.inject("/api/v3/order", rate_limited(retry_after=1))
        started = time.monotonic()
        placed = await status(engine, submit(engine, Side.BUY, 0.001), OrderStatus.FILLED)
        assert time.monotonic() - started >= 0.9  # Retry-After: 1 was respected
        posts = [r for r in server.requests if r[:2] == ("POST", "/api/v3/order")]
        assert len(posts) == 2 and len(at_venue(server, placed.order_id)) == 1

    trade(scenario)


def test_a_cancel_waits_for_its_order_to_be_placed() -> None:
    async def scenario(server: FakeBinance, engine: Engine) -> None:
        lost = dataclasses.replace(unknown_outcome(), carry_out=False)  # not placed after all
        server.inject("/api/v3/order", lost)
        resting = submit(engine, Side.BUY, 0.001, OrderType.LIMIT, 60000.0)
        await until(
            lambda: server.requests[-1][:2] == ("GET", "/api/v3/order"),
            what="the lookup after the lost answer",
        )
        engine.cancel(resting)  # while the broker waits to send it again
        cancelled = await status(engine, resting, OrderStatus.CANCELLED)
        assert cancelled.reason == "cancelled on request"
        assert [o["status"] for o in at_venue(server, resting)] == ["CANCELED"]  # not left open

    trade(scenario)


def test_a_lost_answer_is_looked_up_not_sent_twice() -> None:
    async def scenario(server: FakeBinance, engine: Engine) -> None:
        server.user_events = "lost"  # nothing but the lookup can tell the terminal
        server.inject("/api/v3/order", unknown_outcome())  # placed, but the answer is a 503
        placed = await status(
            engine, submit(engine, Side.BUY, 0.001, OrderType.LIMIT, 60000.0), OrderStatus.ACCEPTED
        )
        assert len(at_venue(server, placed.order_id)) == 1
        lookups = [r for r in server.requests if r[:2] == ("GET", "/api/v3/order")]
        assert lookups and lookups[0][2]["origClientOrderId"] == placed.order_id

    trade(scenario)


def test_a_dropped_private_stream_reconnects_and_reconciles() -> None:
    async def scenario(server: FakeBinance, engine: Engine) -> None:
        resting = submit(engine, Side.SELL, 0.002, OrderType.LIMIT, round(ask(server) + 50, 2))
        await status(engine, resting, OrderStatus.ACCEPTED)
        server.user_events = "lost"
        await server.drop_sockets("api")
        await until(
            lambda: engine.broker_status["binance"].status is ConnectionStatus.CONNECTING,
            what="the drop",
        )
        # While the terminal does not hear: the order fills at the venue.
        await server.trade_against(at_venue(server, resting)[0]["orderId"], "0.00200000")
        server.user_events = "normal"
        await until(
            lambda: engine.broker_status["binance"].status is ConnectionStatus.LIVE,
            what="re-subscribed",
        )
        filled = await status(engine, resting, OrderStatus.FILLED)  # learned by reconciling
        assert filled.filled_quantity == pytest.approx(0.002)
        subscribes = [
            f
            for _, f in server.ws_requests
            if f.get("method") == "userDataStream.subscribe.signature"
        ]
        assert len(subscribes) >= 2

    trade(scenario)


def test_kill_switch_cancels_a_symbol_in_one_request() -> None:
    async def scenario(server: FakeBinance, engine: Engine) -> None:
        ids = [submit(engine, Side.BUY, 0.001, OrderType.LIMIT, 60000.0 + i) for i in range(3)]
        for order_id in ids:
            await status(engine, order_id, OrderStatus.ACCEPTED)
        assert engine.kill_switch() == 3
        for order_id in ids:
            await status(engine, order_id, OrderStatus.CANCELLED)
        assert [r[:2] for r in server.requests].count(("DELETE", "/api/v3/openOrders")) == 1
        assert ("DELETE", "/api/v3/order") not in [r[:2] for r in server.requests]

    trade(scenario)


def test_keys_come_from_the_environment_and_never_reach_the_log(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def missing() -> None:
        async with local_binance() as server, running(engine_config(server, None, {})) as engine:
            assert "binance" not in engine.brokers
            failure = next(r for r in engine.registry.failed() if r.kind.value == "broker")
            assert "secret BINANCE_SECRET is not set" in failure.reason

    monkeypatch.delenv("BINANCE_SECRET")
    run(missing())
    monkeypatch.setenv("BINANCE_SECRET", KEYS["BINANCE_SECRET"])
    caplog.set_level(logging.DEBUG)

    async def scenario(server: FakeBinance, engine: Engine) -> None:
        await status(engine, submit(engine, Side.BUY, 0.001), OrderStatus.FILLED)

    trade(scenario)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert KEYS["BINANCE_SECRET"] not in text and KEYS["BINANCE_API_KEY"] not in text
