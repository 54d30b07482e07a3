"""Eastmoney's instrument lists (``push2.eastmoney.com/api/qt/clist/get``): every instrument
of a filter (``fs``), a page at a time, as JSON (JSONP when a callback is asked), UTF-8,
``"-"`` where a value is missing.

One filter per board, and for ETFs, LOFs and the two exchanges' indices, so each row's kind,
board and exchange are known (``f13``, the market, is 0 for both Shenzhen and Beijing). A row
whose price (``f2``) is ``"-"`` is listed without a price that day: suspended, or delisted —
Eastmoney keeps long-delisted codes in its lists (PT金田A, 000003), so list membership is not
a listing status. Filters and fields as documented by the clients that use them (efinance,
akshare); lot and tick sizes are not in any answer (``rules.py``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, NamedTuple

import httpx
import msgspec

from terminal.adapters.universe.rules import classify, rule
from terminal.domain.enums import InstrumentKind, ListingStatus
from terminal.engine.universe.pinyin import initials
from terminal.engine.universe.store import UniverseEntry

log = logging.getLogger("terminal.universe.eastmoney")

DEFAULT_URL = "https://push2.eastmoney.com/api/qt/clist/get"
TOKEN = "bd1d9ddb04089700cf9c27f6f7426281"  # the public "ut" every client sends
FIELDS = "f2,f12,f13,f14,f18"  # last, code, market, name, previous close
EXCHANGE_OF_MARKET = {0: "SZSE", 1: "SSE"}


class ListSet(NamedTuple):
    """One filter of the list endpoint, and what its rows are."""

    name: str
    fs: str
    kind: InstrumentKind
    board: str
    exchange: str | None
    """None: from each row's market (``f13``)."""


SETS = (
    ListSet("SSE main board", "m:1 t:2", InstrumentKind.STOCK, "main", "SSE"),
    ListSet("STAR Market", "m:1 t:23", InstrumentKind.STOCK, "star", "SSE"),
    ListSet("SZSE main board", "m:0 t:6", InstrumentKind.STOCK, "main", "SZSE"),
    ListSet("ChiNext", "m:0 t:80", InstrumentKind.STOCK, "chinext", "SZSE"),
    ListSet("Beijing Stock Exchange", "m:0 t:81 s:2048", InstrumentKind.STOCK, "bse", "BSE"),
    ListSet("ETFs", "b:MK0021,b:MK0022,b:MK0023,b:MK0024,b:MK0827", InstrumentKind.ETF, "fund",
            None),
    ListSet("LOFs", "b:MK0404,b:MK0405,b:MK0406,b:MK0407", InstrumentKind.LOF, "fund", None),
    ListSet("SSE indices", "m:1 s:2", InstrumentKind.INDEX, "index", "SSE"),
    ListSet("SZSE indices", "m:0 t:5", InstrumentKind.INDEX, "index", "SZSE"),
)  # fmt: skip


class UniverseError(RuntimeError):
    """A list that could not be taken; the message names the source, the set and the page."""


class _Data(msgspec.Struct):
    total: int = 0
    diff: list[dict[str, Any]] | dict[str, dict[str, Any]] = msgspec.field(default_factory=list)


class _Page(msgspec.Struct):
    rc: int = 0
    data: _Data | None = None


Progress = Callable[[str, int, int], None]
"""Told (set name, rows so far, rows in the set) after each page."""


def page_rows(text: str, where: str) -> tuple[list[dict[str, Any]], int]:
    """The rows and the set's total of one answer (JSON, or JSONP ``cb({...});``)."""
    body = text.strip()
    if body[:1] != "{":  # JSONP: the object inside the callback's parentheses
        start, end = body.find("("), body.rfind(")")
        if start < 0 or end < start:
            raise UniverseError(f"{where}: neither JSON nor JSONP: {body[:60]!r}")
        body = body[start + 1 : end]
    try:
        page = msgspec.json.decode(body, type=_Page)
    except msgspec.DecodeError as exc:
        raise UniverseError(f"{where}: not the list's JSON ({exc}); cut short?") from None
    if page.rc != 0 or page.data is None:
        raise UniverseError(f"{where}: no list in the answer (rc {page.rc}, data null)")
    diff = page.data.diff
    rows = list(diff.values()) if isinstance(diff, dict) else diff  # object form: no np=1
    return rows, page.data.total


