"""The universe's entries and their cache file (``universe.json`` in the user's data folder),
written whole to a scratch file and renamed, so a crash never leaves half a file."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec

from terminal.domain.enums import AssetClass, InstrumentKind, ListingStatus
from terminal.domain.instrument import Instrument

log = logging.getLogger("terminal.universe")

FILE_NAME = "universe.json"
VERSION = 1


class UniverseEntry(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """One listed instrument. ``lot_size``, ``min_quantity`` and ``tick_size`` come from the
    exchanges' rules by board and kind (the sources carry none: see the adapter)."""

    symbol: str
    name: str
    kind: InstrumentKind
    board: str
    """e.g. ``main``, ``star``, ``chinext``, ``bse``, ``fund``, ``index``."""
    lot_size: float
    min_quantity: float
    tick_size: float
    status: ListingStatus
    initials: str
    """Pinyin initials of the name, lower case (浦发银行 → ``pfyh``)."""
    currency: str = "CNY"
    sessions: str = "cn_stock"

    @property
    def code(self) -> str:
        return self.symbol.partition(".")[0]

    @property
    def exchange(self) -> str:
        return self.symbol.partition(".")[2]


class UniverseFile(msgspec.Struct, kw_only=True):
    """What the cache file holds: when and from where the list was taken, and the list."""

    version: int = VERSION
    source: str = ""
    fetched_ns: int = 0
    entries: list[UniverseEntry] = msgspec.field(default_factory=list)


class Universe:
    """Every instrument of the last list taken, by symbol; kept in ``path`` (None: memory
    only). A damaged cache file is set aside and named in the log, never fatal."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: dict[str, UniverseEntry] = {}
        self.source = ""
        self.fetched_ns = 0
        self.generation = 0
        """Goes up at every change: searches rebuild their index when it moved."""

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, symbol: str) -> UniverseEntry | None:
        return self.entries.get(symbol)

    def instrument(self, symbol: str) -> Instrument | None:
        """The entry of ``symbol`` as an instrument (None: not in the universe)."""
        entry = self.entries.get(symbol)
        if entry is None:
            return None
        return Instrument(
            symbol=entry.symbol,
            name=entry.name,
            exchange=entry.exchange,
            asset_class=AssetClass.STOCK,
            tick_size=entry.tick_size,
            lot_size=entry.lot_size,
            min_quantity=entry.min_quantity,
            currency=entry.currency,
            sessions=entry.sessions,
        )

    def replace(self, entries: list[UniverseEntry], source: str, fetched_ns: int) -> None:
        """A new list; saved at once when the universe has a file."""
        self.entries = {entry.symbol: entry for entry in entries}
        self.source, self.fetched_ns = source, fetched_ns
        self.generation += 1
        self.save()

    def load(self) -> int:
        """Read the cache file; the number of entries (0: none, or unreadable)."""
        if self.path is None or not self.path.is_file():
            return 0
        try:
            cached = msgspec.json.decode(self.path.read_bytes(), type=UniverseFile)
            if cached.version != VERSION:
                raise ValueError(f"version {cached.version}, this terminal reads {VERSION}")
        except (OSError, ValueError) as exc:  # msgspec's errors are ValueErrors
            aside = self.path.with_suffix(".json.bad")
            log.error("universe: cannot read %s (%s); kept as %s", self.path, exc, aside)
            try:
                os.replace(self.path, aside)
            except OSError:
                log.exception("universe: could not set %s aside", self.path)
            return 0
        self.entries = {entry.symbol: entry for entry in cached.entries}
        self.source, self.fetched_ns = cached.source, cached.fetched_ns
        self.generation += 1
        return len(self.entries)

    def save(self) -> None:
        if self.path is None:
            return
        cached = UniverseFile(
            source=self.source, fetched_ns=self.fetched_ns, entries=list(self.entries.values())
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            scratch = self.path.with_suffix(".json.tmp")
            scratch.write_bytes(msgspec.json.encode(cached))
            os.replace(scratch, self.path)
        except OSError as exc:
            log.error("universe: could not save %s: %s", self.path, exc)

    def due_ns(self, refresh_at: time, timezone: str) -> int:
        """When the list should next be taken: at ``refresh_at`` (exchange local time) on
        the day after the one it was taken on (or at once if taken before that day's
        ``refresh_at``); 0 if never taken."""
        if not self.fetched_ns:
            return 0
        zone = ZoneInfo(timezone)
        taken = datetime.fromtimestamp(self.fetched_ns / 1e9, UTC).astimezone(zone)
        due = datetime.combine(taken.date(), refresh_at, zone)
        if taken >= due:
            due += timedelta(days=1)
        return int(due.timestamp()) * 1_000_000_000

    def is_stale(self, now_ns: int, refresh_at: time, timezone: str) -> bool:
        return now_ns >= self.due_ns(refresh_at, timezone)
