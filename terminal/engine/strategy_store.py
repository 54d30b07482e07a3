"""Strategy instances in SQLite: their settings and last state, so a restart brings them back.

A restart re-creates each instance *stopped* (it trades again only when the user starts it),
unless the instance was added with ``auto_start`` and was running when the engine stopped.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import msgspec

SCHEMA = """
CREATE TABLE IF NOT EXISTS instances (
    name TEXT PRIMARY KEY, seq INTEGER NOT NULL, strategy TEXT NOT NULL, symbol TEXT NOT NULL,
    broker TEXT NOT NULL, params TEXT NOT NULL, warmup INTEGER NOT NULL,
    auto_start INTEGER NOT NULL, state TEXT NOT NULL, position REAL NOT NULL,
    cash REAL NOT NULL);
"""


class SavedInstance(msgspec.Struct, frozen=True):
    name: str
    strategy: str
    symbol: str
    broker: str
    params: dict[str, Any]
    warmup: int
    auto_start: bool
    state: str
    position: float
    cash: float


class StrategyStore:
    """One row per instance. Saves made in one loop turn are written in one transaction at the
    end of the turn (a fill per tick would otherwise cost a commit per tick); without a running
    loop, at once. The trading store keeps the fills themselves, so nothing traded is lost."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # as the trading store: no fsync a commit
        self._db.executescript(SCHEMA)
        self._pending: dict[str, SavedInstance] = {}

    def save(self, saved: SavedInstance) -> None:
        scheduled = bool(self._pending)
        self._pending[saved.name] = saved
        if scheduled:
            return
        try:
            asyncio.get_running_loop().call_soon(self.flush)
        except RuntimeError:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending = list(self._pending.values()), {}
        with self._db:
            self._db.execute("BEGIN")
            for saved in pending:
                self._write(saved)

    def _write(self, saved: SavedInstance) -> None:
        self._db.execute(
            "INSERT INTO instances VALUES (?, COALESCE((SELECT seq FROM instances WHERE name = ?),"
            " (SELECT COALESCE(MAX(seq), 0) + 1 FROM instances)), ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET strategy=excluded.strategy,"
            " symbol=excluded.symbol, broker=excluded.broker, params=excluded.params,"
            " warmup=excluded.warmup, auto_start=excluded.auto_start, state=excluded.state,"
            " position=excluded.position, cash=excluded.cash",
            (
                saved.name,
                saved.name,
                saved.strategy,
                saved.symbol,
                saved.broker,
                json.dumps(saved.params),
                saved.warmup,
                int(saved.auto_start),
                saved.state,
                saved.position,
                saved.cash,
            ),
        )

    def delete(self, name: str) -> None:
        self._pending.pop(name, None)
        self._db.execute("DELETE FROM instances WHERE name = ?", (name,))

    def load(self) -> list[SavedInstance]:
        """Every saved instance, in the order they were first added."""
        self.flush()
        rows = self._db.execute(
            "SELECT name, strategy, symbol, broker, params, warmup, auto_start, state, position,"
            " cash FROM instances ORDER BY seq"
        ).fetchall()
        return [
            SavedInstance(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], bool(r[6]), *r[7:])
            for r in rows
        ]

    def close(self) -> None:
        self.flush()
        self._db.close()
