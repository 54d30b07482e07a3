"""The spot server: publishes the engine's ticks and closed bars on a ZeroMQ PUB socket and
answers instrument, snapshot, history, session and command requests on a ROUTER socket that
REQ clients use as a REP one (schema in ``schema.py``; how clients take turns in
``requests.py``).

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

from terminal.adapters.spot import schema
from terminal.adapters.spot.curve import CurveOptions, apply_server, start_authenticator
from terminal.adapters.spot.requests import RequestRouter
from terminal.domain.enums import PluginKind
from terminal.domain.events import (
    AccountEvent,
    BarEvent,
    FillEvent,
    PositionEvent,
)
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar, Tick
from terminal.domain.orders import Fill
from terminal.engine.bars.timeframes import SUPPORTED
from terminal.engine.bus import EventBus

log = logging.getLogger("terminal.spot")

DEFAULT_PUB = "tcp://127.0.0.1:5555"
DEFAULT_REP = "tcp://127.0.0.1:5556"
HEARTBEAT_S = 1.0
MAX_REQUEST_BYTES = 1 << 20
_NOBLOCK = int(zmq.NOBLOCK)  # plain ints: pyzmq converts enum members on every call
_MORE = int(zmq.SNDMORE) | _NOBLOCK


class MarketState(Protocol):
    """What the server reads from the engine to answer requests."""

    bus: EventBus
    instruments: dict[str, Instrument]
    latest: dict[str, Tick]

    def history_bars(self, symbol: str, timeframe: str) -> list[Bar]: ...


class EngineMarket:
    """The engine seen as a :class:`MarketState`, and more: a server on it also publishes
    order, fill, position, account, strategy, status and log events, answers ``session``
    (all a remote GUI needs to attach) and carries out commands sent by remote GUIs."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.bus: EventBus = engine.bus
        self.instruments: dict[str, Instrument] = engine.instruments
        self.latest: dict[str, Tick] = engine.latest
        self._fills: list[Fill] = []  # without a store, the fills seen since the server began
        self.bus.subscribe(FillEvent, lambda event: self._fills.append(event.fill))
        self._built: list[Callable[[], None]] = []  # timeframes built because a client asked

    def history_bars(self, symbol: str, timeframe: str) -> list[Bar]:
        """Closed ``timeframe`` bars; a timeframe no one built yet is built from now on (its
        history derived from the finer bars held), so the next request finds it current."""
        bars = self.engine.bars
        if timeframe not in bars.subscriptions(symbol):
            self._built.append(bars.subscribe(symbol, timeframe))
        history: list[Bar] = bars.history(symbol, timeframe)
        return history

    def close(self) -> None:
        for unsubscribe in self._built:
            unsubscribe()
        self._built = []

    def session(self, bars: int) -> schema.Session:
        engine = self.engine
        engine.commit()  # nothing is shown before it is recorded
        return schema.Session(
            instruments=list(engine.instruments.values()),
            brokers={name: broker.simulated for name, broker in engine.brokers.items()},
            broker_accounts={name: engine.accounts_of(name) for name in engine.brokers},
            strategy_plugins=engine.registry.names(PluginKind.STRATEGY),
            plugins=list(engine.registry.reports),
            statuses=[*engine.feed_status.values(), *engine.broker_status.values()],
            broker_names=list(engine.broker_status),
            orders=engine.order_book.all(),
            fills=engine.store.fills() if engine.store is not None else list(self._fills),
            positions=engine.portfolio.positions(),
            accounts=engine.portfolio.accounts(),
            strategies=engine.strategies.snapshots(),
            alerts=engine.alerts.alerts(),
            contingent=engine.contingent.groups(),
            ticks=list(engine.latest.values()),
            bars=[bar for symbol in engine.instruments
                  for bar in engine.bars.history(symbol)[-bars:]] if bars > 0 else [],
        )  # fmt: skip

    def remark(self) -> list[object]:
        """Positions, accounts and strategy states at current prices, re-sent now and then:
        only fills and state changes publish them, and remote GUIs show their marks moving."""
        portfolio = self.engine.portfolio
        positions = [PositionEvent(position) for position in portfolio.positions()]
        accounts = [AccountEvent(account) for account in portfolio.accounts()]
        return [*positions, *accounts, *self.engine.strategies.snapshots()]


