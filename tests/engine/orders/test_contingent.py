"""Brackets, OCO groups and trailing stops through the real engine and the paper broker."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from plugins.brokers.paper import PaperBroker
from terminal.domain.contingent import (
    ContingentEvent,
    ModifyOrder,
    SubmitBracket,
    SubmitOco,
    SubmitTrailingStop,
    Trail,
)
from terminal.domain.enums import LegState, OrderStatus, OrderType, Side
from terminal.domain.events import CancelOrder, CommandRejected, SubmitOrder
from terminal.domain.market import Tick
from terminal.domain.orders import OrderRequest
from terminal.engine.broker import Broker
from terminal.engine.engine import Engine
from tests.engine.helpers import (
    TEST_SYMBOL,
    ManualFeed,
    book,
    config_with,
    quote,
    registry_with,
    run_on_paper,
)

Scenario = Callable[[Engine, ManualFeed], Awaitable[None]]


class Feed:
    """The manual feed, each tick published before the next line runs (the conflator would
    queue a burst for the next loop turn)."""

    def __init__(self, engine: Engine, feed: ManualFeed) -> None:
        self._engine, self._feed = engine, feed

    def push(self, tick: Tick) -> None:
        self._feed.push(tick)
        self._engine.conflator.flush()


def run(scenario: Scenario, **paper_options: object) -> Engine:
    return run_on_paper(lambda engine, feed: scenario(engine, Feed(engine, feed)),  # type: ignore[arg-type]
                        **paper_options)  # fmt: skip


def request(side: Side, quantity: float, price: float = 0.0, trigger: float = 0.0) -> OrderRequest:
    order_type = OrderType.STOP if trigger else OrderType.LIMIT if price else OrderType.MARKET
    return OrderRequest("paper", TEST_SYMBOL, side, quantity, order_type, price,
                        trigger_price=trigger)  # fmt: skip


def status(engine: Engine, order_id: str) -> OrderStatus | None:
    order = engine.order_book.get(order_id)
    return order.status if order is not None else None


def rejections(engine: Engine) -> list[CommandRejected]:
    seen: list[CommandRejected] = []
    engine.bus.subscribe(CommandRejected, seen.append)
    return seen


def test_bracket_exits_go_live_on_the_fill_and_the_stop_cancels_the_take_profit() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        events: list[ContingentEvent] = []
        engine.bus.subscribe(ContingentEvent, events.append)
        feed.push(quote(10.0, 9.99, 10.01))
        engine.bus.publish(SubmitBracket("E1", request(Side.BUY, 100, 9.90), 10.50, 9.50))
        group = engine.contingent.group_of("E1")
        assert group is not None and [leg.state for leg in group.legs] == [LegState.WAITING] * 2
        assert engine.order_book.get("E1-TP") is None  # no broker has an exit yet
        feed.push(quote(9.90, 9.88, 9.90))  # the entry fills
        assert status(engine, "E1") is OrderStatus.FILLED
        take_profit, stop_loss = engine.order_book.get("E1-TP"), engine.order_book.get("E1-SL")
        assert take_profit is not None and stop_loss is not None
        assert (take_profit.side, take_profit.order_type, take_profit.price) == (
            Side.SELL, OrderType.LIMIT, 10.50)
        assert (stop_loss.order_type, stop_loss.trigger_price, stop_loss.quantity) == (
            OrderType.STOP, 9.50, 100)
        feed.push(quote(9.45, 9.44, 9.46))  # the stop is hit
        assert status(engine, "E1-SL") is OrderStatus.FILLED
        assert status(engine, "E1-TP") is OrderStatus.CANCELLED
        assert engine.contingent.groups() == []
        assert events[-1].group.done and events[-1].group.reason == "stop-loss E1-SL filled"
        assert engine.portfolio.quantity("paper", TEST_SYMBOL) == 0

    run(scenario)


def test_partial_fills_size_the_exits() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.99, 10.01))
        engine.bus.publish(SubmitBracket("E2", request(Side.BUY, 100, 10.0), 10.5, 9.5))
        feed.push(book(10.0, [(9.98, 100)], [(10.0, 40), (10.02, 500)]))  # 40 of 100 fill
        assert engine.order_book.get("E2").filled_quantity == 40
        assert engine.order_book.get("E2-TP").quantity == 40
        assert engine.order_book.get("E2-SL").quantity == 40
        feed.push(book(10.0, [(9.98, 100)], [(10.0, 25), (10.02, 500)]))  # 25 more
        assert engine.order_book.get("E2-TP").quantity == 65
        assert engine.order_book.get("E2-SL").quantity == 65
        # The take-profit fills 30 of 65: the stop-loss shrinks to what is still held.
        feed.push(book(10.5, [(10.5, 30)], [(10.6, 100)]))
        assert engine.order_book.get("E2-TP").filled_quantity == 30
        assert engine.order_book.get("E2-SL").quantity == 35
        assert engine.portfolio.quantity("paper", TEST_SYMBOL) == 35

    run(scenario)


def test_a_bracket_survives_a_restart_between_its_fill_and_its_stop() -> None:
    async def first(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.99, 10.01))
        engine.bus.publish(SubmitBracket("E3", request(Side.BUY, 10, 9.90), 10.50, 9.50))
        feed.push(quote(9.90, 9.88, 9.90))
        assert status(engine, "E3-SL") is OrderStatus.ACCEPTED

    async def second(engine: Engine, feed: ManualFeed) -> None:
        group = engine.contingent.group_of("E3")
        assert group is not None
        assert [leg.state for leg in group.legs] == [LegState.LIVE, LegState.LIVE]
        feed.push(quote(9.40, 9.39, 9.41))
        assert status(engine, "E3-SL") is OrderStatus.FILLED
        assert status(engine, "E3-TP") is OrderStatus.CANCELLED
        assert engine.contingent.groups() == []

    run(first)
    run(second)


def test_exits_waiting_for_their_entry_survive_a_restart_and_can_be_moved() -> None:
    async def first(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.99, 10.01))
        engine.bus.publish(SubmitBracket("E4", request(Side.BUY, 10, 9.80), 10.50, 9.50))

    async def second(engine: Engine, feed: ManualFeed) -> None:
        seen = rejections(engine)
        engine.bus.publish(ModifyOrder("E4-TP", price=10.80))
        engine.bus.publish(ModifyOrder("E4-SL", price=9.0))  # a stop has a trigger
        assert "a stop-loss has a trigger" in seen[-1].reason
        engine.bus.publish(CancelOrder("E4-SL"))
        feed.push(quote(9.80, 9.78, 9.80))
        assert engine.order_book.get("E4-TP").price == 10.80
        assert engine.order_book.get("E4-SL") is None  # cancelled before it was placed
        feed.push(quote(10.80, 10.80, 10.81))
        assert status(engine, "E4-TP") is OrderStatus.FILLED
        assert engine.contingent.groups() == []

    run(first)
    run(second)


def test_a_cancelled_entry_drops_its_exits() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.99, 10.01))
        engine.bus.publish(SubmitBracket("E5", request(Side.BUY, 10, 9.50), 10.5, 9.0))
        engine.bus.publish(CancelOrder("E5"))
        assert engine.contingent.groups() == []
        assert engine.order_book.get("E5-TP") is None

    run(scenario)


def test_bracket_refusals_name_the_field() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        seen = rejections(engine)
        feed.push(quote(10.0, 9.99, 10.01))
        engine.bus.publish(SubmitBracket("E6", request(Side.BUY, 10, 10.0), 9.5, 9.0))
        assert seen[-1].reason == ("bracket: take-profit 9.5 of a buy must be above the entry 10"
                                   ) and seen[-1].order_id == "E6"  # fmt: skip
        engine.bus.publish(SubmitBracket("E7", request(Side.SELL, 10, 10.0), 9.5, 9.7))
        assert seen[-1].reason == "bracket: stop-loss 9.7 of a sell must be above the entry 10"
        engine.bus.publish(SubmitBracket("E8", request(Side.BUY, 10, 10.0), 10.503, 9.0))
        assert seen[-1].reason == "take-profit: price 10.503 is not on the tick size 0.01"
        engine.bus.publish(SubmitBracket("E9", request(Side.BUY, 10, 10.0)))
        assert seen[-1].reason == "bracket: give a take-profit, a stop-loss or a trail"
        assert engine.order_book.all() == [] and engine.contingent.groups() == []

    run(scenario)


def test_oco_one_fill_cancels_the_other() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.99, 10.01))
        engine.submit(request(Side.BUY, 50))
        legs = [SubmitOrder("L", request(Side.SELL, 50, 10.50)),
                SubmitOrder("S", request(Side.SELL, 50, trigger=9.50))]  # fmt: skip
        engine.bus.publish(SubmitOco(legs))
        assert status(engine, "L") is OrderStatus.ACCEPTED
        assert status(engine, "S") is OrderStatus.ACCEPTED
        assert engine.contingent.group_of("S") == engine.contingent.group_of("L")
        feed.push(quote(10.50, 10.50, 10.52))
        assert status(engine, "L") is OrderStatus.FILLED
        assert status(engine, "S") is OrderStatus.CANCELLED
        assert engine.contingent.groups() == []

    run(scenario)


def test_oco_partial_fill_reduces_the_other() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.99, 10.01))
        engine.submit(request(Side.BUY, 50))
        legs = [SubmitOrder("L2", request(Side.SELL, 50, 10.50)),
                SubmitOrder("S2", request(Side.SELL, 50, trigger=9.5))]  # fmt: skip
        engine.bus.publish(SubmitOco(legs))
        feed.push(book(10.5, [(10.5, 20)], [(10.6, 100)]))
        assert engine.order_book.get("L2").filled_quantity == 20
        assert engine.order_book.get("S2").quantity == 30
        feed.push(quote(9.4, 9.39, 9.41))
        assert status(engine, "S2") is OrderStatus.FILLED
        assert status(engine, "L2") is OrderStatus.CANCELLED
        assert engine.portfolio.quantity("paper", TEST_SYMBOL) == 0

    run(scenario)


def test_trailing_stop_follows_the_price_and_only_up() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.99, 10.01))
        engine.submit(request(Side.BUY, 10))
        stop = OrderRequest("paper", TEST_SYMBOL, Side.SELL, 10, OrderType.STOP)
        engine.bus.publish(SubmitTrailingStop("T1", stop, Trail(distance=0.5)))
        assert engine.order_book.get("T1").trigger_price == 9.5
        feed.push(quote(10.3, 10.29, 10.31))
        assert engine.order_book.get("T1").trigger_price == 9.8
        feed.push(quote(10.1, 10.09, 10.11))  # back down: the stop stays
        assert engine.order_book.get("T1").trigger_price == 9.8
        feed.push(quote(10.62, 10.61, 10.63))
        assert engine.order_book.get("T1").trigger_price == 10.12
        feed.push(quote(10.10, 10.09, 10.11))
        assert status(engine, "T1") is OrderStatus.FILLED
        assert engine.order_book.get("T1").average_price == 10.09
        assert engine.contingent.groups() == []

    run(scenario)


def test_trailing_stop_by_percent_and_a_trailing_bracket() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(100.0, 99.99, 100.01))
        engine.bus.publish(SubmitBracket("E10", request(Side.BUY, 10), 0.0, 0.0,
                                         Trail(percent=2.0)))  # fmt: skip
        stop = engine.order_book.get("E10-SL")
        assert stop is not None and stop.trigger_price == 98.0  # 2% under 100.01, on the grid
        feed.push(quote(110.0, 109.99, 110.01))
        assert engine.order_book.get("E10-SL").trigger_price == 107.8
        # A person moves the stop: it trails from there, at the new distance.
        engine.bus.publish(ModifyOrder("E10-SL", trigger_price=108.9))
        feed.push(quote(120.0, 119.99, 120.01))
        assert engine.order_book.get("E10-SL").trigger_price == 118.8  # 1% now

    run(scenario)


def test_modify_a_working_limit_and_refusals() -> None:
    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        seen = rejections(engine)
        feed.push(quote(10.0, 9.99, 10.01))
        order_id = engine.submit(request(Side.BUY, 10, 9.5))
        engine.bus.publish(ModifyOrder(order_id, price=9.6, quantity=20))
        order = engine.order_book.get(order_id)
        assert (order.price, order.quantity, order.status) == (9.6, 20, OrderStatus.ACCEPTED)
        assert engine.store is not None
        assert next(o for o in engine.store.orders() if o.order_id == order_id).price == 9.6
        engine.bus.publish(ModifyOrder(order_id, trigger_price=9.0))
        assert seen[-1].reason.endswith("is a limit order: it has no trigger to change")
        engine.bus.publish(ModifyOrder(order_id, price=9.605))
        assert seen[-1].reason == f"modify {order_id}: price 9.605 is not on the tick size 0.01"
        engine.bus.publish(ModifyOrder(order_id, price=10.02))  # now crosses: fills at once
        assert status(engine, order_id) is OrderStatus.FILLED
        engine.bus.publish(ModifyOrder(order_id, price=9.0))
        assert seen[-1].reason.endswith("is filled: only a working order can be modified")

    run(scenario)


class StiffPaper(PaperBroker):
    """The paper broker without modifications: the base class's refusal."""

    plugin_name = "stiff"
    modifies = False
    modify = Broker.modify


