"""The trading record in SQLite (WAL): orders, every state transition, fills, account snapshots.

Each write is committed before the engine publishes the change, so whatever a user or a
strategy has been shown survives a crash of the process (``kill -9``). WAL with
``synchronous=NORMAL`` keeps commits cheap: a commit is a write to the log, not an fsync.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import msgspec

from terminal.domain.orders import Account, Fill, Order

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY, updated_ns INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS transitions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, order_id TEXT NOT NULL, status TEXT NOT NULL,
    ts INTEGER NOT NULL, filled REAL NOT NULL, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fills (
    fill_id TEXT PRIMARY KEY, order_id TEXT NOT NULL, ts INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, broker TEXT NOT NULL, ts INTEGER NOT NULL,
    data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
SCHEMA_VERSION = "1"


class TradingStore:
    """Append-mostly record of trading activity; one file per user data folder."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        self._order_encoder = msgspec.msgpack.Encoder()
        self._order_decoder = msgspec.msgpack.Decoder(Order)
        self._fill_decoder = msgspec.msgpack.Decoder(Fill)
        self._account_decoder = msgspec.msgpack.Decoder(Account)

    def close(self) -> None:
        self._db.close()

    # ---- writes (each one committed on return) -----------------------------------------------
    def record_order(self, order: Order) -> None:
        data = self._order_encoder.encode(order)
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO orders VALUES (?, ?, ?) ON CONFLICT(order_id) DO UPDATE SET "
                "updated_ns = excluded.updated_ns, data = excluded.data",
                (order.order_id, order.updated_ns, data),
            )
            self._db.execute(
                "INSERT INTO transitions (order_id, status, ts, filled, reason) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    order.order_id,
                    order.status.value,
                    order.updated_ns,
                    order.filled_quantity,
                    order.reason,
                ),
            )

    def record_fill(self, fill: Fill, order: Order) -> None:
        """A fill and the order state it produced, in one transaction."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO fills VALUES (?, ?, ?, ?)",
                (fill.fill_id, fill.order_id, fill.ts, self._order_encoder.encode(fill)),
            )
            self._db.execute(
                "UPDATE orders SET updated_ns = ?, data = ? WHERE order_id = ?",
                (order.updated_ns, self._order_encoder.encode(order), order.order_id),
            )
            self._db.execute(
                "INSERT INTO transitions (order_id, status, ts, filled, reason) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    order.order_id,
                    order.status.value,
                    order.updated_ns,
                    order.filled_quantity,
                    f"fill {fill.fill_id}",
                ),
            )

    def record_account(self, account: Account, ts: int) -> None:
        with self._db:
            self._db.execute(
                "INSERT INTO accounts (broker, ts, data) VALUES (?, ?, ?)",
                (account.broker, ts, self._order_encoder.encode(account)),
            )

    # ---- reads ---------------------------------------------------------------------------------
    def orders(self) -> list[Order]:
        rows = self._db.execute("SELECT data FROM orders ORDER BY rowid")
        return [self._order_decoder.decode(data) for (data,) in rows]

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
