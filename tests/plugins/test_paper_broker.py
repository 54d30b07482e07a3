"""The paper broker fills against the live quote through the real engine."""

from __future__ import annotations

import asyncio

from terminal.domain.enums import OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.market import NO_LAST, Tick
from terminal.domain.orders import OrderRequest
from terminal.engine.engine import Engine
from tests.engine.helpers import TEST_SYMBOL, ManualFeed, book, quote, run_on_paper


def run(scenario: object, **paper_options: object) -> Engine:
    return run_on_paper(scenario, **paper_options)  # type: ignore[arg-type]


def buy(qty: float, price: float = 0.0, tif: TimeInForce = TimeInForce.DAY) -> OrderRequest:
    order_type = OrderType.LIMIT if price else OrderType.MARKET
    return OrderRequest("paper", TEST_SYMBOL, Side.BUY, qty, order_type, price, tif)


def test_market_fills_at_opposite_best_with_commission() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.98, 10.02))
        order_id = engine.submit(buy(100))
        sell = engine.submit(OrderRequest("paper", TEST_SYMBOL, Side.SELL, 40))
        order = engine.order_book.get(order_id)
        assert order.status is OrderStatus.FILLED and order.average_price == 10.02
        assert engine.order_book.get(sell).average_price == 9.98
        account = engine.portfolio.account("paper")
        assert account.commission == (100 * 10.02 + 40 * 9.98) * 0.001

    run(scenario, commission_rate=0.001)


def test_limit_rests_until_crossed_and_can_be_cancelled() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.98, 10.02))
        resting = engine.submit(buy(10, 9.95))
        other = engine.submit(buy(10, 9.90))
        assert engine.order_book.get(resting).status is OrderStatus.ACCEPTED
        feed.push(quote(9.95, 9.93, 9.95))
        assert engine.order_book.get(resting).status is OrderStatus.FILLED
        assert engine.order_book.get(resting).average_price == 9.95
        assert engine.order_book.get(other).status is OrderStatus.ACCEPTED
        engine.cancel(other)
        assert engine.order_book.get(other).status is OrderStatus.CANCELLED
        feed.push(quote(9.80, 9.79, 9.81))
        assert engine.order_book.get(other).filled_quantity == 0

    run(scenario)


def test_ioc_that_cannot_fill_is_cancelled_and_no_quote_is_rejected() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        # A limit order: a market order without a quote is refused before the broker (its
        # notional and cost cannot be checked without a price).
        early = engine.submit(buy(1, 10.0))
        assert engine.order_book.get(early).status is OrderStatus.REJECTED
        assert engine.order_book.get(early).reason == f"no quote for {TEST_SYMBOL} yet"
        market = engine.submit(buy(1))
        assert engine.order_book.get(market).reason.endswith(
            f"cannot be checked: no usable last price of {TEST_SYMBOL} (none yet) to value a "
            "market order"
        )
        feed.push(quote(10.0, 9.98, 10.02))
        ioc = engine.submit(buy(1, 9.0, TimeInForce.IOC))
        order = engine.order_book.get(ioc)
        assert order.status is OrderStatus.CANCELLED and "IOC" in order.reason

    run(scenario)


def test_latency_delays_the_fill() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.98, 10.02))
        order_id = engine.submit(buy(1))
        assert engine.order_book.get(order_id).status is OrderStatus.SUBMITTED
        await asyncio.sleep(0.1)
        assert engine.order_book.get(order_id).status is OrderStatus.FILLED

    run(scenario, latency_ms=20.0)


def order_of(engine: Engine, order_id: str):  # type: ignore[no-untyped-def]
    return engine.order_book.get(order_id)


def test_market_order_walks_the_depth_and_finishes_on_later_quotes() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(book(10.0, [(9.99, 5)], [(10.01, 3), (10.02, 4)]))
        order_id = engine.submit(buy(10))
        order = order_of(engine, order_id)
        assert order.status is OrderStatus.PARTIALLY_FILLED and order.filled_quantity == 7
        assert order.average_price == (3 * 10.01 + 4 * 10.02) / 7
        feed.push(book(10.0, [(9.99, 5)], [(10.03, 50)]))
        order = order_of(engine, order_id)
        assert order.status is OrderStatus.FILLED
        assert [f.quantity for f in engine.store.fills()] == [3, 4, 3]  # type: ignore[union-attr]

    run(scenario)


def test_limit_takes_what_crosses_and_rests_for_the_rest() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(book(10.0, [(9.99, 5)], [(10.01, 3), (10.02, 4), (10.05, 100)]))
        order_id = engine.submit(buy(10, 10.02))
        order = order_of(engine, order_id)
        assert order.filled_quantity == 7 and order.status is OrderStatus.PARTIALLY_FILLED
        feed.push(book(10.0, [(9.99, 5)], [(10.03, 100)]))
        assert order_of(engine, order_id).filled_quantity == 7  # above the limit: no fill
        feed.push(book(10.0, [(9.99, 5)], [(10.00, 100)]))
        order = order_of(engine, order_id)
        assert order.status is OrderStatus.FILLED
        assert order.average_price == (3 * 10.01 + 4 * 10.02 + 3 * 10.00) / 10

    run(scenario)


