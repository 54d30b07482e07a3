"""The ccxt feed, with ccxt itself talking to a local server in Binance spot's format:
markets, quotes and depth, history, polling, rate limits, dropped streams, staleness."""

from __future__ import annotations

import time

import pytest

from terminal.adapters.ccxt.feed import CcxtFeed, CcxtFeedOptions
from terminal.domain.enums import AssetClass, ConnectionStatus, InstrumentStatus
from tests.adapters.ccxt.binance_server import FakeBinance, rate_limited
from tests.adapters.ccxt.harness import BTC, ETH, local_binance, until, venue_options
from tests.aio import run
from tests.plugins.feed_context import RecordingContext


def make_feed(server: FakeBinance, **options: object) -> CcxtFeed:
    settings = venue_options(server, history_bars=20) | options
    return CcxtFeed("binance", RecordingContext(), CcxtFeedOptions(**settings))  # type: ignore[arg-type]


def context_of(feed: CcxtFeed) -> RecordingContext:
    assert isinstance(feed.context, RecordingContext)
    return feed.context


def test_markets_become_instruments_with_the_venues_rules() -> None:
    async def scenario() -> None:
        async with local_binance() as server:
            server.venue.set_status("ETHUSDT", "BREAK")
            feed = make_feed(server)
            await feed.start()
            try:
                btc = context_of(feed).instruments[BTC]
                assert (btc.tick_size, btc.lot_size, btc.min_notional) == (0.01, 0.00001, 5.0)
                assert (btc.currency, btc.base_currency, btc.exchange) == ("USDT", "BTC", "BINANCE")
                assert (
                    btc.asset_class is AssetClass.CRYPTO and btc.status is InstrumentStatus.TRADING
                )
                eth = context_of(feed).instruments[ETH]
                assert eth.status is InstrumentStatus.HALTED  # exchangeInfo said BREAK
                assert eth.lot_size == 0.0001
                assert [r[1] for r in server.requests].count("/api/v3/exchangeInfo") == 1
            finally:
                await feed.stop()

    run(scenario())


def test_an_unknown_symbol_stops_start_naming_it() -> None:
    async def scenario() -> None:
        async with local_binance() as server:
            feed = make_feed(server, symbols=["DOGE/USDT"])
            with pytest.raises(ValueError, match="'DOGE/USDT' is not a market of binance"):
                await feed.start()

    run(scenario())


def test_streams_give_quotes_depth_and_the_days_volume() -> None:
    async def scenario() -> None:
        async with local_binance() as server:
            feed = make_feed(server)
            context = context_of(feed)
            await feed.start()
            try:
                assert context.status is ConnectionStatus.LIVE
                await until(lambda: sum(t.symbol == BTC for t in context.ticks) > 20, what="ticks")
                ticks = [t for t in context.ticks if t.symbol == BTC]
                last = ticks[-1]
                book = server.venue.markets["BTCUSDT"].book
                assert len(last.bid_prices) == len(last.ask_prices) == 5
                assert last.bid_prices[0] < last.ask_prices[0]
                assert (
                    abs(last.bid - float(book.best_bid())) < 1
                    and abs(last.ask - float(book.best_ask())) < 1
                )
                # the day's candle seeds the volume; every public trade adds to it
                volumes = [t.volume for t in ticks]
                assert volumes == sorted(volumes) and volumes[-1] > volumes[0] >= 1000
                assert last.prev_close > 0 and last.low <= last.last <= last.high
                # stamped when quoted (a book update without the venue's time: on arrival), never
                # with the day candle's open, which would make a bar of the whole day's volume
                assert all(abs(t.ts - time.time_ns()) < 60e9 for t in ticks)
                streams = {s for _, frame in server.ws_requests for s in frame.get("params", [])}
                assert {"btcusdt@trade", "btcusdt@depth@100ms", "ethusdt@trade"} <= streams
                assert len(context.history[BTC]) == 20  # closed 1m bars for charts and warm-up
                assert all(b.timeframe == "1m" for b in context.history[BTC])
            finally:
                await feed.stop()

    run(scenario())


