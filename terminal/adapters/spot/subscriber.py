"""A feed that subscribes to a spot server (or any publisher of its schema) over ZeroMQ.

A GUI attached to a remote engine (``remote.py``) is built on it; ``ZmqFeed`` below is the
``zmq`` feed plugin that ``plugins/feeds/zmq_feed.py`` registers.

ZeroMQ reconnects by itself and re-sends every subscription after a reconnect; this feed
adds what it cannot know: a gap in a topic's sequence numbers (the subscriber fell behind
and the publisher dropped, or the network did) or a new server id (the publisher restarted)
triggers a re-snapshot of the latest ticks over REQ/REP; silence, heartbeats included,
longer than ``stale_after_s`` shows the feed as stale. Malformed messages are logged,
counted and dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Annotated, Any, cast

import msgspec
import zmq
import zmq.asyncio

from terminal.adapters.spot import curve, schema
from terminal.adapters.spot.server import DEFAULT_PUB, DEFAULT_REP
from terminal.domain.enums import ConnectionStatus
from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.engine.feed import Feed, FeedContext

log = logging.getLogger("terminal.feeds.zmq")

DRAIN_BUDGET = 2000  # messages handled per loop pass before yielding to other work
# Plain ints: pyzmq converts enum members on every call, which shows in the per-message cost.
_NOBLOCK, _RCVMORE, _EVENTS, _POLLIN = (int(zmq.NOBLOCK), int(zmq.RCVMORE), int(zmq.EVENTS),
                                        int(zmq.POLLIN))  # fmt: skip


class ZmqFeedOptions(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pub: str = DEFAULT_PUB
    """The spot server's PUB endpoint."""
    rep: str = DEFAULT_REP
    """Its REP endpoint (instruments, snapshots after a gap); empty for none."""
    symbols: list[str] = msgspec.field(default_factory=list)
    """Symbols to subscribe to; empty for every tick the server publishes."""
    stale_after_s: Annotated[float, msgspec.Meta(gt=0)] = 3.0
    request_timeout_s: Annotated[float, msgspec.Meta(gt=0)] = 2.0
    receive_hwm: int = 100_000
    events: bool = False
    """Also subscribe to engine events (orders, fills, …): how a remote GUI attaches."""
    server_key: str = ""
    """The server's CURVE public key (Z85, from `terminal keys`); empty for no encryption."""
    client_key_file: str = ""
    """With server_key: this client's secret key file written by `terminal keys`."""


