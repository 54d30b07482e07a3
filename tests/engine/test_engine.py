"""Engine lifecycle, order routing and isolation of failing plugins (plain asyncio, no Qt)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from terminal.domain.enums import OrderStatus, OrderType, PluginKind, PluginState, Side
from terminal.domain.events import (
    CancelOrder,
    CommandRejected,
    OrderEvent,
    StartStrategy,
    SubmitOrder,
)
from terminal.domain.orders import OrderRequest
from terminal.engine.engine import Engine
from tests.engine.helpers import (
    TEST_SYMBOL,
    BrokenStartFeed,
    HangingStopBroker,
    ManualFeed,
    RaisingBroker,
    config_with,
    quote,
    registry_with,
)

FEED = {"name": "manual", "plugin": "manual"}
PAPER = {"name": "paper", "plugin": "paper"}


def make_engine(feeds: list[dict] | None = None, brokers: list[dict] | None = None) -> Engine:
    registry = registry_with(ManualFeed, BrokenStartFeed, RaisingBroker, HangingStopBroker)
    return Engine(config_with(feeds or [FEED], brokers or [PAPER]), registry)


def test_start_runs_feeds_and_brokers_and_stop_cancels_tracked_tasks() -> None:
    async def scenario() -> None:
        engine = make_engine()
        await engine.start()
        assert engine.running and set(engine.feeds) == {"manual"}
        assert set(engine.brokers) == {"paper"}
        sleeper = engine.spawn(asyncio.sleep(3600), "sleeper")
        await engine.stop()
        assert sleeper.cancelled()
        assert not engine.tasks
        assert not engine.running

    asyncio.run(scenario())


def test_failed_task_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    async def boom() -> None:
        raise ValueError("bad quote")

    async def scenario() -> None:
        engine = make_engine()
        await engine.start()
        task = engine.spawn(boom(), "parser")
        await asyncio.sleep(0.01)
        assert task.done()
        await engine.stop()

    with caplog.at_level(logging.ERROR):
        asyncio.run(scenario())
    assert "task parser failed: ValueError: bad quote" in caplog.text


def test_feed_failing_to_start_is_reported_and_the_rest_runs() -> None:
    async def scenario() -> Engine:
        engine = make_engine([{"name": "bad", "plugin": "broken_start"}, FEED])
        await engine.start()
        await engine.stop()
        return engine

    engine = asyncio.run(scenario())
    assert "manual" in engine.feeds and "bad" not in engine.feeds
    failed = engine.registry.failed()
    assert [(r.kind, r.name) for r in failed] == [(PluginKind.FEED, "broken_start")]
    assert "ConnectionError: vendor unreachable" in failed[0].reason


def test_unknown_plugin_and_bad_options_are_reported() -> None:
    async def scenario() -> Engine:
        engine = make_engine(
            [{"name": "x", "plugin": "nonexistent"}, FEED],
            [{"name": "paper", "plugin": "paper", "options": {"initial_cash": "lots"}}],
        )
        await engine.start()
        await engine.stop()
        return engine

    engine = asyncio.run(scenario())
    reasons = {r.name: r.reason for r in engine.registry.failed()}
    assert "no feed plugin named 'nonexistent'" in reasons["x"]
    assert "initial_cash = 'lots'" in reasons["paper"]
    assert "Expected `float`" in reasons["paper"]


def test_order_flow_through_paper_broker_and_raising_broker_isolated() -> None:
    async def scenario() -> Engine:
        engine = make_engine(brokers=[PAPER, {"name": "flaky", "plugin": "raising"}])
        await engine.start()
        feed = engine.feeds["manual"]
        assert isinstance(feed, ManualFeed)
        feed.push(quote(10.0, 9.99, 10.01))
        good = engine.submit(OrderRequest("paper", TEST_SYMBOL, Side.BUY, 5))
        bad = engine.submit(OrderRequest("flaky", TEST_SYMBOL, Side.BUY, 5))
        again = engine.submit(OrderRequest("paper", TEST_SYMBOL, Side.SELL, 2))
        await engine.stop()
        assert engine.order_book.get(good).status is OrderStatus.FILLED
        assert engine.order_book.get(good).average_price == 10.01
        rejected = engine.order_book.get(bad)
        assert rejected.status is OrderStatus.REJECTED
        assert "broker flaky raised: gateway down" in rejected.reason
        assert engine.order_book.get(again).status is OrderStatus.FILLED
        assert engine.portfolio.quantity("paper", TEST_SYMBOL) == 3
        return engine

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (OrderRequest("nobroker", TEST_SYMBOL, Side.BUY, 1), "unknown broker 'nobroker'"),
        (OrderRequest("paper", "NOPE", Side.BUY, 1), "unknown symbol 'NOPE'"),
        (OrderRequest("paper", TEST_SYMBOL, Side.BUY, 0), "quantity must be positive, got 0"),
        (
            OrderRequest("paper", TEST_SYMBOL, Side.BUY, 1, OrderType.LIMIT, price=-1),
            "limit price must be positive, got -1",
        ),
    ],
)
def test_bad_orders_are_rejected_with_the_field_and_value(
    request_: OrderRequest, reason: str
) -> None:
    async def scenario() -> None:
        engine = make_engine()
        await engine.start()
        events: list[OrderEvent] = []
        engine.bus.subscribe(OrderEvent, events.append)
        order_id = engine.submit(request_)
        await engine.stop()
        order = engine.order_book.get(order_id)
        assert order.status is OrderStatus.REJECTED
        assert order.reason == reason
        assert events[-1].order.status is OrderStatus.REJECTED

    asyncio.run(scenario())


def test_a_broker_that_hangs_on_stop_does_not_hang_shutdown(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr("terminal.engine.plugins.lifecycle.STOP_TIMEOUT_S", 0.2)

    async def scenario() -> None:
        engine = make_engine(brokers=[PAPER, {"name": "stuck", "plugin": "hanging_stop"}])
        await engine.start()
        await asyncio.wait_for(engine.stop(), 5)

    with caplog.at_level(logging.ERROR):
        asyncio.run(scenario())
    assert "broker stuck did not stop cleanly: TimeoutError" in caplog.text


def test_plugin_reports_for_shipped_plugins() -> None:
    engine = make_engine()
    loaded = {(r.kind, r.name) for r in engine.registry.reports if r.state is PluginState.LOADED}
    assert {
        (PluginKind.FEED, "simulated"),
        (PluginKind.BROKER, "paper"),
        (PluginKind.STRATEGY, "sma_cross"),
    } <= loaded


def test_commands_are_carried_out_and_a_refusal_is_published() -> None:
    async def scenario() -> list[CommandRejected]:
        engine = make_engine()
        await engine.start()
        rejected: list[CommandRejected] = []
        engine.bus.subscribe(CommandRejected, rejected.append)
        feed = engine.feeds["manual"]
        assert isinstance(feed, ManualFeed)
        feed.push(quote(10.0, 9.99, 10.01))
        request = OrderRequest("paper", TEST_SYMBOL, Side.BUY, 1, OrderType.LIMIT, price=9.0)
        engine.bus.publish(SubmitOrder("C-1", request))
        engine.bus.publish(SubmitOrder("C-1", request))
        assert engine.order_book.get("C-1").status.is_working
        engine.bus.publish(CancelOrder("C-1"))
        engine.bus.publish(StartStrategy("no-such-instance"))
        await engine.stop()
        assert engine.order_book.get("C-1").status is OrderStatus.CANCELLED
        return rejected

    rejected = asyncio.run(scenario())
    assert [(r.command, r.reason) for r in rejected][:1] == [
        ("SubmitOrder", "order id C-1 is already in use")
    ]
    assert rejected[1].command == "StartStrategy" and "no-such-instance" in rejected[1].reason
