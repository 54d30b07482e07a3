"""Strategy instances in SQLite: their settings and last state, so a restart brings them back.

A restart re-creates each instance *stopped* (it trades again only when the user starts it),
unless the instance was added with ``auto_start`` and was running when the engine stopped.

Schema version 2 (``PRAGMA user_version``) adds ``legs``: the instance's symbols with the
position and cash flow in each, as JSON ``[[symbol, position, cash], ...]``, primary first.
``symbol``, ``position`` and ``cash`` keep the primary symbol, its position and the total cash,
so a row is still readable as version 1 was. A version 1 file gains the column when opened;
its rows (one symbol each) read as single-leg instances.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import msgspec

from terminal.domain.enums import StrategyState

log = logging.getLogger("terminal.strategies")

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS instances (
    name TEXT PRIMARY KEY, seq INTEGER NOT NULL, strategy TEXT NOT NULL, symbol TEXT NOT NULL,
    broker TEXT NOT NULL, params TEXT NOT NULL, warmup INTEGER NOT NULL,
    auto_start INTEGER NOT NULL, state TEXT NOT NULL, position REAL NOT NULL,
    cash REAL NOT NULL, legs TEXT NOT NULL DEFAULT '[]');
"""


class SavedInstance(msgspec.Struct, frozen=True):
    name: str
    strategy: str
    symbols: tuple[str, ...]
    """Primary first."""
    broker: str
    params: dict[str, Any]
    warmup: int
    auto_start: bool
    state: StrategyState
    positions: dict[str, float]
    cash: dict[str, float]
    """Cash flow of the instance's fills, per symbol."""

    @property
    def symbol(self) -> str:
        return self.symbols[0]


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
        self._migrate()
        self._pending: dict[str, SavedInstance] = {}

    def _migrate(self) -> None:
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(instances)")}
        if "legs" not in columns:  # a version 1 file: one symbol per instance
            self._db.execute("ALTER TABLE instances ADD COLUMN legs TEXT NOT NULL DEFAULT '[]'")
            log.info("strategy store %s: upgraded from schema version %d to %d",
                     self.path, version, SCHEMA_VERSION)
        if version < SCHEMA_VERSION:
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

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
        legs = [
            [symbol, saved.positions.get(symbol, 0.0), saved.cash.get(symbol, 0.0)]
            for symbol in saved.symbols
        ]
        self._db.execute(
            "INSERT INTO instances VALUES (?, COALESCE((SELECT seq FROM instances WHERE name = ?),"
            " (SELECT COALESCE(MAX(seq), 0) + 1 FROM instances)), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET strategy=excluded.strategy,"
            " symbol=excluded.symbol, broker=excluded.broker, params=excluded.params,"
            " warmup=excluded.warmup, auto_start=excluded.auto_start, state=excluded.state,"
            " position=excluded.position, cash=excluded.cash, legs=excluded.legs",
            (
                saved.name,
                saved.name,
                saved.strategy,
                saved.symbol,
                saved.broker,
                json.dumps(saved.params),
                saved.warmup,
                int(saved.auto_start),
                saved.state.value,
                saved.positions.get(saved.symbol, 0.0),
                sum(saved.cash.values()),
                json.dumps(legs),
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
            " cash, legs FROM instances ORDER BY seq"
        ).fetchall()
        saved = []
        for row in rows:
            name, strategy, symbol, broker, params, warmup, auto, state = row[:8]
            # A row written before version 2 has no legs: its one symbol holds everything.
            legs = json.loads(row[10]) or [[symbol, row[8], row[9]]]
            saved.append(
                SavedInstance(
                    name, strategy, tuple(leg[0] for leg in legs), broker, json.loads(params),
                    warmup, bool(auto), self._state(name, state), {leg[0]: leg[1] for leg in legs},
                    {leg[0]: leg[2] for leg in legs},
                )
            )
        return saved

    def _state(self, name: str, text: str) -> StrategyState:
        try:
            return StrategyState(text)
        except ValueError:  # not one this version writes: comes back stopped, never trading
            log.warning(
                "strategy store %s: instance '%s' has unknown state '%s', read as %s",
                self.path, name, text, StrategyState.STOPPED.value,
            )
            return StrategyState.STOPPED

    def close(self) -> None:
        self.flush()
        self._db.close()
