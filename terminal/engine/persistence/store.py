"""The trading record in SQLite (WAL): orders, every state transition and modification, fills,
contingent groups (brackets, OCO groups, trailing stops), account snapshots.

Every order write (a new order, a transition, a fill) is committed before it returns, and the
order book publishes the change only after that: nothing about an order leaves the process (a
reply to a remote GUI, an event to a subscriber, an email) before it would survive a crash of
the process (``kill -9``). WAL with ``synchronous=NORMAL`` keeps commits cheap: a commit is a
write to the log, not an fsync. An order's fixed fields are written once, when it is created;
after that each transition is one appended row (status, filled, average, reason), and loading
replays the latest one.

Account snapshots are history, not truth (a restart recomputes accounts from the fills): those
made during one turn of the event loop share one transaction, committed by a callback
scheduled with ``call_soon`` at the first of them (or by the next order write, or
:meth:`commit`). Without a running loop every write commits at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import logging
import sqlite3
from pathlib import Path
from typing import Any

import msgspec

from terminal.domain.contingent import ContingentGroup
from terminal.domain.enums import OrderStatus
from terminal.domain.events import BreakerTripped
from terminal.domain.orders import Account, Fill, Order
from terminal.engine.persistence.check import (
    StoreDamaged,
    damage_message,
    inspect_store,
    recover_store,
)

log = logging.getLogger("terminal.store")
__all__ = ["StoreDamaged", "TradingStore", "export_csv", "records_frame"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY, updated_ns INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS transitions (
    seq INTEGER PRIMARY KEY, order_id TEXT NOT NULL, status TEXT NOT NULL,
    ts INTEGER NOT NULL, filled REAL NOT NULL, average REAL NOT NULL, reason TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS fills (
    fill_id TEXT PRIMARY KEY, order_id TEXT NOT NULL, ts INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    seq INTEGER PRIMARY KEY, broker TEXT NOT NULL, ts INTEGER NOT NULL,
    data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS breaker_trips (
    seq INTEGER PRIMARY KEY, breaker TEXT NOT NULL, target TEXT NOT NULL, scope TEXT NOT NULL,
    reason TEXT NOT NULL, ts INTEGER NOT NULL, rearmed_ns INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS amendments (
    seq INTEGER PRIMARY KEY, order_id TEXT NOT NULL, ts INTEGER NOT NULL, price REAL NOT NULL,
    quantity REAL NOT NULL, trigger REAL NOT NULL);
CREATE TABLE IF NOT EXISTS contingent (
    group_id TEXT PRIMARY KEY, done INTEGER NOT NULL, updated_ns INTEGER NOT NULL,
    data BLOB NOT NULL);
"""
SCHEMA_VERSION = "3"
MIGRATES_FROM = ("2",)
"""Versions whose files are brought to this one in place: version 3 only added tables (order
modifications, contingent groups), which ``SCHEMA`` creates."""
# Rows are never deleted, so a plain INTEGER PRIMARY KEY numbers them in order like
# AUTOINCREMENT (files made before keep it), without a second page written per commit.


CHECKPOINT_S = 2.0
"""How often the WAL is folded into the database file (a crash loses nothing either way)."""

