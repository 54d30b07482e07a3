"""Symbol search over the universe and the feeds' instruments: by code or symbol, by name,
or by the pinyin initials of the name (``pfyh`` finds 浦发银行).

Hits come best first: the exact code or symbol; then codes, initials and names that start
with the query; then any that contain it. The index is built on the first search after the
universe or the instruments changed, so start-up pays nothing for it; a search is then a
few binary searches and, for text that starts nothing, one scan of short strings.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from typing import NamedTuple

from terminal.domain.instrument import Instrument
from terminal.engine.universe.pinyin import initials, normalised
from terminal.engine.universe.store import Universe

SEPARATOR = "\x00"  # between the keys of one instrument in its search text


class SearchHit(NamedTuple):
    """One instrument found: its symbol, name, and kind (``""`` if not from the universe)."""

    symbol: str
    name: str
    kind: str


class SymbolSearch:
    """Searches ``universe`` and ``instruments`` (the engine's own, from every feed)."""

    def __init__(self, universe: Universe, instruments: Mapping[str, Instrument]) -> None:
        self._universe = universe
        self._instruments = instruments
        self._built_for = (-1, -1)
        self._hits: list[SearchHit] = []
        self._exact: dict[str, list[int]] = {}
        self._prefixes: list[tuple[list[str], list[int]]] = []
        self._texts: list[str] = []

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Up to ``limit`` instruments matching ``query``, best first."""
        wanted = normalised(query)
        if not wanted or limit <= 0:
            return []
        self._ensure_index()
        found: dict[int, None] = dict.fromkeys(self._exact.get(wanted, ()))
        for keys, rows in self._prefixes:
            at = bisect_left(keys, wanted)
            while at < len(keys) and len(found) < limit and keys[at].startswith(wanted):
                found.setdefault(rows[at])
                at += 1
        if len(found) < limit:
            for row, text in enumerate(self._texts):
                if wanted in text:
                    found.setdefault(row)
                    if len(found) >= limit:
                        break
        return [self._hits[row] for row in list(found)[:limit]]

    def _ensure_index(self) -> None:
        version = (self._universe.generation, len(self._instruments))
        if version != self._built_for:
            self._build()
            self._built_for = version

    def _build(self) -> None:
        hits: list[SearchHit] = []
        keys: list[tuple[str, str, str]] = []  # symbol, initials, name: normalised
        for entry in self._universe.entries.values():
            hits.append(SearchHit(entry.symbol, entry.name, entry.kind.value))
            keys.append((entry.symbol.lower(), entry.initials, normalised(entry.name)))
        for symbol, instrument in self._instruments.items():
            if symbol not in self._universe.entries:
                hits.append(SearchHit(symbol, instrument.name, ""))
                name = instrument.name
                keys.append((symbol.lower(), initials(name), normalised(name)))
        exact: dict[str, list[int]] = {}
        for row, (symbol, _, _) in sorted(enumerate(keys), key=lambda pair: pair[1]):
            exact.setdefault(symbol, []).append(row)
            code = symbol.partition(".")[0]
            if code != symbol:
                exact.setdefault(code, []).append(row)
        prefixes = []
        for column in range(3):
            pairs = sorted((key[column], row) for row, key in enumerate(keys) if key[column])
            prefixes.append(([key for key, _ in pairs], [row for _, row in pairs]))
        self._hits, self._exact, self._prefixes = hits, exact, prefixes
        # Contained text: the code (not ".SZSE", which holds "zs"), the initials, the name.
        self._texts = [
            SEPARATOR.join((symbol.partition(".")[0], spelled, name))
            for symbol, spelled, name in keys
        ]
