"""Today / yesterday parts of positions: futures close rules, stock T+1, broker failures."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from terminal.domain.enums import ConnectionStatus, Offset, OrderStatus, OrderType, Side
from terminal.domain.orders import Order, OrderRequest
from terminal.engine.clock import ManualClock
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.engine.portfolio.position_days import DaySplit
from tests.engine.helpers import (
    TEST_SYMBOL,
    ManualFeed,
    RaisingBroker,
    quote,
    registry_with,
)

MONDAY, TUESDAY = date(2026, 11, 23), date(2026, 11, 24)


def test_day_split_rolls_and_closes_in_the_right_order() -> None:
    split = DaySplit()
    split.book(MONDAY, 5, Offset.OPEN, today_first=False)
    assert split.as_of(MONDAY) == (5, 0)
    assert split.as_of(TUESDAY) == (0, 5)
    split.book(TUESDAY, 3, Offset.OPEN, today_first=False)
    assert (split.today, split.yesterday) == (3, 5)
    split.book(TUESDAY, -2, Offset.CLOSE, today_first=False)  # earlier days' first
    assert (split.today, split.yesterday) == (3, 3)
    split.book(TUESDAY, -2, Offset.CLOSE, today_first=True)  # exchange prices today first
    assert (split.today, split.yesterday) == (1, 3)
    split.book(TUESDAY, -1, Offset.CLOSE_YESTERDAY, today_first=True)
    assert (split.today, split.yesterday) == (1, 2)
    split.book(TUESDAY, -5, Offset.CLOSE_TODAY, today_first=False)  # through zero: -2 opens
    assert (split.today, split.yesterday) == (-2, 0)
    assert split.today + split.yesterday == -2


class HangingBroker(RaisingBroker):
    """Takes orders and never answers (a hung gateway)."""

    plugin_name = "hanging"

    def submit(self, order: Order) -> None:
        pass


def make_engine(clock: ManualClock | None = None, **engine_options: object) -> Engine:
    config = load_config(overrides={
        "feeds": [{"name": "manual", "plugin": "manual"}],
        "brokers": [{"name": "paper", "plugin": "paper"}, {"name": "slow", "plugin": "hanging"}],
        "engine": engine_options,
    })
    return Engine(config, registry_with(ManualFeed, HangingBroker), clock)


def buy(quantity: float, side: Side = Side.BUY, broker: str = "paper") -> OrderRequest:
    return OrderRequest(broker, TEST_SYMBOL, side, quantity)


def test_positions_show_today_and_yesterday_and_t_plus_one_blocks_todays_shares() -> None:
    monday_10am = 1_795_000_000_000_000_000  # any instant; the day is what matters
    clock = ManualClock(monday_10am)

    async def scenario() -> None:
        engine = make_engine(clock, t_plus_one=["X"])
        await engine.start()
        feed = engine.feeds["manual"]
        assert isinstance(feed, ManualFeed)
        feed.push(quote(10.0, 9.99, 10.01))
        engine.submit(buy(300))
        (position,) = engine.portfolio.positions()
        assert (position.today_quantity, position.yesterday_quantity) == (300, 0)
        refused = engine.order_book.get(engine.submit(buy(100, Side.SELL)))
        assert refused.status is OrderStatus.REJECTED
        assert refused.reason == (f"T+1: only 0 of {TEST_SYMBOL} can be sold today "
                                  "(shares bought today settle next trading day)")
        clock.advance(24 * 3600 * 1_000_000_000)  # the next day
        (position,) = engine.portfolio.positions()
        assert (position.today_quantity, position.yesterday_quantity) == (0, 300)
        sold = engine.order_book.get(engine.submit(buy(100, Side.SELL)))
        assert sold.status is OrderStatus.FILLED
        (position,) = engine.portfolio.positions()
        assert (position.today_quantity, position.yesterday_quantity) == (0, 200)
        await engine.stop()

    asyncio.run(scenario())


def test_broker_disconnect_and_silence_are_written_on_its_orders() -> None:
    async def scenario() -> None:
        engine = make_engine(ack_timeout_s=0.2)
        await engine.start()
        feed = engine.feeds["manual"]
        assert isinstance(feed, ManualFeed)
        feed.push(quote(10.0, 9.99, 10.01))
        silent = engine.submit(buy(1, broker="slow"))
        resting = engine.submit(OrderRequest("paper", TEST_SYMBOL, Side.BUY, 1,
                                             OrderType.LIMIT, price=5.0))
        await asyncio.sleep(0.6)
        order = engine.order_book.get(silent)
        assert order.status is OrderStatus.SUBMITTED
        assert order.reason.startswith("no acknowledgement from broker slow after ")
        engine.brokers["paper"].context.set_status(ConnectionStatus.DISCONNECTED, "socket reset")
        order = engine.order_book.get(resting)
        assert order.status is OrderStatus.ACCEPTED  # unknown, not invented
        assert order.reason == ("broker paper disconnected: socket reset; "
                                "state unknown until it reconnects")
        refused = engine.order_book.get(engine.submit(buy(1)))
        assert refused.reason == "broker paper is disconnected: socket reset"
        assert engine.order_book.get(engine.submit(buy(1, broker="slow"))).reason == ""
        await engine.stop()

    asyncio.run(scenario())


@pytest.mark.parametrize("exchange_rule", [[], ["X"]])
def test_close_order_follows_the_exchange_rule(exchange_rule: list[str]) -> None:
    clock = ManualClock(1_795_000_000_000_000_000)

    async def scenario() -> None:
        engine = make_engine(clock, close_today_first=exchange_rule)
        await engine.start()
        feed = engine.feeds["manual"]
        assert isinstance(feed, ManualFeed)
        feed.push(quote(10.0, 9.99, 10.01))
        engine.submit(buy(2))
        clock.advance(24 * 3600 * 1_000_000_000)
        engine.submit(buy(3))
        engine.submit(OrderRequest("paper", TEST_SYMBOL, Side.SELL, 1))  # a plain close
        (position,) = engine.portfolio.positions()
        expected = (2, 2) if exchange_rule else (3, 1)
        assert (position.today_quantity, position.yesterday_quantity) == expected
        await engine.stop()

    asyncio.run(scenario())