def check_local(endpoint: str, curve: bool = False) -> None:
    """Refuse to bind beyond this machine unless CURVE authentication is configured."""
    if curve or not endpoint.startswith("tcp://"):
        return  # ipc:// and inproc:// never leave the machine
    host = endpoint[len("tcp://") :].rsplit(":", 1)[0].strip("[]")
    try:
        local = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    if not local:
        raise ValueError(
            f"endpoint {endpoint}: binding beyond localhost needs CURVE authentication: "
            "create keys with `terminal keys DIR`, then serve with --curve DIR; or bind "
            "127.0.0.1, ipc:// or inproc://"
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
        curve: CurveOptions | None = None,
    ) -> None:
        check_local(pub, curve is not None)
        check_local(rep, curve is not None)
        self.curve = curve
        self._auth: Any = None
        self.state = state
        self.server_id = uuid.uuid4().hex[:12]
        self.heartbeat_s = heartbeat_s
        self._context = context or zmq.asyncio.Context.instance()
        self._pub_requested, self._rep_requested = pub, rep
        self.pub_endpoint = self.rep_endpoint = ""
        self._seq: dict[bytes, int] = {}
        self._pending: dict[bytes, list[Any]] = {}
        self._events: list[object] = []
        self._flush_scheduled = False
        self._unsubscribe: list[Callable[[], None]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.sent_messages = 0
        self.bad_requests = 0

    async def start(self) -> None:
        if self.curve is not None:
            self._auth = start_authenticator(self._context, self.curve)
        # A plain (not asyncio) socket: PUB never waits, and the asyncio wrapper costs a
        # future per frame — half the publisher's time at one tick per message.
        self._pub: zmq.Socket[bytes] = zmq.Context.shadow(self._context.underlying).socket(
            zmq.PUB
        )
        self._pub.setsockopt(zmq.LINGER, 0)
        self._pub.setsockopt(zmq.SNDHWM, 100_000)
        self._rep = self._context.socket(zmq.ROUTER)
        self._rep.setsockopt(zmq.LINGER, 0)
        # Requests are small; ZeroMQ drops the connection of a client sending a bigger one
        # before it is held in memory (it may reconnect).
        self._rep.setsockopt(zmq.MAXMSGSIZE, MAX_REQUEST_BYTES)
        if self.curve is not None:
            apply_server(self._pub, self.curve)
            apply_server(self._rep, self.curve)
        self._pub.bind(self._pub_requested)
        self.pub_endpoint = self._pub.getsockopt_string(zmq.LAST_ENDPOINT)
        self._rep.bind(self._rep_requested)
        self.rep_endpoint = self._rep.getsockopt_string(zmq.LAST_ENDPOINT)
        bus = self.state.bus
        self._unsubscribe = [
            bus.subscribe(Tick, self.on_tick),
            bus.subscribe(BarEvent, self.on_bar),
        ]
        if isinstance(self.state, EngineMarket):
            self._unsubscribe += [
                bus.subscribe(cls, self.on_event) for cls in schema.EVENTS.values()
            ]
        loop = asyncio.get_running_loop()
        self.requests = RequestRouter(self._rep, self._answer_or_refuse, self.answer_later)
        self._tasks = [
            loop.create_task(self.requests.run(), name="spot: requests"),
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
        if isinstance(self.state, EngineMarket):
            self.state.close()
        if self._auth is not None:
            self._auth.stop()

    # ---- publishing ----------------------------------------------------------------------
    def on_tick(self, tick: Tick) -> None:
        self._queue(schema.tick_topic(tick.symbol), tick)

    def on_bar(self, event: BarEvent) -> None:
        if event.closed:
            self._queue(schema.bar_topic(event.bar.timeframe, event.bar.symbol), event.bar)

    def on_event(self, event: object) -> None:
        self._events.append(event)
        self._schedule_flush()

    def _queue(self, topic: bytes, item: Any) -> None:
        pending = self._pending.get(topic)
        if pending is None:
            self._pending[topic] = [item]
        else:
            pending.append(item)
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        """Send everything queued: one message per tick or bar topic, one per event."""
        self._flush_scheduled = False
        pending, self._pending = self._pending, {}
        now = time.time_ns()
        for topic, items in pending.items():
            self._send(topic, schema.encode(items), now)
        if self._events:
            events, self._events = self._events, []
            if isinstance(self.state, EngineMarket):
                self.state.engine.commit()  # nothing is shown before it is recorded
            for event in events:
                self._send(schema.event_topic(type(event).__name__), schema.encode(event), now)

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
            if isinstance(self.state, EngineMarket):
                for event in self.state.remark():
                    self.on_event(event)
            await asyncio.sleep(self.heartbeat_s)

    # ---- requests --------------------------------------------------------------------------
    def _answer_or_refuse(self, frame: bytes) -> bytes:
        try:
            return self.answer(frame)
        except schema.SchemaError as exc:
            self.bad_requests += 1
            log.warning("spot server: dropped a malformed request: %s", exc)
            return schema.error_reply(str(exc))

    @staticmethod
    def answer_later(frame: bytes) -> bool:
        """Whether a request takes long to answer (a session, a history): those take turns."""
        try:
            request = schema.decode_request(frame)
        except schema.SchemaError:
            return False
        return isinstance(request, schema.SessionRequest | schema.HistoryRequest)

    def answer(self, frame: bytes) -> bytes:
        request = schema.decode_request(frame)
        state = self.state
        if isinstance(request, schema.InstrumentsRequest):
            return schema.encode(schema.Reply(instruments=list(state.instruments.values())))
        if isinstance(request, schema.SnapshotRequest):
            wanted = request.symbols or list(state.latest)
            ticks = [state.latest[s] for s in wanted if s in state.latest]
            return schema.encode(schema.Reply(ticks=ticks))
        if isinstance(request, schema.SessionRequest | schema.CommandRequest):
            if not isinstance(state, EngineMarket):
                raise schema.SchemaError(f"{type(request).__name__}: this server publishes "
                                         "market data only (no engine behind it)")  # fmt: skip
            if isinstance(request, schema.SessionRequest):
                return schema.encode(schema.Reply(session=state.session(request.bars)))
            command = schema.decode_command(request)
            log.info("spot server: command from a remote GUI: %s", command)
            # Refusals come back as CommandRejected events on the PUB socket, as in-process.
            state.bus.publish(command)
            state.engine.commit()  # "ok" only for what a crash would not lose
            return schema.encode(schema.Reply())
        if request.symbol not in state.instruments:
            return schema.error_reply(f"history: unknown symbol '{request.symbol}'")
        if request.timeframe not in SUPPORTED:
            return schema.error_reply(f"history: timeframe '{request.timeframe}' is not one of "
                                      f"{', '.join(SUPPORTED)}")  # fmt: skip
        try:
            history = state.history_bars(request.symbol, request.timeframe)
        except ValueError as exc:  # e.g. finer than the bars the engine builds
            return schema.error_reply(f"history: {exc}")
        bars = [bar for bar in history if request.start <= bar.start <= request.end]
        return schema.encode(schema.Reply(bars=bars))
