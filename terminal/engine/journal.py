"""The run journal: every event entering the strategy layer, appended to one file per run.

Format: the magic ``TJNL``, a little-endian u16 format version, then records. Since version 3
each record is framed as ``u32 length | u32 CRC-32 of those four length bytes | msgpack record
(a tagged array, see ``Record``) | u32 CRC-32 of the record``, and a closed journal ends with
an ``end`` record. So a reader tells a *truncated* tail (a sound frame whose bytes stop at the
end of the file: the run was cut off mid-write) from *damage* (a frame or record whose check
fails: the file was altered), and a run that was killed (no ``end``) from one that closed.
Versions 1 and 2 framed a record with its u32 length alone and had no ``end``.

The records are written in the order the strategy runner *received* them, which is also the
order it delivers them, so a replay that feeds them back in file order reproduces every
handler call (``replay.py``). They reach the file at the latest ``FLUSH_INTERVAL_S`` after
they were written (sooner past 1 MB): a killed process loses at most that much of its tail.

Inputs: ``setup`` (instruments, brokers, and the accounts and positions the run began with),
``tick``, ``bar`` (closed bars), ``order``, ``fill``, and the strategy commands (``add``,
``edit``, ``start`` with the warm-up history it fed, ``stop``, ``remove``), plus other GUI
commands for the record (``command``).
Outputs, for comparison in a replay: ``submit`` and ``cancel`` by a strategy instance.
"""

from __future__ import annotations

import asyncio
import logging
import struct
import zlib
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar, Tick
from terminal.domain.orders import Account, Fill, Order, OrderRequest, Position

log = logging.getLogger("terminal.journal")

MAGIC = b"TJNL"
VERSION = 3
"""2: ``add`` records may carry several symbols. Version 1 files read as they are (their
``add`` records simply lack the trailing fields); a reader of version 1 alone refuses a
version 2 file rather than replaying a multi-symbol instance on its first symbol only.
3: checked frames and the ``end`` record (module docstring)."""
READABLE = (1, 2, 3)
FLUSH_INTERVAL_S = 0.2
FLUSH_BYTES = 1 << 20
_HEADER = struct.Struct("<4sH")
_LENGTH = struct.Struct("<I")
_FRAME = struct.Struct("<II")  # length, CRC-32 of the length
_CHECKED = 3  # the first version with checked frames
_NO_FRAME = bytes(_FRAME.size)


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


class EndRec(_Rec, frozen=True, tag="end"):
    """The last record of a journal closed by its run (since version 3); never returned by
    the readers, which report its absence instead."""

    records: int
    """How many records came before it."""


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
_Stored = Record | EndRec


class JournalError(ValueError):
    """A file that is not a journal, or one of another format version."""


