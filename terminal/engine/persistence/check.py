"""The trading store's health at start-up: find damage, and recover what is readable.

:func:`inspect_store` runs before anything opens ``trading.sqlite`` for writing (SQLite would
fold a damaged log into the file, or drop its tail, without a word): the file's header against
its size (truncation), the write-ahead log frame by frame (``store_wal``), then SQLite's
``PRAGMA integrity_check`` on a read-only connection. Each problem is one line naming the file
and what is wrong. A damaged store is never taken for another schema version.

:func:`recover_store` (``--recover``) keeps the original files under a new name, reads every
row that can still be read — the log without its damaged transactions, a truncated file up to
its last page, each table row by row around unreadable pages — into a new store, and returns
what it kept and what was lost.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import struct
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from terminal.domain.contingent import ContingentGroup
from terminal.domain.enums import OrderStatus
from terminal.domain.orders import Account, Fill, Order

SQLITE_MAGIC = b"SQLite format 3\x00"
RECOVER_HINT = (
    "the terminal will not trade on it: start with --recover to keep what is readable in a "
    "new store (the original is kept beside it), or move the file away"
)
# Each table's columns as the store writes them, and how a row is checked before it is kept.
TABLES: dict[str, tuple[str, ...]] = {
    "orders": ("order_id", "updated_ns", "data"),
    "transitions": ("seq", "order_id", "status", "ts", "filled", "average", "reason"),
    "fills": ("fill_id", "order_id", "ts", "data"),
    "accounts": ("seq", "broker", "ts", "data"),
    "meta": ("key", "value"),
    "breaker_trips": ("seq", "breaker", "target", "scope", "reason", "ts", "rearmed_ns"),
    "amendments": ("seq", "order_id", "ts", "price", "quantity", "trigger"),
    "contingent": ("group_id", "done", "updated_ns", "data"),
}
OPTIONAL = ("breaker_trips", "meta", "amendments", "contingent")
"""Tables an older version lacked: their absence is no loss."""
_DECODERS: dict[str, msgspec.msgpack.Decoder[Any]] = {
    "orders": msgspec.msgpack.Decoder(Order),
    "fills": msgspec.msgpack.Decoder(Fill),
    "accounts": msgspec.msgpack.Decoder(Account),
    "contingent": msgspec.msgpack.Decoder(ContingentGroup),
}
_STATUSES = {status.value for status in OrderStatus}
WINDOW = 4096  # rowids read at once when a table is damaged
MAX_FAILED_READS = 2_000_000  # past this, the rest of a table counts as lost (bounded time)


class StoreDamaged(ValueError):
    """The trading store cannot be trusted; the message is one line saying why."""


def inspect_store(path: Path) -> list[str]:
    """What is wrong with the store at ``path`` ([] when it is sound or does not exist)."""
    if not path.exists():
        return []
    from terminal.engine.persistence.wal import scan_wal  # numpy: only when there is a store

    wal = scan_wal(Path(f"{path}-wal"))
    # With committed frames in the log, SQLite reads the newest pages from there (a crash
    # in a checkpoint can leave the file shorter than its header says): the integrity
    # check below judges the pair.
    problems = _file_problems(path, sized=wal is None or not wal.committed)
    if wal is not None and wal.damaged:
        if not wal.header_ok:
            problems.append(f"{path}-wal: its header is damaged: SQLite would ignore all "
                            f"{wal.frames:,} frames in it")  # fmt: skip
        else:
            first = wal.bad[0] if wal.bad else wal.valid
            problems.append(
                f"{path}-wal: frame {first + 1:,} of {wal.frames:,} fails its checksum; "
                f"SQLite would silently drop the {wal.dropped:,} frames after it, holding "
                f"{wal.dropped_commits:,} committed transactions"
            )
    if problems:
        return problems  # an integrity check would read past the damage (or trust it)
    return _integrity_problems(path)


def _file_problems(path: Path, sized: bool = True) -> list[str]:
    size = path.stat().st_size
    if size == 0:
        if Path(f"{path}-wal").exists():
            return []  # everything is still in the log: normal after a crash
        return [f"{path}: the file is empty (0 bytes) and there is no log beside it"]
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return [f"{path}: not an SQLite database (it begins {header[:16]!r}, {size:,} bytes)"]
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages, change, valid_for = struct.unpack(">I", header[28:32])[0], header[24:28], header[92:96]
    if sized and change == valid_for and pages * page_size > size:
        return [
            f"{path}: truncated: the file is {size:,} bytes but its header says "
            f"{pages * page_size:,} ({pages:,} pages of {page_size:,})"
        ]
    return []


def _integrity_problems(path: Path) -> list[str]:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            rows = [row[0] for row in db.execute("PRAGMA integrity_check(20)")]
    except sqlite3.DatabaseError as exc:
        return [f"{path}: SQLite cannot read it: {exc}"]
    if rows == ["ok"]:
        return []
    # One line: SQLite's report spans lines and opens with a banner.
    found = [
        line.strip()
        for row in rows
        for line in row.splitlines()
        if line.strip() and not line.startswith("***")
    ]
    more = f" (+{len(found) - 3} more)" if len(found) > 3 else ""
    return [f"{path}: integrity check failed: {'; '.join(found[:3])}{more}"]


def damage_message(problems: list[str]) -> str:
    """The one line a refused start prints."""
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return f"trading store damaged: {problems[0]}{more}; {RECOVER_HINT}"


# ---- recovery ------------------------------------------------------------------------------
def recover_store(path: Path, problems: list[str], schema: str, version: str) -> list[str]:
    """Move the damaged store aside, salvage every readable row into a new store at
    ``path`` (created with ``schema``, of schema ``version``), and return the report, one
    line each."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.rename(Path(f"{aside}{suffix}"))
    report = list(problems)
    report.append(f"the damaged store is kept as {aside} (with its -wal and -shm, if any)")
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        copy, notes = _readable_copy(aside, Path(scratch) / "copy.sqlite")
        report += notes
        kept, lost = _salvage(copy, path, schema, version)
    report.append("recovered into a new store: " + ", ".join(
        f"{count:,} {table}" for table, count in kept.items()))  # fmt: skip
    report += lost or ["no row of the tables was unreadable"]
    return report