class SpotSubscriber(Feed):
    """Ticks (and, with ``events``, engine events) from a remote engine's spot server."""

    plugin_name = "zmq"
    Options = ZmqFeedOptions

    def __init__(self, name: str, context: FeedContext, options: ZmqFeedOptions) -> None:
        super().__init__(name, context, options)
        self.server_id = ""
        self.last_seq: dict[str, int] = {}
        self.last_ts: dict[str, int] = {}
        self._topics: dict[bytes, str] = {}
        self.counts = {"messages": 0, "ticks": 0, "gaps": 0, "missed": 0, "malformed": 0,
                       "restarts": 0, "snapshots": 0}  # fmt: skip
        self.status = ConnectionStatus.DISCONNECTED
        self._zmq = zmq.asyncio.Context.instance()
        self._sub: zmq.Socket[bytes] | None = None
        self._last_message = 0.0
        self._snapshot_task: asyncio.Task[None] | None = None
        self._watch_task: Any = None
        self._fd = -1
        # Set by whoever wants engine events (terminal.adapters.spot.remote); see Options.events.
        self.on_event: Callable[[object], None] = lambda _event: None
        self.on_event_gap: Callable[[], None] = lambda: None

    def instruments(self) -> list[Instrument]:
        if not self.options.rep:
            return []
        try:
            reply = _request_blocking(self.options, schema.InstrumentsRequest())
        except (TimeoutError, schema.SchemaError) as exc:
            log.warning("feed %s: no instrument list from %s: %s", self.name, self.options.rep, exc)
            return []
        return reply.instruments

    async def start(self) -> None:
        # A plain socket read on the loop's own reader callback: no future per message.
        sub: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.SUB)
        sub.setsockopt(zmq.LINGER, 0)
        sub.setsockopt(zmq.RCVHWM, self.options.receive_hwm)
        sub.setsockopt(zmq.RECONNECT_IVL, 100)
        sub.setsockopt(zmq.RECONNECT_IVL_MAX, 2000)
        topics = [schema.tick_topic(s) for s in self.options.symbols] or [schema.TICK.encode()]
        if self.options.events:
            topics.append(schema.EVENT.encode())
        curve.apply_client(sub, self.options.server_key, self.options.client_key_file)
        for topic in [*topics, schema.HEARTBEAT.encode()]:
            sub.setsockopt(zmq.SUBSCRIBE, topic)
        sub.connect(self.options.pub)
        self._sub = sub
        self._last_message = time.monotonic()
        self._set_status(ConnectionStatus.CONNECTING, f"subscribing to {self.options.pub}")
        self._fd = cast(int, sub.getsockopt(zmq.FD))
        asyncio.get_running_loop().add_reader(self._fd, self._drain)
        self._watch_task = self.context.spawn(self._watch(), "stale watch")
        self._drain()  # edge-triggered FD: read what may already be there

    async def stop(self) -> None:
        for task in (self._watch_task, self._snapshot_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._sub is not None:
            asyncio.get_running_loop().remove_reader(self._fd)
            self._sub.close()
            self._sub = None
        self._set_status(ConnectionStatus.DISCONNECTED, "stopped")

    # ---- receiving -----------------------------------------------------------------------
    def _drain(self) -> None:
        sub = self._sub
        if sub is None:
            return
        # Plain recv calls: recv_multipart costs about three times as much (a Python loop,
        # an option read and enum conversions per frame), and at a paced rate nearly every
        # message carries a single tick, so that cost is the receiver's cost.
        recv, more = sub.recv, sub.get
        for _ in range(DRAIN_BUDGET):
            try:
                topic = recv(_NOBLOCK)
            except zmq.Again:
                # Reading EVENTS re-arms ZeroMQ's edge-triggered descriptor.
                if cast(int, more(_EVENTS)) & _POLLIN:
                    continue
                return
            self._receive(sub, topic)
        asyncio.get_running_loop().call_soon(self._drain)  # more to read: yield first

    def _receive(self, sub: zmq.Socket[bytes], topic: bytes) -> None:
        """Read the rest of the message that began with ``topic`` and handle it.

        Trusting the sender's three frames and checking only at the end saves two option
        reads per message. A short message (1–2 frames) then takes frames of the next one:
        the check at the end sees that, reads on to a message boundary, and both are dropped
        as malformed (the lost good one shows as a gap in its topic's seq)."""
        frames = [topic]
        recv = sub.recv
        try:
            frames.append(recv(_NOBLOCK))
            frames.append(recv(_NOBLOCK))
        except zmq.Again:  # frames of a message arrive together: Again means it ended
            pass
        else:
            while sub.get(_RCVMORE):
                frames.append(recv(_NOBLOCK))
        self._handle(frames)

    def _handle(self, frames: list[bytes]) -> None:
        self._last_message = time.monotonic()
        self.counts["messages"] += 1
        try:
            if len(frames) != 3:
                raise schema.SchemaError(f"expected 3 frames, got {len(frames)}")
            topic = self._topics.get(frames[0]) or self._topic(frames[0])
            header = schema.decode_header(frames[1])
            payload = schema.decode_payload(topic, frames[2])
        except (schema.SchemaError, UnicodeDecodeError) as exc:
            self.counts["malformed"] += 1
            if self.counts["malformed"] <= 10 or self.counts["malformed"] % 1000 == 0:
                log.warning("feed %s: dropped malformed message #%d: %s",
                            self.name, self.counts["malformed"], exc)  # fmt: skip
            return
        if header.server_id != self.server_id:
            self._new_server(header.server_id)
        previous = self.last_seq.get(topic)
        self.last_seq[topic] = header.seq
        if previous is not None and header.seq != previous + 1:
            self._gap(topic, previous, header.seq)
        if self.status is not ConnectionStatus.LIVE:
            self._set_status(ConnectionStatus.LIVE, f"server {header.server_id}")
        if payload and topic.startswith(schema.TICK):
            self._publish(payload)  # type: ignore[arg-type]
        elif payload is not None and topic.startswith(schema.EVENT):
            self.on_event(payload)

    def _topic(self, frame: bytes) -> str:
        topic = frame.decode()
        if len(self._topics) < 100_000:  # one entry per symbol: bounded against junk topics
            self._topics[frame] = topic
        return topic

    def _publish(self, ticks: list[Tick]) -> None:
        publish = self.context.publish_tick
        last_ts = self.last_ts
        for tick in ticks:
            last_ts[tick.symbol] = tick.ts
            publish(tick)
        self.counts["ticks"] += len(ticks)

    def _new_server(self, server_id: str) -> None:
        if self.server_id:
            self.counts["restarts"] += 1
            log.warning("feed %s: publisher restarted (server %s → %s); re-snapshot",
                        self.name, self.server_id, server_id)  # fmt: skip
            self._request_snapshot()
            self.on_event_gap()
        self.server_id = server_id
        self.last_seq.clear()

    def _gap(self, topic: str, previous: int, seq: int) -> None:
        self.counts["gaps"] += 1
        self.counts["missed"] += max(seq - previous - 1, 0)
        log.warning("feed %s: %s jumped from seq %d to %d; re-snapshot",
                    self.name, topic, previous, seq)  # fmt: skip
        if topic.startswith(schema.EVENT):
            self.on_event_gap()
        else:
            self._request_snapshot()

    def silence_s(self) -> float:
        """Seconds since the latest message (ticks, events or heartbeats)."""
        return time.monotonic() - self._last_message

    # ---- snapshots and staleness -------------------------------------------------------------
    def _request_snapshot(self) -> None:
        if not self.options.rep or (self._snapshot_task and not self._snapshot_task.done()):
            return
        self._snapshot_task = self.context.spawn(self._snapshot(), "snapshot")

    async def _snapshot(self) -> None:
        request = schema.SnapshotRequest(symbols=self.options.symbols)
        try:
            reply = await request_reply(self._zmq, self.options, request)
        except (TimeoutError, schema.SchemaError) as exc:
            log.warning("feed %s: snapshot from %s failed: %s", self.name, self.options.rep, exc)
            return
        self.counts["snapshots"] += 1
        # Only what is newer than what already arrived: a snapshot must not step back.
        fresh = [t for t in reply.ticks if t.ts > self.last_ts.get(t.symbol, -1)]
        self._publish(fresh)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.options.stale_after_s / 4)
            silent = time.monotonic() - self._last_message
            if silent > self.options.stale_after_s and self.status is not ConnectionStatus.STALE:
                self._set_status(ConnectionStatus.STALE, f"nothing from {self.options.pub} "
                                 f"for {silent:.1f} s")  # fmt: skip

    def _set_status(self, status: ConnectionStatus, reason: str) -> None:
        if status is not self.status:
            log.info("feed %s: %s (%s)", self.name, status.value, reason)
            self.status = status
            self.context.set_status(status, reason)