def entry_of(row: dict[str, Any], listed: ListSet, where: str) -> UniverseEntry:
    """The universe entry of one row; UniverseError naming the code and field if it is bad."""
    code, name, market = row.get("f12"), row.get("f14"), row.get("f13")
    if not isinstance(code, str) or len(code) != 6 or not code.isdigit():
        raise UniverseError(f"{where}: f12 (code) = {code!r} is not six digits")
    if not isinstance(name, str) or not name.strip():
        raise UniverseError(f"{where}: {code}: f14 (name) = {name!r} is not a name")
    exchange = listed.exchange
    if exchange is None and isinstance(market, int):
        exchange = EXCHANGE_OF_MARKET.get(market)
    if exchange is None:
        raise UniverseError(f"{where}: {code}: f13 (market) = {market!r} is not 0 or 1")
    kind, board = listed.kind, listed.board
    if kind is InstrumentKind.STOCK and board == "main":  # e.g. a STAR code in a wide filter
        kind, board = classify(code, exchange)
    lot_size, min_quantity, tick_size = rule(kind, board)
    price = row.get("f2")
    quoted = isinstance(price, int | float) and not isinstance(price, bool) and price > 0
    return UniverseEntry(
        symbol=f"{code}.{exchange}",
        name=name.strip(),
        kind=kind,
        board=board,
        lot_size=lot_size,
        min_quantity=min_quantity,
        tick_size=tick_size,
        status=ListingStatus.LISTED if quoted else ListingStatus.NOT_TRADING,
        initials=initials(name),
    )


async def download(
    client: httpx.AsyncClient,
    url: str = DEFAULT_URL,
    page_size: int = 100,
    page_delay_s: float = 0.3,
    progress: Progress | None = None,
    sets: tuple[ListSet, ...] = SETS,
) -> tuple[list[UniverseEntry], list[str]]:
    """Every instrument of ``sets``, and one line per row that was refused (the rest kept).
    Raises UniverseError if a page cannot be had or read: a list is taken whole or not."""
    entries: dict[str, UniverseEntry] = {}
    problems: list[str] = []
    for listed in sets:
        page, seen, total = 1, 0, 1
        while seen < total:
            where = f"eastmoney {url} ({listed.name}, page {page})"
            params: dict[str, str | int] = {
                "pn": page, "pz": page_size, "po": 1, "np": 1, "fltt": 2, "invt": 2,
                "fid": "f12", "fs": listed.fs, "fields": FIELDS, "ut": TOKEN,
            }  # fmt: skip
            try:
                response = await client.get(url, params=params)
                response.raise_for_status()
            except httpx.HTTPError as exc:
                raise UniverseError(f"{where}: {type(exc).__name__}: {exc}") from None
            rows, total = page_rows(response.content.decode("utf-8", errors="replace"), where)
            if not rows:
                break  # fewer than announced: the set ends here
            for row in rows:
                try:
                    entry = entry_of(row, listed, where)
                except UniverseError as exc:
                    problems.append(str(exc))
                    continue
                entries.setdefault(entry.symbol, entry)
            seen += len(rows)
            if progress is not None:
                progress(listed.name, seen, total)
            if len(rows) < page_size:  # a short page is the last: never ask past the end
                break
            page += 1
            if page_delay_s and seen < total:
                await asyncio.sleep(page_delay_s)  # the vendors block addresses that rush
    return list(entries.values()), problems
