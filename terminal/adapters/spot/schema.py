"""The wire schema of the spot server, version 1 (documented in docs/serving.md).

PUB messages are three ZeroMQ frames::

    topic    UTF-8: "tick/<symbol>/", "bar/<timeframe>/<symbol>/", "evt/<Kind>/" or "hb/"
    header   msgpack array [version, server_id, seq, sent_ns]
    payload  msgpack: a list of Tick maps (tick topics), a list of Bar maps (bar topics),
             one event map (evt topics: OrderEvent, FillEvent, … named in EVENTS), or nil
             (heartbeat). Field names are those of terminal.domain.

Topics end with "/" so that a subscription to one symbol never matches a longer one.
``seq`` counts messages per topic from 1 for one ``server_id`` (chosen at each start), so a
subscriber sees a gap as a jump in ``seq`` and a restarted server as a new ``server_id``.

REQ/REP requests and replies are single msgpack maps. Every reply carries all of ``v``,
``ok``, ``error`` ("" when ok), ``instruments``, ``ticks``, ``bars`` ([] unless asked for) and
``session`` (nil unless asked for)::

    {"v": 1, "op": "instruments"}                 → {"v": 1, "ok": true, "instruments": [...], …}
    {"v": 1, "op": "snapshot", "symbols": [...]}  → {"v": 1, "ok": true, "ticks": [...], …}
    {"v": 1, "op": "history", "symbol": S, "timeframe": T, "start": ns, "end": ns}
                                                  → {"v": 1, "ok": true, "bars": [...], …}
    {"v": 1, "op": "session", "bars": N}          → {"v": 1, "ok": true, "session": {...}, …}
    {"v": 1, "op": "command", "kind": K, "command": {...}}  → {"v": 1, "ok": true, …}
    anything wrong                                → {"v": 1, "ok": false, "error": "...", …}
"""

from __future__ import annotations

from typing import Any

import msgspec

from terminal.domain.alerts import AlertTestResult, MailAlertEvent
from terminal.domain.contingent import (
    ContingentEvent,
    ContingentGroup,
    ModifyOrder,
    SubmitBracket,
    SubmitOco,
    SubmitTrailingStop,
)
from terminal.domain.events import (
    AccountEvent,
    AddStrategy,
    BreakerRearmed,
    BreakerTripped,
    CancelOrder,
    CommandRejected,
    FillEvent,
    KillSwitch,
    LogEvent,
    OrderEvent,
    PluginReport,
    PositionEvent,
    RearmBreaker,
    RemoveStrategy,
    StartStrategy,
    StopStrategy,
    StrategyStateEvent,
    SubmitOrder,
    WatchSymbols,
)
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar, FeedStatus, Tick
from terminal.domain.market_alerts import (
    AddAlert,
    Alert,
    AlertEvent,
    AlertFired,
    ModifyAlert,
    RearmAlert,
    RemoveAlert,
)
from terminal.domain.orders import Account, Fill, Order, Position
from terminal.domain.venue import BalancesEvent, ReconcileNotice, VenuePositionsEvent
from terminal.engine.monitoring.metrics import HealthSnapshot

VERSION = 1
TICK = "tick/"
BAR = "bar/"
HEARTBEAT = "hb/"
EVENT = "evt/"

# What a headless engine publishes besides ticks and bars, and the commands it accepts.
EVENTS: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (OrderEvent, FillEvent, PositionEvent, AccountEvent, StrategyStateEvent,
                FeedStatus, CommandRejected, LogEvent, MailAlertEvent, AlertTestResult,
                HealthSnapshot, BalancesEvent, VenuePositionsEvent, ReconcileNotice,
                BreakerTripped, BreakerRearmed, AlertEvent, AlertFired, ContingentEvent)
}  # fmt: skip
COMMANDS: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (SubmitOrder, CancelOrder, AddStrategy, StartStrategy, StopStrategy,
                RemoveStrategy, KillSwitch, WatchSymbols, RearmBreaker, AddAlert, ModifyAlert,
                RemoveAlert, RearmAlert, ModifyOrder, SubmitBracket, SubmitOco, SubmitTrailingStop)
}  # fmt: skip


class SchemaError(ValueError):
    """A message that does not follow the schema; the text says which part and why."""


class Header(msgspec.Struct, array_like=True, frozen=True):
    version: int
    server_id: str
    seq: int
    sent_ns: int


def event_topic(kind: str) -> bytes:
    return f"{EVENT}{kind}/".encode()


def tick_topic(symbol: str) -> bytes:
    return f"{TICK}{symbol}/".encode()


def bar_topic(timeframe: str, symbol: str) -> bytes:
    return f"{BAR}{timeframe}/{symbol}/".encode()


class InstrumentsRequest(msgspec.Struct, tag="instruments", tag_field="op", kw_only=True):
    v: int = VERSION


class SnapshotRequest(msgspec.Struct, tag="snapshot", tag_field="op", kw_only=True):
    v: int = VERSION
    symbols: list[str] = []


