"""The wire schema of the spot server, version 1 (documented in the README).

PUB messages are three ZeroMQ frames::

    topic    UTF-8: "tick/<symbol>/", "bar/<timeframe>/<symbol>/" or "hb/"
    header   msgpack array [version, server_id, seq, sent_ns]
    payload  msgpack: a list of Tick maps (tick topics), a list of Bar maps (bar topics),
             or nil (heartbeat). Field names are those of terminal.domain.market.

Topics end with "/" so that a subscription to one symbol never matches a longer one.
``seq`` counts messages per topic from 1 for one ``server_id`` (chosen at each start), so a
subscriber sees a gap as a jump in ``seq`` and a restarted server as a new ``server_id``.

REQ/REP requests and replies are single msgpack maps::

    {"v": 1, "op": "instruments"}                 → {"v": 1, "ok": true, "instruments": [...]}
    {"v": 1, "op": "snapshot", "symbols": [...]}  → {"v": 1, "ok": true, "ticks": [...]}
    {"v": 1, "op": "history", "symbol": S, "timeframe": T, "start": ns, "end": ns}
                                                  → {"v": 1, "ok": true, "bars": [...]}
    anything wrong                                → {"v": 1, "ok": false, "error": "..."}
"""

from __future__ import annotations

from typing import Any

import msgspec

from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar, Tick

VERSION = 1
TICK = "tick/"
BAR = "bar/"
HEARTBEAT = "hb/"


class SchemaError(ValueError):
    """A message that does not follow the schema; the text says which part and why."""


class Header(msgspec.Struct, array_like=True, frozen=True):
    version: int
    server_id: str
    seq: int
    sent_ns: int


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


Request = InstrumentsRequest | SnapshotRequest | HistoryRequest


class Reply(msgspec.Struct, kw_only=True, omit_defaults=True):
    v: int = VERSION
    ok: bool = True
    error: str = ""
    instruments: list[Instrument] = []
    ticks: list[Tick] = []
    bars: list[Bar] = []


_encoder = msgspec.msgpack.Encoder()
_header = msgspec.msgpack.Decoder(Header)
_ticks = msgspec.msgpack.Decoder(list[Tick])
_bars = msgspec.msgpack.Decoder(list[Bar])
_request: msgspec.msgpack.Decoder[Request] = msgspec.msgpack.Decoder(Request)
_reply = msgspec.msgpack.Decoder(Reply)

encode = _encoder.encode


def encode_header(server_id: str, seq: int, sent_ns: int) -> bytes:
    return _encoder.encode(Header(VERSION, server_id, seq, sent_ns))


def decode_header(frame: bytes) -> Header:
    try:
        header = _header.decode(frame)
    except msgspec.DecodeError as exc:
        raise SchemaError(f"header: {exc}") from None
    if header.version != VERSION:
        raise SchemaError(f"header: version {header.version} is not the supported {VERSION}")
    return header


def decode_payload(topic: str, frame: bytes) -> list[Tick] | list[Bar] | None:
    try:
        if topic.startswith(TICK):
            return _ticks.decode(frame)
        if topic.startswith(BAR):
            return _bars.decode(frame)
    except msgspec.DecodeError as exc:
        raise SchemaError(f"payload of {topic}: {exc}") from None
    if topic == HEARTBEAT:
        return None
    raise SchemaError(f"topic '{topic}' is not tick/…, bar/… or hb/")


def _versioned(decoder: msgspec.msgpack.Decoder[Any], frame: bytes, what: str) -> Any:
    try:
        message = decoder.decode(frame)
    except msgspec.DecodeError as exc:
        raise SchemaError(f"{what}: {exc}") from None
    if message.v != VERSION:
        raise SchemaError(f"{what}: version {message.v} is not the supported {VERSION}")
    return message


def decode_request(frame: bytes) -> Request:
    request: Request = _versioned(_request, frame, "request")
    return request


def decode_reply(frame: bytes) -> Reply:
    reply: Reply = _versioned(_reply, frame, "reply")
    return reply


def error_reply(message: str) -> bytes:
    return encode(Reply(ok=False, error=message))