def test_a_broker_that_cannot_modify_says_so_and_brackets_wait_for_the_entry() -> None:
    async def main() -> None:
        engine = Engine(
            config_with([{"name": "manual", "plugin": "manual"}],
                        [{"name": "paper", "plugin": "stiff"}]),
            registry_with(ManualFeed, StiffPaper),
        )  # fmt: skip
        await engine.start()
        feed = engine.feeds["manual"]
        assert isinstance(feed, ManualFeed)
        seen = rejections(engine)
        feed = Feed(engine, feed)  # type: ignore[assignment]
        feed.push(quote(10.0, 9.99, 10.01))
        order_id = engine.submit(request(Side.BUY, 10, 9.5))
        engine.bus.publish(ModifyOrder(order_id, price=9.6))
        assert seen[-1].reason == (
            "broker paper cannot modify orders: cancel the order and place a new one"
        )
        stop = OrderRequest("paper", TEST_SYMBOL, Side.SELL, 10, OrderType.STOP)
        engine.bus.publish(SubmitTrailingStop("T2", stop, Trail(distance=0.5)))
        assert seen[-1].reason.startswith("trailing stop: broker paper cannot modify orders")
        # Exits cannot be resized here: they go live once the entry is done, at its size.
        engine.bus.publish(SubmitBracket("E11", request(Side.BUY, 100, 10.0), 10.5, 9.5))
        feed.push(book(10.0, [(9.98, 100)], [(10.0, 40), (10.02, 500)]))
        assert engine.order_book.get("E11").filled_quantity == 40
        assert engine.order_book.get("E11-TP") is None
        engine.bus.publish(CancelOrder("E11"))
        assert engine.order_book.get("E11-TP").quantity == 40
        await engine.stop()

    asyncio.run(main())


@pytest.mark.parametrize("trail", [Trail(), Trail(1, 1), Trail(percent=100)])
def test_bad_trails_are_refused(trail: Trail) -> None:
    assert trail.problem()


def test_an_oco_pair_selling_what_is_held_needs_no_collateral() -> None:
    """Both orders sell the same shares, but only one of them can: the cash check counts the
    second's sale as covered (it failed before: "sells 100 short, needing collateral")."""

    async def scenario(engine: Engine, feed: ManualFeed) -> None:
        feed.push(quote(10.0, 9.99, 10.01))
        engine.submit(request(Side.BUY, 100))
        assert engine.portfolio.account("paper").cash < 100
        legs = [SubmitOrder("L3", request(Side.SELL, 100, 10.50)),
                SubmitOrder("S3", request(Side.SELL, 100, trigger=9.50))]  # fmt: skip
        engine.bus.publish(SubmitOco(legs))
        assert status(engine, "S3") is OrderStatus.ACCEPTED, engine.order_book.get("S3")

    run(scenario, initial_cash=1100.0)