def test_fok_fills_all_or_nothing() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(book(10.0, [(9.99, 5)], [(10.01, 3), (10.02, 4)]))
        refused = engine.submit(buy(10, 10.02, TimeInForce.FOK))
        order = order_of(engine, refused)
        assert order.status is OrderStatus.CANCELLED and order.filled_quantity == 0
        assert order.reason == "FOK: only 7 of 10 available at once"
        done = engine.submit(buy(7, 10.02, TimeInForce.FOK))
        assert order_of(engine, done).status is OrderStatus.FILLED

    run(scenario)


def test_ioc_keeps_what_filled_and_cancels_the_rest() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(book(10.0, [(9.99, 5)], [(10.01, 3), (10.02, 4)]))
        order_id = engine.submit(buy(10, 10.01, TimeInForce.IOC))
        order = order_of(engine, order_id)
        assert order.status is OrderStatus.CANCELLED and order.filled_quantity == 3
        assert order.reason == "IOC limit 10.01: 7 of 10 not filled at once"

    run(scenario)


def test_stop_and_stop_limit_wait_for_their_trigger() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.99, 10.01))
        stop = engine.submit(
            OrderRequest("paper", TEST_SYMBOL, Side.SELL, 5, OrderType.STOP, trigger_price=9.50)
        )
        stop_limit = engine.submit(
            OrderRequest(
                "paper",
                TEST_SYMBOL,
                Side.BUY,
                5,
                OrderType.STOP_LIMIT,
                price=10.60,
                trigger_price=10.50,
            )
        )
        feed.push(quote(9.80, 9.79, 9.81))
        assert order_of(engine, stop).status is OrderStatus.ACCEPTED
        feed.push(quote(9.50, 9.48, 9.52))
        assert order_of(engine, stop).status is OrderStatus.FILLED
        assert order_of(engine, stop).average_price == 9.48
        feed.push(quote(10.50, 10.70, 10.72))  # triggered, but the ask is above the limit
        assert order_of(engine, stop_limit).status is OrderStatus.ACCEPTED
        feed.push(quote(10.55, 10.54, 10.58))
        assert order_of(engine, stop_limit).status is OrderStatus.FILLED
        assert order_of(engine, stop_limit).average_price == 10.58
        missing = engine.submit(OrderRequest("paper", TEST_SYMBOL, Side.BUY, 1, OrderType.STOP))
        assert order_of(engine, missing).reason == "trigger price must be positive, got 0"

    run(scenario)


def test_slippage_and_commission_rules() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.99, 10.01))
        order_id = engine.submit(buy(100))
        assert order_of(engine, order_id).average_price == 10.03  # 2 ticks of 0.01 worse
        (fill,) = engine.store.fills()  # type: ignore[union-attr]
        assert fill.commission == 5.0  # the minimum, over 100 * 10.03 * 0.001

    run(scenario, slippage_ticks=2, commissions={"X": {"rate": 0.001, "minimum": 5.0}})


def test_restart_keeps_orders_fills_positions_and_working_orders() -> None:
    async def first(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.99, 10.01))
        engine.submit(buy(10))
        engine.submit(buy(5, 9.00))  # rests

    first_engine = run(first)
    filled, resting = first_engine.order_book.all()

    async def second(engine: Engine, feed: ManualFeed) -> None:
        assert engine.order_book.get(filled.order_id).status is OrderStatus.FILLED
        assert engine.portfolio.quantity("paper", TEST_SYMBOL) == 10
        assert engine.order_book.get(resting.order_id).status is OrderStatus.ACCEPTED
        feed.push(quote(9.0, 8.99, 9.00))  # the restored resting order fills now
        assert engine.order_book.get(resting.order_id).status is OrderStatus.FILLED
        assert engine.portfolio.quantity("paper", TEST_SYMBOL) == 15
        account = engine.portfolio.account("paper")
        assert account.cash == 1_000_000 - 10 * 10.01 - 5 * 9.00 - account.commission

    run(second)


def test_a_quote_with_no_last_price_fills_nothing_at_zero_and_triggers_no_stop() -> None:
    """Suspended (no book, no last) and before the open: NO_LAST is not a price."""

    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.98, 10.02))
        stop = engine.submit(
            OrderRequest("paper", TEST_SYMBOL, Side.SELL, 10, OrderType.STOP, 0.0,
                         trigger_price=9.5)
        )  # fmt: skip
        feed.push(Tick(TEST_SYMBOL, 2, NO_LAST, 0.0, prev_close=10.0))  # suspended
        assert engine.order_book.get(stop).status is OrderStatus.ACCEPTED  # not triggered
        market = engine.submit(buy(10))
        assert engine.order_book.get(market).status is not OrderStatus.FILLED
        assert engine.market.last_price(TEST_SYMBOL) == 10.0  # the previous close

    run(scenario)