async def request_reply(
    context: zmq.asyncio.Context, options: ZmqFeedOptions, request: schema.Request
) -> schema.Reply:
    """One REQ/REP exchange on a fresh socket, so a lost reply never wedges the next one."""
    socket = context.socket(zmq.REQ)
    socket.setsockopt(zmq.LINGER, 0)
    endpoint, timeout_s = options.rep, options.request_timeout_s
    try:
        curve.apply_client(socket, options.server_key, options.client_key_file)
        socket.connect(endpoint)
        await socket.send(schema.encode(request))
        if not await socket.poll(int(timeout_s * 1000)):
            raise TimeoutError(f"no reply from {endpoint} within {timeout_s} s")
        return _checked(schema.decode_reply(await socket.recv()))
    finally:
        socket.close()


def _request_blocking(options: ZmqFeedOptions, request: schema.Request) -> schema.Reply:
    socket: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.REQ)
    socket.setsockopt(zmq.LINGER, 0)
    endpoint, timeout_s = options.rep, options.request_timeout_s
    try:
        curve.apply_client(socket, options.server_key, options.client_key_file)
        socket.connect(endpoint)
        socket.send(schema.encode(request))
        if not socket.poll(int(timeout_s * 1000), zmq.POLLIN):
            raise TimeoutError(f"no reply from {endpoint} within {timeout_s} s")
        return _checked(schema.decode_reply(socket.recv()))
    finally:
        socket.close()


def _checked(reply: schema.Reply) -> schema.Reply:
    if not reply.ok:
        raise schema.SchemaError(f"server refused: {reply.error}")
    return reply


class ZmqFeed(SpotSubscriber):
    """The ``zmq`` feed plugin: ticks from a remote engine's spot server."""

    plugin_name = "zmq"
    Options = ZmqFeedOptions