class TradingStore:
    """Append-mostly record of trading activity; one file per user data folder."""

    def __init__(self, path: Path, recover: bool = False) -> None:
        """Open (or create) the store at ``path`` after checking it: a damaged one raises
        :class:`StoreDamaged`, or with ``recover`` is replaced by what can be read of it
        (the report in :attr:`recovery`, each line also logged)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.recovery: list[str] = []
        problems = inspect_store(path)
        if problems:
            if not recover:
                raise StoreDamaged(damage_message(problems))
            self.recovery = recover_store(path, problems, SCHEMA, SCHEMA_VERSION)
            for line in self.recovery:
                log.warning("trading store recovery: %s", line)
        _set_aside_other_schema(path)
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        # No checkpoint on the loop: its fsyncs would stall whichever commit crossed the
        # threshold. The engine runs :meth:`checkpoint` on an executor instead.
        self._db.execute("PRAGMA wal_autocheckpoint=0")
        self._db.executescript(SCHEMA)
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        self._encoder = msgspec.msgpack.Encoder()
        self._commit_scheduled = False
        self._commit_now = False
        self._order_decoder = msgspec.msgpack.Decoder(Order)
        self._fill_decoder = msgspec.msgpack.Decoder(Fill)
        self._account_decoder = msgspec.msgpack.Decoder(Account)
        self._group_decoder = msgspec.msgpack.Decoder(ContingentGroup)

    def close(self) -> None:
        self.commit()
        self._db.close()

    def checkpoint(self) -> None:
        """Copy the WAL's committed pages into the database file (with its fsyncs), on a
        connection of its own: for an executor thread, never the loop. Passive: it never
        waits for, nor blocks, the loop's writes."""
        with contextlib.closing(sqlite3.connect(str(self.path), timeout=0.5)) as db:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    async def fold_wal_now_and_then(self) -> None:
        """Fold the WAL into the file every ``CHECKPOINT_S``, off the loop (the engine's
        connection has automatic checkpoints off: their fsyncs would stall a commit)."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(CHECKPOINT_S)
            try:
                await loop.run_in_executor(None, self.checkpoint)
            except sqlite3.Error as exc:  # busy or failing disk: the WAL keeps everything
                log.warning("trading store checkpoint failed: %s", exc)

    def commit(self) -> None:
        """Commit the open transaction, if any (idempotent, cheap when nothing is pending)."""
        self._commit_scheduled = False
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    def _begin(self) -> None:
        """Open a transaction committed at the end of this loop turn (snapshots)."""
        if not self._db.in_transaction:
            self._db.execute("BEGIN")
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self._commit_now = True
                return
            self._commit_now = False
            if not self._commit_scheduled:
                self._commit_scheduled = True
                loop.call_soon(self.commit)

    def _end(self) -> None:
        if self._commit_now:
            self.commit()

    # ---- writes: orders and fills committed on return, snapshots per loop turn ---------------
    def record_order(self, order: Order, created: bool = False) -> None:
        """Record a transition (and, for a new order, its fixed fields); committed on return."""
        # A lone transition outside a transaction commits by itself (autocommit): one call.
        if created and not self._db.in_transaction:
            self._db.execute("BEGIN")
        if created:
            self._db.execute(
                "INSERT INTO orders VALUES (?, ?, ?)",
                (order.order_id, order.created_ns, self._encoder.encode(order)),
            )
        self._insert_transition(order)
        self.commit()

    def record_fill(self, fill: Fill, order: Order) -> None:
        """A fill and the order state it produced, in one transaction committed on return."""
        if not self._db.in_transaction:
            self._db.execute("BEGIN")
        self._db.execute(
            "INSERT INTO fills VALUES (?, ?, ?, ?)",
            (fill.fill_id, fill.order_id, fill.ts, self._encoder.encode(fill)),
        )
        self._insert_transition(order)
        self.commit()

    def record_amendment(self, order: Order) -> None:
        """A modification of a working order (its new price, quantity and trigger), committed
        on return."""
        self._db.execute(
            "INSERT INTO amendments (order_id, ts, price, quantity, trigger) "
            "VALUES (?, ?, ?, ?, ?)",
            (order.order_id, order.updated_ns, order.price, order.quantity, order.trigger_price),
        )
        self.commit()

    def record_group(self, group: ContingentGroup) -> None:
        """A contingent group's latest state (replacing the one before), committed on return."""
        self._db.execute(
            "INSERT OR REPLACE INTO contingent VALUES (?, ?, ?, ?)",
            (group.group_id, int(group.done), group.updated_ns, self._encoder.encode(group)),
        )
        self.commit()

    def groups(self, done: bool = False) -> list[ContingentGroup]:
        """The contingent groups still active (with ``done``: every one), oldest first."""
        where = "" if done else " WHERE done = 0"
        rows = self._db.execute(f"SELECT data FROM contingent{where} ORDER BY rowid")
        return [self._group_decoder.decode(data) for (data,) in rows]

    def _insert_transition(self, order: Order) -> None:
        self._db.execute(
            "INSERT INTO transitions (order_id, status, ts, filled, average, reason) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                order.order_id,
                order.status.value,
                order.updated_ns,
                order.filled_quantity,
                order.average_price,
                order.reason,
            ),
        )

    def record_account(self, account: Account, ts: int) -> None:
        self._begin()
        self._db.execute(
            "INSERT INTO accounts (broker, ts, data) VALUES (?, ?, ?)",
            (account.broker, ts, self._encoder.encode(account)),
        )
        self._end()

    def record_trip(self, trip: BreakerTripped) -> None:
        """A circuit breaker's trip, committed at once (it must outlive a crash)."""
        self._db.execute(
            "INSERT INTO breaker_trips (breaker, target, scope, reason, ts) VALUES (?, ?, ?, ?, ?)",
            (trip.breaker, trip.target, trip.scope, trip.reason, trip.ts),
        )
        self.commit()

    def record_rearm(self, breaker: str, target: str, ts: int) -> None:
        self._db.execute(
            "UPDATE breaker_trips SET rearmed_ns = ? WHERE breaker = ? AND target = ? "
            "AND rearmed_ns = 0",
            (ts, breaker, target),
        )
        self.commit()

    def active_trips(self) -> list[BreakerTripped]:
        """Trips no person has re-armed yet, oldest first."""
        rows = self._db.execute(
            "SELECT breaker, target, scope, reason, ts FROM breaker_trips WHERE rearmed_ns = 0 "
            "ORDER BY seq"
        )
        return [BreakerTripped(*row) for row in rows]

    # ---- reads ---------------------------------------------------------------------------------
    def orders(self) -> list[Order]:
        """Every order in its latest recorded state, oldest first."""
        latest = {
            order_id: (status, ts, filled, average, reason)
            for order_id, status, ts, filled, average, reason in self._db.execute(
                "SELECT order_id, status, ts, filled, average, reason FROM transitions "
                "WHERE seq IN (SELECT MAX(seq) FROM transitions GROUP BY order_id)"
            )
        }
        amended = {
            order_id: (ts, price, quantity, trigger)
            for order_id, ts, price, quantity, trigger in self._db.execute(
                "SELECT order_id, ts, price, quantity, trigger FROM amendments "
                "WHERE seq IN (SELECT MAX(seq) FROM amendments GROUP BY order_id)"
            )
        }
        orders = []
        for (data,) in self._db.execute("SELECT data FROM orders ORDER BY rowid"):
            order = self._order_decoder.decode(data)
            status, ts, filled, average, reason = latest.get(
                order.order_id, (order.status.value, order.updated_ns, 0.0, 0.0, order.reason)
            )
            order = msgspec.structs.replace(
                order,
                status=OrderStatus(status),
                updated_ns=ts,
                filled_quantity=filled,
                average_price=average,
                reason=reason,
            )
            change = amended.get(order.order_id)
            if change is not None:
                amended_ts, price, quantity, trigger = change
                order = msgspec.structs.replace(
                    order, price=price, quantity=quantity, trigger_price=trigger,
                    updated_ns=max(ts, amended_ts),
                )  # fmt: skip
            orders.append(order)
        return orders

    def fills(self) -> list[Fill]:
        rows = self._db.execute("SELECT data FROM fills ORDER BY rowid")
        return [self._fill_decoder.decode(data) for (data,) in rows]

    def transitions(self, order_id: str) -> list[tuple[str, float, str]]:
        rows = self._db.execute(
            "SELECT status, filled, reason FROM transitions WHERE order_id = ? ORDER BY seq",
            (order_id,),
        )
        return list(rows)

    def latest_accounts(self) -> list[Account]:
        rows = self._db.execute(
            "SELECT data FROM accounts WHERE seq IN (SELECT MAX(seq) FROM accounts GROUP BY broker)"
        )
        return [self._account_decoder.decode(data) for (data,) in rows]


