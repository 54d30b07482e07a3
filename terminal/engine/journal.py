"""The run journal: every event entering the strategy layer, appended to one file per run.

Format: the magic ``TJNL``, a little-endian u16 format version, then records, each a u32 length
and a msgpack-encoded record (a tagged array, see ``Record``). The records are written in the
order the strategy runner *received* them, which is also the order it delivers them, so a
replay that feeds them back in file order reproduces every handler call (``replay.py``).

Inputs: ``setup`` (instruments, brokers, and the accounts and positions the run began with),
``tick``, ``bar`` (closed bars), ``order``, ``fill``, and the strategy commands (``add``,
``edit``, ``start`` with the warm-up history it fed, ``stop``, ``remove``), plus other GUI
commands for the record (``command``).
Outputs, for comparison in a replay: ``submit`` and ``cancel`` by a strategy instance.
"""

from __future__ import annotations

import logging
import struct
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar, Tick
from terminal.domain.orders import Account, Fill, Order, OrderRequest, Position

log = logging.getLogger("terminal.journal")

MAGIC = b"TJNL"
VERSION = 2
"""2: ``add`` records may carry several symbols. Version 1 files read as they are (their
``add`` records simply lack the trailing fields); a reader of version 1 alone refuses a
version 2 file rather than replaying a multi-symbol instance on its first symbol only."""
READABLE = (1, 2)
_HEADER = struct.Struct("<4sH")
_LENGTH = struct.Struct("<I")


class _Rec(msgspec.Struct, frozen=True, array_like=True, tag_field="k"):
    ts: int


class SetupRec(_Rec, frozen=True, tag="setup"):
    instruments: list[Instrument]
    brokers: list[str]
    accounts: list[Account] = []
    """The brokers' accounts as the run began (files written before lack it: none)."""
    positions: list[Position] = []
    """The positions held as the run began, carried over from earlier runs."""


class TickRec(_Rec, frozen=True, tag="tick"):
    tick: Tick


class BarRec(_Rec, frozen=True, tag="bar"):
    bar: Bar


class OrderRec(_Rec, frozen=True, tag="order"):
    order: Order


class FillRec(_Rec, frozen=True, tag="fill"):
    fill: Fill


class AddRec(_Rec, frozen=True, tag="add"):
    instance: str
    strategy: str
    symbol: str
    """The primary symbol."""
    broker: str
    params: dict[str, Any]
    warmup: int
    position: float
    """The primary symbol's position when added (restored state)."""
    symbols: list[str] = []
    """Since version 2: every symbol of a multi-symbol instance, primary first; empty for a
    single-symbol one."""
    positions: dict[str, float] = {}
    """Since version 2: the position per symbol of a multi-symbol instance."""

    def all_symbols(self) -> list[str]:
        return list(self.symbols) or [self.symbol]

    def all_positions(self) -> dict[str, float]:
        return dict(self.positions) or {self.symbol: self.position}


class EditRec(_Rec, frozen=True, tag="edit"):
    instance: str
    params: dict[str, Any]
    warmup: int


class StartRec(_Rec, frozen=True, tag="start"):
    instance: str
    history: list[Bar]


class StopRec(_Rec, frozen=True, tag="stop"):
    instance: str
    cancel_orders: bool


class RemoveRec(_Rec, frozen=True, tag="remove"):
    instance: str


class CommandRec(_Rec, frozen=True, tag="command"):
    name: str
    payload: dict[str, Any]


class SubmitRec(_Rec, frozen=True, tag="submit"):
    instance: str
    order_id: str
    request: OrderRequest


class CancelRec(_Rec, frozen=True, tag="cancel"):
    instance: str
    order_id: str


Record = (
    SetupRec | TickRec | BarRec | OrderRec | FillRec | AddRec | EditRec | StartRec | StopRec
    | RemoveRec | CommandRec | SubmitRec | CancelRec
)


class JournalError(ValueError):
    """A file that is not a journal, or one of another format version."""


class JournalWriter:
    """Appends records to ``path`` (buffered; flushed by :meth:`flush` and on close)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file: BinaryIO | None = path.open("wb")
        self._file.write(_HEADER.pack(MAGIC, VERSION))
        self._encoder = msgspec.msgpack.Encoder()
        self._buffer = bytearray()
        self.records = 0

    def write(self, record: Record) -> None:
        if self._file is None:
            return
        start = len(self._buffer)
        self._buffer.extend(b"\0\0\0\0")
        self._encoder.encode_into(record, self._buffer, -1)
        _LENGTH.pack_into(self._buffer, start, len(self._buffer) - start - 4)
        self.records += 1
        if len(self._buffer) > 1 << 20:
            self.flush()

    def flush(self) -> None:
        if self._file is not None and self._buffer:
            self._file.write(self._buffer)
            self._file.flush()
            self._buffer.clear()

    def close(self) -> None:
        if self._file is not None:
            self.flush()
            self._file.close()
            self._file = None
            log.info("journal: %d records written to %s", self.records, self.path)


def read_journal(path: Path, problems: list[str] | None = None) -> list[Record]:
    """Every record of a journal file. A truncated last record (a crash) is dropped, and said
    so in ``problems`` when given. A damaged record raises :class:`JournalError`."""
    data = path.read_bytes()
    if len(data) < _HEADER.size:
        raise JournalError(f"{path} is not a journal (too short)")
    magic, version = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise JournalError(f"{path} is not a journal (starts with {magic!r}, not {MAGIC!r})")
    if version not in READABLE:
        readable = " and ".join(str(v) for v in READABLE)
        raise JournalError(f"{path} is journal format version {version}; this reads {readable}")
    decoder = msgspec.msgpack.Decoder(Record)
    records: list[Record] = []
    offset, view = _HEADER.size, memoryview(data)
    while offset < len(data):
        whole_length = offset + 4 <= len(data)
        end = offset + 4 + _LENGTH.unpack_from(data, offset)[0] if whole_length else len(data)
        if not whole_length or end > len(data):
            problem = (
                f"{path} is truncated: its last record (at byte {offset}) is incomplete and "
                f"was dropped; {len(records)} complete records remain"
            )
            log.warning("journal %s", problem)
            if problems is not None:
                problems.append(problem)
            break
        try:
            records.append(decoder.decode(view[offset + 4 : end]))
        except msgspec.MsgspecError as exc:
            raise JournalError(
                f"{path}: record {len(records) + 1} (at byte {offset}) is damaged: {exc}"
            ) from None
        offset = end
    return records