def test_polling_where_there_are_no_streams_and_back_off_on_429() -> None:
    async def scenario() -> None:
        async with local_binance() as server:
            feed = make_feed(server, transport="poll", poll_interval_s=0.05, history_bars=0)
            context = context_of(feed)
            await feed.start()
            try:
                await until(lambda: len(context.ticks) >= 4, what="polled ticks")
                assert not server.ws_requests  # no websocket at all
                assert context.ticks[-1].bid_prices and context.ticks[-1].volume >= 1000
                server.inject("/api/v3/klines", rate_limited(retry_after=1))
                await until(lambda: context.status is ConnectionStatus.CONNECTING, what="429 seen")
                limited_at = time.monotonic()
                assert "Retry-After" not in context.statuses[-1][1]  # the reason is the venue's
                assert "Too much request weight used" in context.statuses[-1][1]
                count = len(server.requests)
                await until(lambda: context.status is ConnectionStatus.LIVE, what="polling again")
                # Nothing was sent while the venue asked to wait (Retry-After: 1 s).
                assert time.monotonic() - limited_at >= 0.9
                assert len(server.requests) == count + 2  # the retried day candle and book
            finally:
                await feed.stop()

    run(scenario())


@pytest.mark.parametrize("abort", [False, True], ids=["close-frame", "tcp-abort"])
def test_a_dropped_stream_is_resubscribed_with_back_off(abort: bool) -> None:
    async def scenario() -> None:
        async with local_binance() as server:
            feed = make_feed(server, history_bars=0)
            context = context_of(feed)
            await feed.start()
            try:
                await until(lambda: len(context.ticks) > 5, what="ticks")
                subscribes = sum(f.get("method") == "SUBSCRIBE" for _, f in server.ws_requests)
                assert await server.drop_sockets("stream", abort=abort) >= 2
                await until(lambda: context.status is ConnectionStatus.CONNECTING, what="drop seen")
                assert "again in" in context.statuses[-1][1]
                await until(lambda: context.status is ConnectionStatus.LIVE, what="resubscribed")
                again = sum(f.get("method") == "SUBSCRIBE" for _, f in server.ws_requests)
                assert again >= subscribes + 2  # each stream subscribed once more
                seen = len(context.ticks)
                await until(lambda: len(context.ticks) > seen + 5, what="ticks after the drop")
            finally:
                await feed.stop()

    run(scenario())


def test_silent_quotes_are_shown_stale_then_live_again() -> None:
    async def scenario() -> None:
        async with local_binance() as server:
            feed = make_feed(server, history_bars=0, stale_after_s=0.3)
            context = context_of(feed)
            await feed.start()
            try:
                await until(lambda: len(context.ticks) > 3, what="ticks")
                server.pause_market()
                await until(lambda: context.status is ConnectionStatus.STALE, what="stale")
                assert BTC in context.statuses[-1][1] and ETH in context.statuses[-1][1]
                server.pause_market(False)
                await until(lambda: context.status is ConnectionStatus.LIVE, what="live again")
            finally:
                await feed.stop()

    run(scenario())


def test_subscribe_and_unsubscribe_while_running() -> None:
    async def scenario() -> None:
        async with local_binance() as server:
            feed = make_feed(server, symbols=["BTC/USDT"], history_bars=5)
            context = context_of(feed)
            assert feed.describe(ETH) is None  # not started: the venue's markets are unknown
            await feed.start()
            try:
                assert ETH not in context.history
                described = feed.describe("ETH/USDT")
                assert described is not None and described.symbol == ETH
                taken = feed.subscribe(["ETH/USDT", "600000.SSE"])  # the second is not a market
                assert [i.symbol for i in taken] == [ETH]
                await until(lambda: any(t.symbol == ETH for t in context.ticks), what="ETH ticks")
                assert len(context.history[ETH]) == 5  # its history too
                eth = next(t for t in context.ticks if t.symbol == ETH)
                assert eth.volume >= 1000  # seeded with the day so far before its streams
                feed.unsubscribe([ETH])
                await until(
                    lambda: (
                        server.stream_sockets
                        and all("ethusdt@trade" not in s for s in server.stream_sockets.values())
                    ),
                    what="gone",
                )
                seen = sum(t.symbol == ETH for t in context.ticks)
                await until(lambda: sum(t.symbol == BTC for t in context.ticks) > 10, what="BTC")
                assert sum(t.symbol == ETH for t in context.ticks) == seen
            finally:
                await feed.stop()

    run(scenario())
