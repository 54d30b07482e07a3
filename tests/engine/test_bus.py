"""The event bus: typed routing, isolation of raising handlers, changes during dispatch."""

from __future__ import annotations

import logging

import msgspec
import pytest

from terminal.engine.bus import EventBus


class Ping(msgspec.Struct, frozen=True):
    n: int


class Pong(msgspec.Struct, frozen=True):
    n: int


def test_routes_by_exact_type_in_subscription_order() -> None:
    bus = EventBus()
    seen: list[str] = []
    bus.subscribe(Ping, lambda e: seen.append(f"a{e.n}"))
    bus.subscribe(Ping, lambda e: seen.append(f"b{e.n}"))
    bus.subscribe(Pong, lambda e: seen.append(f"pong{e.n}"))
    bus.publish(Ping(1))
    bus.publish(Pong(2))
    assert seen == ["a1", "b1", "pong2"]


def test_raising_handler_is_logged_counted_and_dispatch_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = EventBus()
    seen: list[int] = []

    def broken(event: Ping) -> None:
        raise RuntimeError("boom")

    bus.subscribe(Ping, broken)
    bus.subscribe(Ping, lambda e: seen.append(e.n))
    with caplog.at_level(logging.ERROR, logger="terminal.bus"):
        bus.publish(Ping(1))
        bus.publish(Ping(2))
    assert seen == [1, 2]
    assert (
        bus.errors["test_raising_handler_is_logged_counted_and_dispatch_goes_on.<locals>.broken"]
        == 2
    )
    assert "broken raised on Ping" in caplog.text
    assert "RuntimeError: boom" in caplog.text


def test_unsubscribe_during_dispatch_is_safe() -> None:
    bus = EventBus()
    seen: list[str] = []
    unsubscribe_b = bus.subscribe(Ping, lambda e: (seen.append("a"), unsubscribe_b()))
    unsubscribe_b = bus.subscribe(Ping, lambda e: seen.append("b"))
    bus.publish(Ping(1))
    bus.publish(Ping(2))
    assert seen == ["a", "b", "a"]


def test_event_without_subscribers_is_dropped_quietly() -> None:
    EventBus().publish(Ping(1))


def test_bracket_next_wraps_one_event_only() -> None:
    bus = EventBus()
    calls: list[str] = []
    bus.subscribe(int, lambda n: calls.append(f"handler {n}"))
    bus.bracket_next(
        int, lambda n: calls.append(f"before {n}"), lambda n: calls.append(f"after {n}")
    )
    bus.publish(1)
    bus.publish(2)
    assert calls == ["before 1", "handler 1", "after 1", "handler 2"]