class JournalWriter:
    """Appends records to ``path``. They are buffered and reach the file within
    ``flush_interval_s`` on a running event loop (at once without one), sooner past 1 MB, and
    at :meth:`close`, which also writes the ``end`` record."""

    def __init__(self, path: Path, flush_interval_s: float = FLUSH_INTERVAL_S) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.flush_interval_s = flush_interval_s
        self._file: BinaryIO | None = path.open("wb")
        self._file.write(_HEADER.pack(MAGIC, VERSION))
        self._file.flush()
        self._encoder = msgspec.msgpack.Encoder()
        self._buffer = bytearray()
        self._flush_timer: asyncio.TimerHandle | None = None
        self.records = 0

    def write(self, record: Record) -> None:
        if self._file is None:
            return
        self._append(record)
        self.records += 1
        if len(self._buffer) > FLUSH_BYTES:
            self.flush()
        elif self._flush_timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # a script or test without a loop: nothing would flush later
                self.flush()
                return
            self._flush_timer = loop.call_later(self.flush_interval_s, self.flush)

    def _append(self, record: _Stored) -> None:
        buffer = self._buffer
        start = len(buffer)
        buffer.extend(_NO_FRAME)
        self._encoder.encode_into(record, buffer, -1)
        length = len(buffer) - start - _FRAME.size
        _FRAME.pack_into(buffer, start, length, zlib.crc32(_LENGTH.pack(length)))
        buffer.extend(_LENGTH.pack(zlib.crc32(buffer[start + _FRAME.size :])))

    def flush(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        if self._file is not None and self._buffer:
            self._file.write(self._buffer)
            self._file.flush()
            self._buffer.clear()

    def close(self) -> None:
        if self._file is not None:
            self._append(EndRec(0, self.records))
            self.flush()
            self._file.close()
            self._file = None
            log.info("journal: %d records written to %s", self.records, self.path)


class JournalScan(msgspec.Struct):
    """What a journal file holds: its readable records, and what is wrong with the rest."""

    records: list[Record]
    problems: list[str]
    """One line each: a truncated tail, damage, a run that did not close its journal."""
    damaged: bool = False
    """A record could not be read (not merely missing at the end): what follows is lost."""


def scan_journal(path: Path) -> JournalScan:
    """Every readable record of a journal file, and its problems. Raises
    :class:`JournalError` (or ``OSError``) for a file that is not a journal at all."""
    data = path.read_bytes()
    if len(data) < _HEADER.size:
        raise JournalError(f"{path} is not a journal (too short)")
    magic, version = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise JournalError(f"{path} is not a journal (starts with {magic!r}, not {MAGIC!r})")
    if version not in READABLE:
        readable = ", ".join(str(v) for v in READABLE[:-1]) + f" and {READABLE[-1]}"
        raise JournalError(f"{path} is journal format version {version}; this reads {readable}")
    return _Reader(path, data, version).scan()


def read_journal(path: Path, problems: list[str] | None = None) -> list[Record]:
    """Every record of a journal file. Damage raises :class:`JournalError`; a truncated tail
    or a run that did not close is logged, and added to ``problems`` when given, with the
    records before it returned."""
    scan = scan_journal(path)
    if scan.damaged:
        raise JournalError(scan.problems[-1])
    for problem in scan.problems:
        log.warning("journal %s", problem)
    if problems is not None:
        problems.extend(scan.problems)
    return scan.records


class _Reader:
    def __init__(self, path: Path, data: bytes, version: int) -> None:
        self.path, self.data, self.version = path, data, version
        self.records: list[Record] = []
        self.problems: list[str] = []
        self.damaged = False

    def scan(self) -> JournalScan:
        data, view, offset = self.data, memoryview(self.data), _HEADER.size
        decoder = msgspec.msgpack.Decoder(_Stored)
        checked = self.version >= _CHECKED
        frame = _FRAME.size if checked else _LENGTH.size
        trailer = _LENGTH.size if checked else 0
        end_record: EndRec | None = None
        while offset < len(data):
            if end_record is not None:
                return self._damage(f"{len(data) - offset} bytes follow the end of the run")
            if offset + frame > len(data):
                return self._truncated(offset)
            length = _LENGTH.unpack_from(data, offset)[0]
            if checked and _FRAME.unpack_from(data, offset)[1] != zlib.crc32(
                view[offset : offset + 4]
            ):
                return self._damage(f"{self._at(offset)}: its length field is damaged")
            end = offset + frame + length + trailer
            if end > len(data):
                if not checked and len(data) - offset > 2 * FLUSH_BYTES:
                    # Unchecked versions flushed at most ~1 MB at a time: a torn write
                    # cannot leave this much behind it. The length is damaged.
                    return self._damage(f"{self._at(offset)}: its length {length} runs past "
                                        f"the end of the file")  # fmt: skip
                return self._truncated(offset)
            payload = view[offset + frame : offset + frame + length]
            if checked and _LENGTH.unpack_from(data, end - trailer)[0] != zlib.crc32(payload):
                return self._damage(f"{self._at(offset)}: its checksum does not match")
            try:
                record = decoder.decode(payload)
            except msgspec.MsgspecError as exc:
                return self._damage(f"{self._at(offset)}: {exc}")
            if isinstance(record, EndRec):
                end_record = record
            else:
                self.records.append(record)
            offset = end
        if checked and end_record is None:
            self.problems.append(
                f"{self.path} was not closed by its run (killed, crashed, or still running): "
                f"what it received in its last {FLUSH_INTERVAL_S:g} s may be missing; "
                f"{len(self.records)} records were read"
            )
        elif end_record is not None and end_record.records != len(self.records):
            return self._damage(
                f"the run wrote {end_record.records} records but {len(self.records)} are here"
            )
        return self._result()

    def _at(self, offset: int) -> str:
        return f"record {len(self.records) + 1} (at byte {offset})"

    def _truncated(self, offset: int) -> JournalScan:
        self.problems.append(
            f"{self.path} is truncated: its last record (at byte {offset}) is incomplete and "
            f"was dropped; {len(self.records)} complete records remain"
        )
        return self._result()

    def _damage(self, what: str) -> JournalScan:
        self.damaged = True
        self.problems.append(
            f"{self.path} is damaged: {what}; the {len(self.records)} records before it are "
            "readable, everything after it is lost"
        )
        return self._result()

    def _result(self) -> JournalScan:
        return JournalScan(self.records, self.problems, self.damaged)
