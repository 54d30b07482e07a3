"""The P&L samples kept across restarts: ``pnl.sqlite`` in the data folder (WAL).

One row per sample and key (``total``, ``account:<broker>``, ``strategy:<instance>``). The
recorder writes at most about once a second, a handful of rows each time; rows older than
``KEEP_DAYS`` are dropped when the file opens.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from terminal.engine.pnl.series import Row

FILE_NAME = "pnl.sqlite"
KEEP_DAYS = 30
_DAY_NS = 86_400 * 1_000_000_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS samples (
    ts INTEGER NOT NULL,
    key TEXT NOT NULL,
    equity REAL,
    realized REAL NOT NULL,
    unrealized REAL NOT NULL,
    commission REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS samples_ts ON samples (ts);
"""


class PnlHistory:
    """Samples in ``path``; used from the engine loop's thread only."""

    def __init__(self, path: Path, now_ns: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._db.execute("DELETE FROM samples WHERE ts < ?", (now_ns - KEEP_DAYS * _DAY_NS,))

    def write(self, ts: int, rows: dict[str, Row]) -> None:
        self._db.executemany(
            "INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?)",
            [(ts, key, *row) for key, row in rows.items()],
        )

    def read(self, since_ns: int) -> list[tuple[int, str, Row]]:
        """(ts, key, row) of every sample from ``since_ns`` on, oldest first. An equity the
        file keeps as NULL (a strategy's: it has none) reads as NaN."""
        found = self._db.execute(
            "SELECT ts, key, equity, realized, unrealized, commission FROM samples"
            " WHERE ts >= ? ORDER BY ts",
            (since_ns,),
        ).fetchall()
        nan = float("nan")
        return [(int(ts), str(key), (nan if equity is None else float(equity), float(r),
                                     float(u), float(c)))
                for ts, key, equity, r, u, c in found]  # fmt: skip

    def close(self) -> None:
        self._db.close()
