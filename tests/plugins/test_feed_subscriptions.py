"""Symbols come and go while the Sina/QQ feeds run (#16.5), and the feeds poll by the clock
(#16.7), against a local server answering in the vendors' formats."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from terminal.adapters.quotes.feeds import QQQuoteFeed
from terminal.adapters.quotes.http_feed import HttpQuoteOptions
from terminal.domain.enums import ConnectionStatus
from terminal.engine.clock import ManualClock
from tests.aio import run
from tests.plugins.feed_context import RecordingContext
from tests.plugins.quote_samples import qq_payload
from tests.plugins.vendor_server import VendorState, vendor_server


def shanghai(text: str) -> int:
    moment = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    return int(moment.timestamp()) * 1_000_000_000


def qq_feed(base: str, context: RecordingContext, **options: Any) -> QQQuoteFeed:
    defaults: dict[str, Any] = {"interval_s": 0.05, "min_interval_s": 0.01, "recheck_s": 0.02}
    opts = msgspec.convert({**defaults, "url": base + "/q=", **options}, HttpQuoteOptions)
    return QQQuoteFeed("qq", context, opts)


def serve(state: VendorState, *codes: str) -> None:
    for code in codes:
        state.qq[code] = qq_payload(code=code[2:])


def codes_asked(state: VendorState, since: int = 0) -> set[str]:
    return {code for path, _ in state.requests[since:] for code in path[3:].split(",")}


def test_codes_are_added_and_dropped_while_running() -> None:
    with vendor_server() as (base, state):
        serve(state, "sh600000", "sz000001", "bj430047")
        context = RecordingContext()
        feed = qq_feed(base, context, symbols=["600000.SSE"])

        async def scenario() -> None:
            await feed.start()
            await context.wait_for(lambda: len(context.ticks) == 1)
            taken = feed.subscribe(["000001.SZSE", "430047.BSE", "BTCUSDT.BINANCE"])
            assert [i.symbol for i in taken] == ["000001.SZSE", "430047.BSE"]
            assert taken[1].lot_size == 1 and taken[1].min_quantity == 100  # BSE's rule
            await context.wait_for(lambda: len(context.ticks) == 3, timeout=2)
            feed.unsubscribe(["000001.SZSE"])
            mark = len(state.requests)
            await context.wait_for(lambda: len(state.requests) >= mark + 3)
            assert codes_asked(state, mark + 1) == {"sh600000", "bj430047"}
            feed.subscribe(["000001.SZSE"])  # back: its unchanged quote is published again
            await context.wait_for(lambda: len(context.ticks) == 4, timeout=2)
            await feed.stop()

        run(scenario())
    assert [t.symbol for t in context.ticks] == [
        "600000.SSE", "000001.SZSE", "430047.BSE", "000001.SZSE"
    ]  # fmt: skip


def test_outside_hours_one_poll_fills_the_watch_then_it_waits_for_the_auction() -> None:
    with vendor_server() as (base, state):
        serve(state, "sh600000", "sz000001")
        clock = ManualClock(shanghai("2024-01-02 08:00:00"))  # a Tuesday, before the auction
        context = RecordingContext(clock, real_sessions=True)
        feed = qq_feed(base, context, symbols=["600000.SSE"])

        async def scenario() -> None:
            await feed.start()
            await context.wait_for(lambda: context.status is ConnectionStatus.CLOSED)
            assert context.statuses[-1] == (ConnectionStatus.CLOSED, "next poll 09:15")
            assert len(context.ticks) == 1
            asked = len(state.requests)
            await asyncio.sleep(0.3)  # fifteen rechecks of the clock: no request
            assert len(state.requests) == asked
            feed.subscribe(["000001.SZSE"])  # fetched at once, alone, though closed
            await context.wait_for(lambda: len(context.ticks) == 2)
            assert codes_asked(state, asked) == {"sz000001"}
            clock.set(shanghai("2024-01-02 09:15:30"))  # the opening call auction
            await context.wait_for(lambda: context.status is ConnectionStatus.LIVE)
            polls = len(state.requests)
            await context.wait_for(lambda: len(state.requests) >= polls + 3)
            clock.set(shanghai("2024-01-02 11:33:00"))  # lunch
            await context.wait_for(lambda: context.status is ConnectionStatus.CLOSED)
            assert context.statuses[-1] == (ConnectionStatus.CLOSED, "next poll 13:00")
            clock.set(shanghai("2024-01-05 15:10:00"))  # Friday after the close
            await context.wait_for(lambda: context.statuses[-1][1] == "next poll Mon 09:15")
            await feed.stop()

        run(scenario())


def test_a_failed_first_poll_outside_hours_is_retried_until_the_watch_is_filled() -> None:
    with vendor_server() as (base, state):
        serve(state, "sh600000")
        state.fail_next = 2
        clock = ManualClock(shanghai("2024-01-02 20:00:00"))
        context = RecordingContext(clock, real_sessions=True)
        feed = qq_feed(base, context, symbols=["600000.SSE"], max_backoff_s=0.05)

        async def scenario() -> None:
            await feed.start()
            await context.wait_for(lambda: len(context.ticks) == 1)
            await context.wait_for(lambda: context.status is ConnectionStatus.CLOSED)
            await feed.stop()

        run(scenario())
    statuses = [status for status, _ in context.statuses]
    assert statuses.count(ConnectionStatus.ERROR) == 2
    assert context.statuses[-2] == (ConnectionStatus.CLOSED, "next poll Wed 09:15")
