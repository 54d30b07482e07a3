"""Watchlists and market-watch columns, kept in a small JSON file in the user's data folder.

JSON rather than QSettings: the watchlists are the user's data (not window layout), a person
can read, back up and diff the file, and msgspec validates it in one call. It is written to a
temporary file and renamed, so a crash mid-save never leaves half a file. CSV import/export
(one symbol per line, with a ``symbol`` header) lets watchlists travel to other tools.
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Container
from pathlib import Path

import msgspec

from terminal.ui.i18n import translate

log = logging.getLogger("terminal.ui.watchlists")

FILE_NAME = "market_watch.json"


class Watchlist(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    symbols: list[str] = msgspec.field(default_factory=list)
    widths: dict[str, int] = msgspec.field(default_factory=dict)
    """Column key → the width the user dragged it to; the other columns fit their content."""


class WatchState(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Everything the market watch remembers across restarts."""

    version: int = 1
    watchlists: list[Watchlist] = msgspec.field(default_factory=list)
    active: int = 0
    columns: list[str] = msgspec.field(default_factory=list)  # visible column keys, in order


class WatchlistStore:
    """Loads and saves :class:`WatchState` at ``path``; a broken file is set aside, not lost."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, default_symbols: list[str]) -> WatchState:
        if self.path.is_file():
            try:
                state = msgspec.json.decode(self.path.read_bytes(), type=WatchState)
                if state.watchlists:
                    state.active = min(max(0, state.active), len(state.watchlists) - 1)
                    return state
            except (OSError, msgspec.DecodeError) as exc:
                aside = self.path.with_suffix(".json.bad")
                log.error(
                    "watchlists file %s is unreadable (%s); kept as %s", self.path, exc, aside
                )
                try:
                    os.replace(self.path, aside)
                except OSError:
                    log.exception("could not set %s aside", self.path)
        return WatchState(watchlists=[Watchlist("Default", list(default_symbols))])

    def save(self, state: WatchState) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            scratch = self.path.with_suffix(".json.tmp")
            scratch.write_bytes(msgspec.json.format(msgspec.json.encode(state)))
            os.replace(scratch, self.path)
        except OSError:
            log.exception("could not save watchlists to %s", self.path)


def export_csv(path: Path, symbols: list[str], names: dict[str, str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["symbol", "name"])
        for symbol in symbols:
            writer.writerow([symbol, names.get(symbol, "")])


def import_csv(path: Path, known: Container[str]) -> tuple[list[str], list[str]]:
    """Symbols of the file's ``symbol`` column (or first column), and one problem per bad line.

    Raises ``OSError``/``UnicodeDecodeError`` if the file cannot be read at all."""
    symbols: list[str] = []
    problems: list[str] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        return [], [translate("MarketWatch", "{file}: the file is empty").format(file=path.name)]
    header = [cell.strip().lower() for cell in rows[0]]
    column = header.index("symbol") if "symbol" in header else 0
    start = 1 if "symbol" in header else 0
    for line, row in enumerate(rows[start:], start=start + 1):
        symbol = row[column].strip() if len(row) > column else ""
        if not symbol:
            continue
        if symbol not in known:
            problem = translate("MarketWatch", "{file} line {line}: unknown symbol '{symbol}'")
            problems.append(problem.format(file=path.name, line=line, symbol=symbol))
        elif symbol not in symbols:
            symbols.append(symbol)
    return symbols, problems