class HistoryRequest(msgspec.Struct, tag="history", tag_field="op", kw_only=True):
    v: int = VERSION
    symbol: str
    timeframe: str = "1m"
    start: int = 0
    end: int = 2**63 - 1


class SessionRequest(msgspec.Struct, tag="session", tag_field="op", kw_only=True):
    v: int = VERSION
    bars: int = 500
    """Closed 1m bars per instrument to include, newest last."""


class CommandRequest(msgspec.Struct, tag="command", tag_field="op", kw_only=True):
    v: int = VERSION
    kind: str
    command: msgspec.Raw


Request = InstrumentsRequest | SnapshotRequest | HistoryRequest | SessionRequest | CommandRequest


class Session(msgspec.Struct, kw_only=True):
    """What a remote GUI needs to show an engine it attaches to."""

    instruments: list[Instrument] = []
    brokers: dict[str, bool] = {}  # name → simulated
    broker_accounts: dict[str, list[str]] = {}  # name → its trading accounts
    strategy_plugins: list[str] = []
    plugins: list[PluginReport] = []
    statuses: list[FeedStatus] = []
    broker_names: list[str] = []  # which of the statuses are brokers'
    orders: list[Order] = []
    fills: list[Fill] = []
    positions: list[Position] = []
    accounts: list[Account] = []
    strategies: list[StrategyStateEvent] = []
    alerts: list[Alert] = []
    contingent: list[ContingentGroup] = []
    """The active brackets, OCO groups and trailing stops."""
    ticks: list[Tick] = []
    bars: list[Bar] = []


class Reply(msgspec.Struct, kw_only=True):
    """Every reply carries every key (defaults included), so a plain msgpack client reads
    ``v``, ``ok``, ``error`` and the field it asked for without a KeyError."""

    v: int = VERSION
    ok: bool = True
    error: str = ""
    instruments: list[Instrument] = []
    ticks: list[Tick] = []
    bars: list[Bar] = []
    session: Session | None = None


_encoder = msgspec.msgpack.Encoder()
_header = msgspec.msgpack.Decoder(Header)
_ticks = msgspec.msgpack.Decoder(list[Tick])
_bars = msgspec.msgpack.Decoder(list[Bar])
_request: msgspec.msgpack.Decoder[Request] = msgspec.msgpack.Decoder(Request)
_reply = msgspec.msgpack.Decoder(Reply)
_events = {kind: msgspec.msgpack.Decoder(cls) for kind, cls in EVENTS.items()}
_commands = {kind: msgspec.msgpack.Decoder(cls) for kind, cls in COMMANDS.items()}

encode = _encoder.encode


def encode_header(server_id: str, seq: int, sent_ns: int) -> bytes:
    return _encoder.encode(Header(VERSION, server_id, seq, sent_ns))


def _versioned(
    decoder: msgspec.msgpack.Decoder[Any], frame: bytes, what: str, version_field: str = "v"
) -> Any:
    """``frame`` decoded, if it decodes and its ``version_field`` is this schema's version;
    else a ``SchemaError`` naming ``what``."""
    try:
        message = decoder.decode(frame)
    except msgspec.DecodeError as exc:
        raise SchemaError(f"{what}: {exc}") from None
    version = getattr(message, version_field)
    if version != VERSION:
        raise SchemaError(f"{what}: version {version} is not the supported {VERSION}")
    return message


def decode_header(frame: bytes) -> Header:
    header: Header = _versioned(_header, frame, "header", "version")
    return header


def decode_payload(topic: str, frame: bytes) -> list[Tick] | list[Bar] | object | None:
    try:
        if topic.startswith(TICK):
            return _ticks.decode(frame)
        if topic.startswith(BAR):
            return _bars.decode(frame)
        if topic.startswith(EVENT):
            decoder = _events.get(topic[len(EVENT) : -1])
            if decoder is not None:
                return decoder.decode(frame)
    except msgspec.DecodeError as exc:
        raise SchemaError(f"payload of {topic}: {exc}") from None
    if topic == HEARTBEAT:
        return None
    raise SchemaError(f"topic '{topic}' is not tick/…, bar/…, evt/<known kind>/ or hb/")


def decode_command(request: CommandRequest) -> object:
    decoder = _commands.get(request.kind)
    if decoder is None:
        raise SchemaError(f"command: kind '{request.kind}' is not one of {', '.join(COMMANDS)}")
    try:
        return decoder.decode(request.command)
    except msgspec.DecodeError as exc:
        raise SchemaError(f"command {request.kind}: {exc}") from None


def command_request(command: object) -> CommandRequest:
    kind = type(command).__name__
    if kind not in COMMANDS:
        raise SchemaError(f"command: kind '{kind}' is not one of {', '.join(COMMANDS)}")
    return CommandRequest(kind=kind, command=msgspec.Raw(encode(command)))


def decode_request(frame: bytes) -> Request:
    request: Request = _versioned(_request, frame, "request")
    return request


def decode_reply(frame: bytes) -> Reply:
    reply: Reply = _versioned(_reply, frame, "reply")
    return reply


def error_reply(message: str) -> bytes:
    return encode(Reply(ok=False, error=message))
