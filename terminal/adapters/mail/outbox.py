"""The mail outbox: every alert is written here before anyone is told it was queued.

One SQLite file (WAL) may hold the alerts of several mail brokers; each sees its own rows.
An alert left ``queued``, ``retrying`` or ``sending`` by a crash or a restart is sent again
on the next start (a ``sending`` one may have arrived: it keeps its Message-ID, so a resend is
recognisable as the same alert — at least once beats never).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import msgspec

from terminal.domain.alerts import AlertState

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    broker TEXT NOT NULL,
    order_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    message BLOB NOT NULL,
    quantity REAL NOT NULL,
    price REAL NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    next_attempt_ns INTEGER NOT NULL DEFAULT 0,
    created_ns INTEGER NOT NULL,
    updated_ns INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_pending ON alerts (broker, state, next_attempt_ns);
CREATE INDEX IF NOT EXISTS alerts_order ON alerts (broker, order_id);
"""
_PENDING = tuple(state.value for state in AlertState if state.is_pending)
_COLUMNS = (
    "id, broker, order_id, sender, recipients, message, quantity, price, state, attempts, "
    "last_error, next_attempt_ns, created_ns"
)


class OutboxEntry(msgspec.Struct, frozen=True):
    """One alert email and how far it got."""

    id: int
    broker: str
    order_id: str
    sender: str
    recipients: list[str]
    message: bytes
    quantity: float
    price: float
    state: AlertState
    attempts: int
    last_error: str
    next_attempt_ns: int
    created_ns: int


class Outbox:
    """SQLite-backed queue of alert emails. Used from the engine loop's thread only."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        # WAL + NORMAL: a committed row survives a process crash; fsync only at checkpoints,
        # which keeps an insert well under a millisecond on the loop.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=2000")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def add(
        self,
        broker: str,
        order_id: str,
        sender: str,
        recipients: list[str],
        message: bytes,
        quantity: float,
        price: float,
        now_ns: int,
    ) -> OutboxEntry:
        cursor = self._db.execute(
            "INSERT INTO alerts (broker, order_id, sender, recipients, message, quantity, price,"
            " state, created_ns, updated_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                broker,
                order_id,
                sender,
                json.dumps(recipients),
                message,
                quantity,
                price,
                AlertState.QUEUED.value,
                now_ns,
                now_ns,
            ),
        )
        entry = self.get(int(cursor.lastrowid or 0))
        assert entry is not None
        return entry

    def get(self, entry_id: int) -> OutboxEntry | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM alerts WHERE id = ?", (entry_id,)
        ).fetchone()
        return _entry(row) if row else None

    def update(
        self,
        entry_id: int,
        state: AlertState,
        now_ns: int,
        attempts: int | None = None,
        error: str | None = None,
        next_attempt_ns: int = 0,
    ) -> None:
        self._db.execute(
            "UPDATE alerts SET state = ?, updated_ns = ?, attempts = COALESCE(?, attempts),"
            " last_error = COALESCE(?, last_error), next_attempt_ns = ? WHERE id = ?",
            (state.value, now_ns, attempts, error, next_attempt_ns, entry_id),
        )

    def pending(self, broker: str) -> list[OutboxEntry]:
        """Alerts of ``broker`` still to be sent, the one due first first."""
        marks = ", ".join("?" * len(_PENDING))
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM alerts WHERE broker = ? AND state IN ({marks})"
            " ORDER BY next_attempt_ns, id",
            (broker, *_PENDING),
        ).fetchall()
        return [_entry(row) for row in rows]

    def of_order(self, broker: str, order_id: str) -> OutboxEntry | None:
        """The latest alert of ``broker`` for ``order_id`` (None: none was queued)."""
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM alerts WHERE broker = ? AND order_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (broker, order_id),
        ).fetchone()
        return _entry(row) if row else None

    def entries(self, broker: str) -> list[OutboxEntry]:
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM alerts WHERE broker = ? ORDER BY id", (broker,)
        ).fetchall()
        return [_entry(row) for row in rows]


def _entry(row: tuple[Any, ...]) -> OutboxEntry:
    (entry_id, broker, order_id, sender, recipients, message, quantity, price, state) = row[:9]
    attempts, last_error, next_attempt_ns, created_ns = row[9:]
    return OutboxEntry(
        id=int(entry_id),
        broker=str(broker),
        order_id=str(order_id),
        sender=str(sender),
        recipients=list(json.loads(str(recipients))),
        message=bytes(message),
        quantity=float(quantity),
        price=float(price),
        state=AlertState(state),
        attempts=int(attempts),
        last_error=str(last_error),
        next_attempt_ns=int(next_attempt_ns),
        created_ns=int(created_ns),
    )