def _set_aside_other_schema(path: Path) -> None:
    """A file of another schema version is renamed (never overwritten), and the rename logged.
    Only a sound file gets here (``inspect_store``): what it cannot read is damage, not a
    version."""
    if not path.exists():
        return
    with contextlib.closing(sqlite3.connect(str(path))) as db:
        try:
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
            row = (
                db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                if "meta" in tables
                else None
            )
        except sqlite3.DatabaseError as exc:
            raise StoreDamaged(damage_message([f"{path}: SQLite cannot read it: {exc}"])) from None
    if not tables or (row is not None and row[0] == SCHEMA_VERSION):
        return  # new (empty), or this version
    if row is not None and row[0] in MIGRATES_FROM:
        log.info("%s: schema version %s brought to %s (tables added)", path, row[0],
                 SCHEMA_VERSION)  # fmt: skip
        return  # the constructor adds the tables and the version
    aside = path.with_name(f"{path.name}.schema-{row[0] if row else 'unknown'}.bak")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.rename(Path(f"{aside}{suffix}"))
    log.warning(
        "%s has another schema version (%s, this is %s); kept as %s and started a new record",
        path,
        row[0] if row else "unknown",
        SCHEMA_VERSION,
        aside,
    )


def records_frame(records: list[Any]) -> Any:
    """Orders, fills or positions as a pandas DataFrame, one column per field."""
    import pandas as pd

    return pd.DataFrame([msgspec.structs.asdict(r) for r in records])


def export_csv(records: list[Any], path: Path) -> int:
    """Write records as CSV with a header of their field names; returns the row count."""
    rows = [msgspec.to_builtins(r) for r in records]
    with path.open("w", newline="", encoding="utf-8") as handle:
        if not rows:
            return 0
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
