"""The spot server and the ZeroMQ feed over real sockets: in one process, and across two."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest
import zmq

from terminal.adapters.spot import schema
from terminal.adapters.spot.server import SpotServer, check_local
from terminal.adapters.spot.subscriber import ZmqFeed, ZmqFeedOptions
from terminal.domain.enums import AssetClass, ConnectionStatus
from terminal.domain.events import BarEvent
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar, Tick
from terminal.engine.bus import EventBus
from tests.aio import run
from tests.plugins.feed_context import RecordingContext

ANY_PORT = "tcp://127.0.0.1:*"


class Market:
    """A real bus and market state, standing in for the engine."""

    def __init__(self) -> None:
        self.bus = EventBus()
        self.instruments = {
            "600000.SSE": Instrument("600000.SSE", "浦发银行", "SSE", AssetClass.STOCK, 0.01)
        }
        self.latest: dict[str, Tick] = {}
        self.bars = [
            Bar("600000.SSE", "1m", i * 60_000_000_000, 1, 2, 0.5, 1.5, 10) for i in range(5)
        ]
        self.bus.subscribe(Tick, lambda tick: self.latest.__setitem__(tick.symbol, tick))

    def history_bars(self, symbol: str, timeframe: str) -> list[Bar]:
        return [bar for bar in self.bars if bar.symbol == symbol and bar.timeframe == timeframe]


def tick(symbol: str = "600000.SSE", last: float = 10.0, ts: int = 1) -> Tick:
    return Tick(symbol, ts, last, 100.0, bid_prices=(last - 0.01,), ask_prices=(last + 0.01,))


def feed_for(
    server_pub: str, server_rep: str, **options: object
) -> tuple[ZmqFeed, RecordingContext]:
    context = RecordingContext()
    opts = msgspec.convert({"pub": server_pub, "rep": server_rep, **options}, ZmqFeedOptions)
    return ZmqFeed("remote", context, opts), context


async def publish_until_received(market: Market, context: RecordingContext, symbol: str) -> None:
    """PUB/SUB drops what is sent before the subscription lands (slow joiner): retry."""
    async with asyncio.timeout(5):
        ts = 1
        while not any(t.symbol == symbol for t in context.ticks):
            market.bus.publish(tick(symbol, ts=ts))
            ts += 1
            await asyncio.sleep(0.01)


def test_ticks_and_bars_flow_with_per_topic_sequence_and_requests_are_answered() -> None:
    market = Market()

    async def scenario() -> None:
        server = SpotServer(market, ANY_PORT, ANY_PORT, heartbeat_s=0.05)
        await server.start()
        feed, context = feed_for(server.pub_endpoint, server.rep_endpoint)
        assert [i.symbol for i in await asyncio.to_thread(feed.instruments)] == ["600000.SSE"]
        await feed.start()
        await publish_until_received(market, context, "600000.SSE")
        before = len(context.ticks)
        for i in range(1000):
            market.bus.publish(tick(last=10 + i / 100, ts=10_000 + i))
        market.bus.publish(BarEvent(market.bars[0], closed=True))
        await context.wait_for(lambda: len(context.ticks) == before + 1000)
        assert [t.ts for t in context.ticks[before:]] == list(range(10_000, 11_000))
        assert feed.counts["gaps"] == 0 and feed.status is ConnectionStatus.LIVE
        # History over REQ/REP, range-filtered; and a bad request answered with an error.
        sock = zmq.asyncio.Context.instance().socket(zmq.REQ)
        sock.connect(server.rep_endpoint)
        window = schema.HistoryRequest(
            symbol="600000.SSE", start=60_000_000_000, end=180_000_000_000
        )
        await sock.send(schema.encode(window))
        reply = schema.decode_reply(await sock.recv())
        assert [bar.start // 60_000_000_000 for bar in reply.bars] == [1, 2, 3]
        await sock.send(b"\x93garbage")
        reply = schema.decode_reply(await sock.recv())
        assert not reply.ok and reply.error.startswith("request:")
        await sock.send(schema.encode(schema.HistoryRequest(symbol="NOPE")))
        assert schema.decode_reply(await sock.recv()).error == "history: unknown symbol 'NOPE'"
        sock.close()
        assert server.bad_requests == 1
        await feed.stop()
        await server.stop()

    run(scenario())


def test_subscriber_filters_by_symbol_at_the_socket() -> None:
    market = Market()

    async def scenario() -> None:
        server = SpotServer(market, ANY_PORT, ANY_PORT)
        await server.start()
        feed, context = feed_for(server.pub_endpoint, "", symbols=["600000.SSE"])
        await feed.start()
        await publish_until_received(market, context, "600000.SSE")
        market.bus.publish(tick("600000.SSE2"))  # a longer symbol must not match the prefix
        market.bus.publish(tick("000001.SZSE"))
        market.bus.publish(tick("600000.SSE", ts=99_999))
        await context.wait_for(lambda: context.ticks[-1].ts == 99_999)
        await feed.stop()
        await server.stop()
        assert {t.symbol for t in context.ticks} == {"600000.SSE"}

    run(scenario())


def test_gaps_bad_payloads_and_a_restarted_publisher_are_detected() -> None:
    """A hand-driven publisher: skips sequence numbers, sends junk, then changes server id."""
    market = Market()
    market.latest["600000.SSE"] = tick(last=42.0, ts=10**12)

    async def scenario() -> None:
        server = SpotServer(market, ANY_PORT, ANY_PORT)  # serves the snapshot requests
        await server.start()
        pub = zmq.Context.instance().socket(zmq.PUB)
        pub.setsockopt(zmq.LINGER, 0)
        endpoint = f"tcp://127.0.0.1:{pub.bind_to_random_port('tcp://127.0.0.1')}"
        feed, context = feed_for(endpoint, server.rep_endpoint)
        await feed.start()
        topic = schema.tick_topic("600000.SSE")

        def send(server_id: str, seq: int, ts: int) -> None:
            payload = schema.encode([tick(ts=ts)])
            pub.send_multipart([topic, schema.encode_header(server_id, seq, 0), payload])

        async with asyncio.timeout(5):
            seq = 0
            while not context.ticks:  # slow joiner
                seq += 1
                send("a", seq, seq)
                await asyncio.sleep(0.01)
        send("a", seq + 1, 1000)
        send("a", seq + 4, 1001)  # two messages lost
        pub.send_multipart([topic, b"\xc1", b""])  # junk header
        pub.send_multipart([topic, schema.encode_header("a", seq + 5, 0), b"\x01"])  # bad payload
        pub.send_multipart([b"tick/x/"])  # one frame only
        await context.wait_for(lambda: feed.counts["snapshots"] == 1)
        assert feed.counts["gaps"] == 1 and feed.counts["missed"] == 2
        assert feed.counts["malformed"] == 3
        assert context.ticks[-1].last == 42.0  # the snapshot's newer tick
        send("b", 1, 10**13)  # a restarted publisher starts over with a new id
        await context.wait_for(lambda: feed.counts["restarts"] == 1)
        assert feed.counts["gaps"] == 1  # seq 1 from a new server is not a gap
        await feed.stop()
        await server.stop()
        pub.close()

    run(scenario())


def test_binding_beyond_localhost_is_refused() -> None:
    check_local("tcp://127.0.0.1:5555")
    check_local("ipc:///tmp/spot")
    with pytest.raises(ValueError, match=r"tcp://0\.0\.0\.0:5555: binding beyond localhost"):
        check_local("tcp://0.0.0.0:5555")


def _serve(tmp_path: Path, pub: str, rep: str) -> tuple[subprocess.Popen[str], str, str]:
    config = tmp_path / "serve.toml"
    config.write_text(
        '[[feeds]]\nname = "sim"\nplugin = "simulated"\n[feeds.options]\nrate = 500.0\nseed = 3\n'
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "terminal.cli", "--config", str(config), "serve", "--seconds", "30",
         "--pub", pub, "--rep", rep],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        found = re.match(r"serving: pub (\S+) rep (\S+)", line)
        if found:
            return process, found.group(1), found.group(2)
    _stop(process)
    raise AssertionError("terminal serve did not report its endpoints")


def _stop(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


@pytest.mark.slow
def test_serve_in_another_process_killed_and_restarted_mid_stream(tmp_path: Path) -> None:
    process, pub, rep = _serve(tmp_path, ANY_PORT, ANY_PORT)
    feed, context = feed_for(pub, rep, stale_after_s=0.6)
    try:
        instruments = feed.instruments()
        assert "BTCUSDT.BINANCE" in {i.symbol for i in instruments}

        async def scenario() -> None:
            nonlocal process
            await feed.start()
            await context.wait_for(lambda: len(context.ticks) > 50, timeout=10)
            _stop(process)
            await context.wait_for(lambda: feed.status is ConnectionStatus.STALE, timeout=5)
            received = len(context.ticks)
            process, _, _ = await asyncio.to_thread(_serve, tmp_path, pub, rep)  # same ports
            await context.wait_for(lambda: len(context.ticks) > received + 50, timeout=10)
            assert feed.status is ConnectionStatus.LIVE
            assert feed.counts["restarts"] == 1
            await feed.stop()

        run(scenario(), timeout=40)
    finally:
        _stop(process)
