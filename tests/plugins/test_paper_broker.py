"""The paper broker fills against the live quote through the real engine."""

from __future__ import annotations

import asyncio

from terminal.domain.enums import OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.orders import OrderRequest
from terminal.engine.engine import Engine
from tests.engine.helpers import TEST_SYMBOL, ManualFeed, config_with, quote, registry_with


def run(scenario: object, **paper_options: object) -> Engine:
    async def main() -> Engine:
        engine = Engine(
            config_with(
                [{"name": "manual", "plugin": "manual"}],
                [{"name": "paper", "plugin": "paper", "options": paper_options}],
            ),
            registry_with(ManualFeed),
        )
        await engine.start()
        feed = engine.feeds["manual"]
        assert isinstance(feed, ManualFeed)
        await scenario(engine, feed)  # type: ignore[operator]
        await engine.stop()
        return engine

    return asyncio.run(main())


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
        early = engine.submit(buy(1))
        assert engine.order_book.get(early).status is OrderStatus.REJECTED
        assert engine.order_book.get(early).reason == f"no quote for {TEST_SYMBOL} yet"
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
