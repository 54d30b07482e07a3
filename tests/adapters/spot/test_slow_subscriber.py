"""A subscriber that really falls behind: its loop stalls while a publisher floods it, the
high-water marks fill, ZeroMQ drops, and the feed sees the gap and re-snapshots; the
publisher never blocks. And a short message followed by a good one keeps the stream aligned."""

from __future__ import annotations

import asyncio
import threading
import time

import zmq

from terminal.adapters.spot import schema
from terminal.adapters.spot.server import SpotServer
from terminal.domain.enums import ConnectionStatus
from tests.adapters.spot.test_spot import ANY_PORT, Market, feed_for, tick
from tests.aio import run

BURST = 20_000
HWM = 50


def flood(endpoint_ready: list[str], go: threading.Event, done: threading.Event,
          last: list[int]) -> None:  # fmt: skip
    """A publisher thread: one topic, BURST messages as fast as it can, then one more later."""
    pub = zmq.Context.instance().socket(zmq.PUB)
    pub.setsockopt(zmq.LINGER, 0)
    pub.setsockopt(zmq.SNDHWM, HWM)
    endpoint_ready.append(f"tcp://127.0.0.1:{pub.bind_to_random_port('tcp://127.0.0.1')}")
    topic = schema.tick_topic("600000.SSE")

    def send(seq: int) -> None:
        header = schema.encode_header("flood", seq, time.time_ns())
        pub.send_multipart([topic, header, schema.encode([tick(ts=seq, last=float(seq))])],
                           flags=zmq.NOBLOCK)  # fmt: skip

    seq = 0
    while not go.is_set():  # slow joiner: until the subscriber has one
        seq += 1
        send(seq)
        time.sleep(0.01)
    dropped_here = 0
    for _ in range(BURST):
        seq += 1
        try:
            send(seq)
        except zmq.Again:  # never: PUB drops at the high-water mark instead of blocking
            dropped_here += 1
    time.sleep(0.8)  # the subscriber catches up with what it kept
    send(seq + 1)
    last.append(seq + 1)
    assert dropped_here == 0
    done.wait(10)
    pub.close()


def test_a_stalled_subscriber_loses_messages_sees_the_gap_and_re_snapshots() -> None:
    market = Market()
    market.latest["600000.SSE"] = tick(last=4242.0, ts=10**15)

    async def scenario() -> None:
        server = SpotServer(market, ANY_PORT, ANY_PORT)  # answers the snapshot request
        await server.start()
        endpoint: list[str] = []
        last: list[int] = []
        go, done = threading.Event(), threading.Event()
        publisher = threading.Thread(target=flood, args=(endpoint, go, done, last), daemon=True)
        publisher.start()
        async with asyncio.timeout(5):
            while not endpoint:
                await asyncio.sleep(0.01)
        feed, context = feed_for(endpoint[0], server.rep_endpoint, receive_hwm=HWM)
        topic = schema.tick_topic("600000.SSE").decode()
        try:
            await feed.start()
            await context.wait_for(lambda: context.ticks)
            go.set()
            # The loop stalls (a slow strategy, a long GC pause, a busy machine); the first
            # burst message comes after the last slow-joiner one.
            first_of_burst = feed.last_seq[topic] + 1
            time.sleep(0.5)
            await context.wait_for(lambda: last and feed.last_seq[topic] == last[0], timeout=10)
            await context.wait_for(lambda: feed.counts["snapshots"] >= 1)
            kept = sum(1 for t in context.ticks if t.ts >= first_of_burst and t.ts < 10**15)
            # Every message is either received or counted missing: nothing goes unnoticed.
            assert kept + feed.counts["missed"] == last[0] - first_of_burst + 1, feed.counts
            assert feed.counts["gaps"] >= 1 and feed.counts["missed"] >= BURST // 2
            assert any(t.last == 4242.0 for t in context.ticks)  # the snapshot's latest state
            assert feed.status is ConnectionStatus.LIVE and feed.counts["malformed"] == 0
        finally:
            done.set()
            publisher.join(5)
            await feed.stop()
            await server.stop()

    run(scenario(), timeout=30)


def test_a_short_message_costs_itself_and_at_most_the_next_one() -> None:
    async def scenario() -> None:
        pub = zmq.Context.instance().socket(zmq.PUB)
        pub.setsockopt(zmq.LINGER, 0)
        endpoint = f"tcp://127.0.0.1:{pub.bind_to_random_port('tcp://127.0.0.1')}"
        feed, context = feed_for(endpoint, "")
        await feed.start()
        topic = schema.tick_topic("600000.SSE")

        def good(seq: int) -> list[bytes]:
            return [topic, schema.encode_header("a", seq, 0), schema.encode([tick(ts=seq)])]

        seq = 0
        async with asyncio.timeout(5):
            while not context.ticks:
                seq += 1
                pub.send_multipart(good(seq))
                await asyncio.sleep(0.01)
        # Sent back to back, so the short one is followed at once by good ones.
        pub.send_multipart([topic, schema.encode_header("a", 999, 0)])  # two frames
        for _ in range(3):
            seq += 1
            pub.send_multipart(good(seq))
        await context.wait_for(lambda: context.ticks[-1].ts == seq)  # still aligned
        assert feed.counts["malformed"] == 1
        # When the next message was already there, the short one swallowed it: a gap of one.
        assert feed.counts["missed"] == feed.counts["gaps"] <= 1
        await feed.stop()
        pub.close()

    run(scenario())