def _readable_copy(aside: Path, copy: Path) -> tuple[Path, list[str]]:
    """A copy SQLite can open: the log without its damaged transactions, and a truncated
    file's header made to claim only the pages it has."""
    from terminal.engine.persistence.wal import repaired_wal

    notes: list[str] = []
    shutil.copyfile(aside, copy)
    log = Path(f"{aside}-wal")
    if log.exists() and log.stat().st_size:
        left_out = repaired_wal(log, Path(f"{copy}-wal"))
        if left_out:
            notes.append(
                f"lost: {left_out:,} frames of the log (the damaged transactions and an "
                "uncommitted tail); what they wrote and no later transaction rewrote is gone"
            )
    size = copy.stat().st_size
    if size >= 100:
        with copy.open("r+b") as handle:
            header = handle.read(100)
            page_size = struct.unpack(">H", header[16:18])[0]
            page_size = 65536 if page_size == 1 else page_size
            pages = struct.unpack(">I", header[28:32])[0]
            if header.startswith(SQLITE_MAGIC) and pages * page_size > size:
                handle.seek(28)
                handle.write(struct.pack(">I", size // page_size))
                notes.append(f"lost: the {pages - size // page_size:,} pages past the "
                             "truncated end of the file")  # fmt: skip
    return copy, notes


def _salvage(
    copy: Path, target: Path, schema: str, version: str
) -> tuple[dict[str, int], list[str]]:
    kept: dict[str, int] = {}
    lost: list[str] = []
    with contextlib.closing(sqlite3.connect(target, isolation_level=None)) as out:
        out.execute("PRAGMA journal_mode=WAL")
        out.executescript(schema)
        try:
            source = sqlite3.connect(copy)
        except sqlite3.DatabaseError as exc:
            return {table: 0 for table in TABLES}, [f"lost: everything: {exc}"]
        with contextlib.closing(source):
            existing = _tables(source)
            if not existing:
                lost.append("lost: everything: no table could be read")
            order_ids: set[str] = set()
            for table, columns in TABLES.items():
                if table not in existing:
                    kept[table] = 0
                    if table not in OPTIONAL and existing:
                        lost.append(f"lost: the whole {table} table (unreadable)")
                    continue
                rows, gaps = _rows(source, table, columns)
                good = [row for row in rows if _sound(table, row)]
                out.execute("BEGIN")
                marks = ", ".join("?" * len(columns))
                out.executemany(
                    f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                    good,
                )
                out.execute("COMMIT")
                kept[table] = len(good)
                if table == "orders":
                    order_ids = {row[0] for row in good}
                if gaps:
                    spans = ", ".join(_span(lo, hi) for lo, hi in gaps[:5])
                    lost.append(f"lost: {table} rows at rowids {spans} (unreadable pages)")
                if len(rows) > len(good):
                    lost.append(f"lost: {len(rows) - len(good):,} {table} rows whose "
                                "contents are garbled")  # fmt: skip
            orphans = sorted(
                {row[0] for row in out.execute("SELECT order_id FROM transitions")} - order_ids
            )
            if orphans:
                shown = ", ".join(orphans[:10]) + (" …" if len(orphans) > 10 else "")
                lost.append(f"lost: the records of {len(orphans):,} orders whose transitions "
                            f"survive: {shown}")  # fmt: skip
                out.execute(
                    f"DELETE FROM transitions WHERE order_id IN ({', '.join('?' * len(orphans))})",
                    orphans,
                )
            out.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (version,))
    return kept, lost


def _tables(db: sqlite3.Connection) -> set[str]:
    try:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError:
        return set()


def _rows(
    db: sqlite3.Connection, table: str, columns: tuple[str, ...]
) -> tuple[list[tuple[Any, ...]], list[tuple[int, int | None]]]:
    """Every readable row of ``table`` in rowid order, and the rowid spans that could not
    be read. Whole if it can; else window by window, halving each window that fails."""
    select = f"SELECT rowid, {', '.join(columns)} FROM {table}"
    try:
        return [row[1:] for row in db.execute(f"{select} ORDER BY rowid")], []
    except sqlite3.DatabaseError:
        pass
    low = _edge(db, table, "min") or 1
    high, open_end = _last_rowid(db, table, low)
    rows: list[tuple[Any, ...]] = []
    unreadable: list[int] = []
    budget = [MAX_FAILED_READS]
    for start in range(low, high + 1, WINDOW):
        stop = min(high, start + WINDOW - 1)
        for row in _bisect(db, select, start, stop, unreadable, budget):
            rows.append(row[1:])
    gaps: list[tuple[int, int | None]] = []
    for rowid in unreadable:
        if gaps and gaps[-1][1] == rowid - 1:
            gaps[-1] = (gaps[-1][0], rowid)
        else:
            gaps.append((rowid, rowid))
    if open_end or not budget[0]:
        gaps.append((high + 1, None))
    return rows, gaps


def _edge(db: sqlite3.Connection, table: str, which: str) -> int | None:
    try:
        row = db.execute(f"SELECT {which}(rowid) FROM {table}").fetchone()
    except sqlite3.DatabaseError:
        return None
    return None if row is None or row[0] is None else int(row[0])


def _last_rowid(db: sqlite3.Connection, table: str, low: int) -> tuple[int, bool]:
    """The highest rowid worth reading, and whether the end could not be found (a seek past
    some point always fails: everything after the last row found counts as lost)."""
    last = _edge(db, table, "max")
    if last is not None:
        return last, False
    found, step = low, 1
    while step < 2**40:
        try:
            row = db.execute(
                f"SELECT rowid FROM {table} WHERE rowid >= ? ORDER BY rowid LIMIT 1",
                (low + step,),
            ).fetchone()
        except sqlite3.DatabaseError:
            step *= 2
            continue
        if row is None:
            return low + step - 1, False  # a clean seek past the last row
        found = max(found, int(row[0]))
        step *= 2
    return found, True


def _bisect(
    db: sqlite3.Connection,
    select: str,
    low: int,
    high: int,
    unreadable: list[int],
    budget: list[int],
) -> Iterator[Any]:
    """The rows between rowids ``low`` and ``high`` that can be read; the rowids that cannot
    go to ``unreadable``. ``budget`` counts the failed reads still allowed."""
    if low > high or budget[0] <= 0:
        return
    try:
        rows = db.execute(f"{select} WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
                          (low, high)).fetchall()  # fmt: skip
    except sqlite3.DatabaseError:
        budget[0] -= 1
        if low == high:
            unreadable.append(low)
            return
        middle = (low + high) // 2
        yield from _bisect(db, select, low, middle, unreadable, budget)
        yield from _bisect(db, select, middle + 1, high, unreadable, budget)
        return
    yield from rows


def _sound(table: str, row: tuple[Any, ...]) -> bool:
    """Whether a row read back is what the store wrote (a page can be readable yet garbled)."""
    decoder = _DECODERS.get(table)
    try:
        if decoder is not None:
            decoder.decode(row[-1])
        if table == "transitions" and row[2] not in _STATUSES:
            return False
    except (msgspec.DecodeError, TypeError):
        return False
    return True


def _span(low: int, high: int | None) -> str:
    if high is None:
        return f"{low:,} and after"
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"
