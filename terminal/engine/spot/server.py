"""The spot server: publishes the engine's ticks and closed bars on a ZeroMQ PUB socket and
answers instrument, snapshot and history requests on a REP socket (schema in ``schema.py``).

Ticks published during one pass of the event loop are grouped per topic and sent together
at the end of it (``call_soon``): under load a message carries many ticks, so the per-message
cost of ZeroMQ is shared; when quiet a tick leaves within the same loop iteration.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

import zmq
import zmq.asyncio

from terminal.domain.events import BarEvent
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar, Tick
from terminal.engine.bus import EventBus
from terminal.engine.spot import schema

log = logging.getLogger("terminal.spot")

DEFAULT_PUB = "tcp://127.0.0.1:5555"
DEFAULT_REP = "tcp://127.0.0.1:5556"
HEARTBEAT_S = 1.0
_NOBLOCK = int(zmq.NOBLOCK)  # plain ints: pyzmq converts enum members on every call
_MORE = int(zmq.SNDMORE) | _NOBLOCK


class MarketState(Protocol):
    """What the server reads from the engine to answer requests."""

    bus: EventBus
    instruments: dict[str, Instrument]
    latest: dict[str, Tick]

    def history_bars(self, symbol: str, timeframe: str) -> list[Bar]: ...


class EngineMarket:
    """The engine seen as a :class:`MarketState`: its bus, instruments, latest ticks, bars."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self.bus: EventBus = engine.bus
        self.instruments: dict[str, Instrument] = engine.instruments
        self.latest: dict[str, Tick] = engine.latest

    def history_bars(self, symbol: str, timeframe: str) -> list[Bar]:
        bars: list[Bar] = self._engine.bars.history(symbol)
        return [bar for bar in bars if bar.timeframe == timeframe]


def check_local(endpoint: str) -> None:
    """Refuse to bind beyond this machine: that needs CURVE authentication, not yet here."""
    if not endpoint.startswith("tcp://"):
        return  # ipc:// and inproc:// never leave the machine
    host = endpoint[len("tcp://") :].rsplit(":", 1)[0].strip("[]")
    try:
        local = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    if not local:
        raise ValueError(
            f"endpoint {endpoint}: binding beyond localhost needs CURVE authentication, "
            "which this version does not have; bind 127.0.0.1, ipc:// or inproc://"
        )


class SpotServer:
    """Publishes what happens on the engine's bus; serves requests until stopped."""

    def __init__(
        self,
        state: MarketState,
        pub: str = DEFAULT_PUB,
        rep: str = DEFAULT_REP,
        heartbeat_s: float = HEARTBEAT_S,
        context: zmq.asyncio.Context | None = None,
    ) -> None:
        check_local(pub)
        check_local(rep)
        self.state = state
        self.server_id = uuid.uuid4().hex[:12]
        self.heartbeat_s = heartbeat_s
        self._context = context or zmq.asyncio.Context.instance()
        self._pub_requested, self._rep_requested = pub, rep
        self.pub_endpoint = self.rep_endpoint = ""
        self._seq: dict[bytes, int] = {}
        self._pending: dict[bytes, list[Any]] = {}
        self._flush_scheduled = False
        self._unsubscribe: list[Callable[[], None]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.sent_messages = 0
        self.bad_requests = 0

    async def start(self) -> None:
        self._pub = self._context.socket(zmq.PUB)
        self._pub.setsockopt(zmq.LINGER, 0)
        self._pub.setsockopt(zmq.SNDHWM, 100_000)
        self._pub.bind(self._pub_requested)
        self.pub_endpoint = self._pub.getsockopt_string(zmq.LAST_ENDPOINT)
        self._rep = self._context.socket(zmq.REP)
        self._rep.setsockopt(zmq.LINGER, 0)
        self._rep.bind(self._rep_requested)
        self.rep_endpoint = self._rep.getsockopt_string(zmq.LAST_ENDPOINT)
        bus = self.state.bus
        self._unsubscribe = [
            bus.subscribe(Tick, self.on_tick),
            bus.subscribe(BarEvent, self.on_bar),
        ]
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._serve_requests(), name="spot: requests"),
            loop.create_task(self._heartbeat(), name="spot: heartbeat"),
        ]
        log.info("spot server %s: publishing on %s, requests on %s",
                 self.server_id, self.pub_endpoint, self.rep_endpoint)  # fmt: skip

    async def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self.flush()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._pub.close()
        self._rep.close()

    # ---- publishing ----------------------------------------------------------------------
    def on_tick(self, tick: Tick) -> None:
        self._queue(schema.tick_topic(tick.symbol), tick)

    def on_bar(self, event: BarEvent) -> None:
        if event.closed:
            self._queue(schema.bar_topic(event.bar.timeframe, event.bar.symbol), event.bar)

    def _queue(self, topic: bytes, item: Any) -> None:
        pending = self._pending.get(topic)
        if pending is None:
            self._pending[topic] = [item]
        else:
            pending.append(item)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        """Send everything queued, one message per topic."""
        self._flush_scheduled = False
        pending, self._pending = self._pending, {}
        now = time.time_ns()
        for topic, items in pending.items():
            self._send(topic, schema.encode(items), now)

    def _send(self, topic: bytes, payload: bytes, now: int) -> None:
        seq = self._seq.get(topic, 0) + 1
        self._seq[topic] = seq
        header = schema.encode_header(self.server_id, seq, now)
        send = self._pub.send
        try:
            # PUB never blocks: at the high-water mark ZeroMQ drops the whole message, and
            # the subscriber sees the gap in seq. Three copying sends with int flags cost
            # about a third of send_multipart(copy=False) for frames this small.
            send(topic, _MORE)
            send(header, _MORE)
            send(payload, _NOBLOCK)
            self.sent_messages += 1
        except zmq.Again:
            pass

    async def _heartbeat(self) -> None:
        topic = schema.HEARTBEAT.encode()
        while True:
            self._send(topic, schema.encode(None), time.time_ns())
            await asyncio.sleep(self.heartbeat_s)

    # ---- requests --------------------------------------------------------------------------
    async def _serve_requests(self) -> None:
        while True:
            frames = await self._rep.recv_multipart()
            try:
                reply = self.answer(frames[-1])
            except schema.SchemaError as exc:
                self.bad_requests += 1
                log.warning("spot server: dropped a malformed request: %s", exc)
                reply = schema.error_reply(str(exc))
            await self._rep.send(reply)

    def answer(self, frame: bytes) -> bytes:
        request = schema.decode_request(frame)
        state = self.state
        if isinstance(request, schema.InstrumentsRequest):
            return schema.encode(schema.Reply(instruments=list(state.instruments.values())))
        if isinstance(request, schema.SnapshotRequest):
            wanted = request.symbols or list(state.latest)
            ticks = [state.latest[s] for s in wanted if s in state.latest]
            return schema.encode(schema.Reply(ticks=ticks))
        if request.symbol not in state.instruments:
            return schema.error_reply(f"history: unknown symbol '{request.symbol}'")
        bars = [
            bar
            for bar in state.history_bars(request.symbol, request.timeframe)
            if request.start <= bar.start <= request.end
        ]
        return schema.encode(schema.Reply(bars=bars))
