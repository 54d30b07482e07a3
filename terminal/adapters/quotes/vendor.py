"""The shared machinery of the Sina and Tencent (QQ) snapshot-quote parsers (``sina.py``,
``qq.py``, whose docstrings show each vendor's records): answers into :class:`Tick`.

Speed matters (a full-market answer is ~5,000 lines every few seconds), so there are two
paths, which give the same ticks (tests/adapters/quotes/test_compiled_cut.py checks that on
generated and damaged answers):

- compiled (``_cut.pyx``, built at install): one pass over the whole answer cuts every line
  and converts its numbers into an array of doubles, then ticks are built from that array,
  with no Python step per field; it gives up (returns None) on any line that is not exactly
  as expected, and the answer then takes
- the pure-Python path: cut every line with string searches, skip payloads identical to the
  previous answer's, convert the numbers of all remaining lines in one C call (msgspec's
  JSON decoder), and go line by line only to name what is wrong in a malformed line.

A quote of an instrument with no trade today (before the open, in the call auction,
suspended: last or volume not above zero) is a tick all the same, with its book, previous
close, name and the vendor's status (Sina field 32, QQ field 40), and ``last`` = NO_LAST.
A line with a negative or non-finite number, a crossed book (best bid above best ask) or a
last price outside the day's low and high is malformed: counted and named, never a tick.
Empty answers (``var hq_str_sz160923="";``) are counted, nothing is ever raised.
"""

from __future__ import annotations

import gc
import math
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import compress
from operator import and_, itemgetter, ne
from typing import ClassVar, TypeVar

import msgspec

from terminal.adapters.quotes.codes import QuoteError, symbol_of_code
from terminal.domain.enums import QuoteStatus
from terminal.domain.market import NO_LAST, Tick

try:  # the compiled cutter, built by setup.py; without it the pure-Python path does it all
    from terminal.adapters.quotes import _cut as compiled
except ImportError:  # pragma: no cover - a build without a C compiler
    compiled = None  # type: ignore[assignment]

SHANGHAI_UTC_OFFSET_S = 8 * 3600  # China Standard Time has no daylight saving
NS = 1_000_000_000
STATUSES = (QuoteStatus.TRADING, QuoteStatus.SUSPENDED, QuoteStatus.DELISTED)
"""By the status code the compiled cutter puts at the end of each row."""
ROWS_DECODER = msgspec.json.Decoder(list[tuple[float, ...]])
Row = tuple[float, ...]
Cut = tuple[list[str], list[str], list[str], list[QuoteStatus]]
"""What :meth:`VendorParser._cut_all` returns: names, numbers, stamps and statuses."""
Columns = tuple[list[str], list[str], list[str], list[str], "array[float]"]
"""What the compiled cutter returns: codes, payloads, names, time stamps and numbers."""
Cutter = Callable[[str], Columns | None]
_BLANK = re.compile(r"\s*")  # matches anywhere, if only the empty string
K = TypeVar("K")
V = TypeVar("V")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while one answer is parsed.

    Parsing creates tens of thousands of short-lived tuples (and no reference cycles), so
    the collector would run dozens of times per answer, re-traversing every item of the
    large young lists each time; paused, the survivors are scanned once afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def looked_up(known: dict[K, V], keys: list[K], compute: Callable[[K], V]) -> list[V]:
    """``known[key]`` for each key, computing (and remembering) the few not known yet.

    One C-level pass in the usual case where all are known."""
    values: list[V | None] = list(map(known.get, keys))
    if None in values:
        pairs = zip(keys, values, strict=True)
        values = [compute(key) if value is None else value for key, value in pairs]
    return values  # type: ignore[return-value]  # no None is left


@dataclass
class ParseResult:
    """What one vendor answer held. ``malformed`` pairs a 1-based line number with why."""

    ticks: list[Tick] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    empty: int = 0
    unchanged: int = 0
    malformed: list[tuple[int, str]] = field(default_factory=list)

    @property
    def untraded(self) -> int:
        """Ticks without a last price: no trade today yet (counted when asked, not per poll)."""
        return sum(1 for tick in self.ticks if not tick.traded)

    @property
    def suspended(self) -> int:
        """Ticks of instruments the vendor marks suspended or delisted."""
        return sum(1 for tick in self.ticks if tick.status is not QuoteStatus.TRADING)


def traded_last(
    last: float, volume: float, high: float, low: float, bid: float, ask: float
) -> float:
    """The rule every row passes (both paths; the compiled tick builder has it in C), on its
    last price, day volume, high, low and best bid and ask: ``last``, or NO_LAST if the
    instrument has not traded today; QuoteError naming the values if the row is no quote."""
    if last > NO_LAST < volume:
        if last > high or last < low:
            raise QuoteError(f"last {last:g} is outside the day's low {low:g} and high {high:g}")
    else:
        last = NO_LAST
    if bid > ask > 0.0:
        raise QuoteError(f"crossed book: best bid {bid:g} is above best ask {ask:g}")
    return last


def shanghai_utc_ns(year: int, month: int, day: int, seconds: int) -> int:
    """Shanghai local date + seconds after midnight → UTC nanoseconds."""
    days = date(year, month, day).toordinal() - _EPOCH_ORDINAL
    return (days * 86_400 + seconds - SHANGHAI_UTC_OFFSET_S) * NS


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


Levels = tuple[float, ...]


def depth_levels(prices: Levels, sizes: Levels) -> tuple[Levels, Levels]:
    """Drop empty levels (price 0): missing levels are absent from the tick's tuples."""
    keep = [i for i, price in enumerate(prices) if price > 0.0]
    return tuple(prices[i] for i in keep), tuple(sizes[i] for i in keep)


class VendorParser:
    """Parses one vendor's answers. Keep one per feed: it remembers payloads and symbols."""

    prefix: str = ""
    separator: str = ","
    """What separates the numbers in the text :meth:`_cut_all` returns."""
    number_names: ClassVar[tuple[str, ...]] = ()
    number_fields: ClassVar[tuple[int, ...]] = ()
    cutter: ClassVar[str]
    """The compiled cutter's function for this vendor's answers."""
    tick_layout: ClassVar[tuple[int, ...]] = ()
    """Where the compiled tick builder finds a tick's fields among a row's numbers: last,
    volume, turnover, open, high, low, previous close, then the first level's bid price,
    bid size, ask price and ask size (each next level two numbers further on), and the
    status code."""
    compiled_width: ClassVar[int] = 0
    """Numbers per row in the compiled cutter's array."""
    check_fields: ClassVar[tuple[int, ...]] = ()
    """Where :func:`traded_last`'s arguments are among a Python-path row's numbers."""

    def __init__(self, use_compiled: bool = True) -> None:
        """``use_compiled``: cut with the compiled cutter when it is built (tests turn it
        off to check that the pure-Python path gives the same ticks)."""
        self.previous: dict[str, str] = {}
        self._symbols: dict[str, str] = {}
        self._stamps: dict[str, int] = {}
        self._line = re.compile(
            "^" + re.escape(self.prefix) + r'(\w+)="([^"]*)";[ \t\r]*$', re.MULTILINE
        )
        self._record = re.compile(re.escape(self.prefix) + r'(\w+)="([^"]*)";')
        self._compiled_cut: Cutter | None = (
            getattr(compiled, self.cutter) if use_compiled and compiled is not None else None
        )

    @property
    def compiled(self) -> bool:
        """Whether this parser cuts with the compiled cutter."""
        return self._compiled_cut is not None

    def parse(self, text: str, only_changed: bool = True) -> ParseResult:
        """Ticks of ``text``; with ``only_changed``, only of payloads that changed since."""
        with _collector_paused():
            result = self._parse(text, only_changed)
        self._adjust(result)
        return result

    def _adjust(self, result: ParseResult) -> None:
        """Vendor rules a tick needs after both paths built it (the same for both)."""

    def _parse(self, text: str, only_changed: bool) -> ParseResult:
        if self._compiled_cut is not None:
            columns = self._compiled_cut(text)
            if columns is not None:
                cut = self._parse_cut(columns, only_changed)
                if cut is not None:
                    return cut
        # Not compiled, or something unexpected in the answer: cut it in Python, which also
        # finds and names what is wrong.
        result = ParseResult()
        rows: list[tuple[str, str]] = self._line.findall(text)
        line_numbers: list[int] | None = None
        if len(rows) != text.count("\n") + (not text.endswith("\n")):
            # Blank or malformed lines, or records not one a line: redo it record by record,
            # to number what is wrong.
            rows, line_numbers = self._scan(text, result)
        empty = self._empty_rows(rows, text)
        codes, payloads = [code for code, _ in rows], [payload for _, payload in rows]
        lines: Sequence[int] = line_numbers or range(1, len(rows) + 1)
        # Which rows to build, flagged in C-level passes (no Python step per row): changed
        # since the last answer (a code not seen before compares None to its payload), not
        # blank, not the vendor's "no such code".
        build = self._changed(codes, payloads, only_changed)
        blank = payloads.count("")
        if blank:
            build = list(map(and_, build, map(bool, payloads)))
        for index in empty:
            build[index] = False
        result.empty = len(empty) + blank
        kept = sum(build)
        result.unchanged = len(rows) - result.empty - kept
        if kept < len(rows):  # else every line is new (the first poll, or a busy market)
            codes, payloads = list(compress(codes, build)), list(compress(payloads, build))
            lines = list(compress(lines, build))
        if kept:
            self._build(codes, payloads, lines, result)
        return result

    def _parse_cut(self, columns: Columns, only_changed: bool) -> ParseResult | None:
        """The ticks of an answer the compiled cutter cut into codes, payloads, names, time
        stamps ("" for the vendor's "no such code") and numbers, or None if a code or time
        stamp is wrong (for the Python path to name it)."""
        codes, payloads, names, stamps, numbers = columns
        result = ParseResult()
        build = self._changed(codes, payloads, only_changed)
        result.empty = stamps.count("")
        if result.empty:
            build = list(map(and_, build, map(bool, stamps)))
        kept = sum(build)
        result.unchanged = len(codes) - result.empty - kept
        indexes: Iterable[int] = range(len(codes))
        if kept < len(codes):  # else every line is new (the first poll, or a busy market)
            codes, payloads, names, stamps = (
                list(compress(column, build)) for column in (codes, payloads, names, stamps)
            )
            indexes = compress(indexes, build)
        width, layout = self.compiled_width, self.tick_layout
        try:
            times = looked_up(self._stamps, stamps, self._stamp)
            symbols = looked_up(self._symbols, codes, self._symbol)
            ticks = compiled.ticks(Tick, numbers, width, layout, indexes, symbols, times, STATUSES)
        except ValueError:  # QuoteError is a ValueError; or a row that is not a quote
            return None
        self._keep(codes, payloads, names, symbols, ticks, result)
        return result

    def _changed(self, codes: list[str], payloads: list[str], only_changed: bool) -> list[bool]:
        """Per row, whether to build it, in C-level passes (no Python step per row): with
        ``only_changed``, whether its payload changed since the last answer (a code not seen
        before compares None to its payload)."""
        previous = self.previous if only_changed else {}
        return list(map(ne, map(previous.get, codes), payloads))

    def _keep(
        self,
        codes: list[str],
        payloads: list[str],
        names: list[str],
        symbols: list[str],
        ticks: list[Tick],
        result: ParseResult,
    ) -> None:
        """Remember the payloads built, and put the ticks and names in ``result``."""
        self.previous.update(zip(codes, payloads, strict=True))
        result.names.update(zip(symbols, names, strict=True))
        result.ticks = ticks

    def _scan(self, text: str, result: ParseResult) -> tuple[list[tuple[str, str]], list[int]]:
        """Every record ``PREFIX CODE="…";`` with the line it starts on; what is between
        records must be white space, else the rest of its line is malformed."""
        rows: list[tuple[str, str]] = []
        numbers: list[int] = []
        record, blank = self._record.match, _BLANK.match
        position, line, end = 0, 1, len(text)
        while True:
            skipped = blank(text, position).end()  # type: ignore[union-attr]
            line += text.count("\n", position, skipped)
            position = skipped
            if position >= end:
                return rows, numbers
            found = record(text, position)
            if found is None:
                result.malformed.append((line, f'not of the form {self.prefix}CODE="…";'))
                newline = text.find("\n", position)
                position = end if newline < 0 else newline
                continue
            rows.append((found[1], found[2]))
            numbers.append(line)
            line += found[2].count("\n")
            position = found.end()

    def _build(
        self, codes: list[str], payloads: list[str], lines: Sequence[int], result: ParseResult
    ) -> None:
        try:
            names, numbers, stamps, statuses = self._cut_all(payloads)
            rows = self._decode_all(numbers)
            times = self._times(stamps, rows)
            symbols = looked_up(self._symbols, codes, self._symbol)
            # Unpacking checks each row's width; a row that is not a quote raises.
            ticks = self._ticks(symbols, times, rows, statuses)
        except (msgspec.DecodeError, IndexError, ValueError):  # QuoteError is a ValueError
            # Rare: find the culprit lines one by one, and name what is wrong in each.
            codes, payloads, names, times, symbols, rows, statuses = self._sift(
                codes, payloads, lines, result
            )
            ticks = self._ticks(symbols, times, rows, statuses)
        self._keep(codes, payloads, names, symbols, ticks, result)

    def _decode_all(self, numbers: list[str]) -> list[Row]:
        """The numbers of every row, in one C call. One tuple per row, not one flat list: a
        flat list is a single young object the collector re-scans item by item."""
        joined = "[[" + "],[".join(numbers) + "]]"
        if "-" in joined:  # a negative number (the JSON decoder refuses NaN and infinity)
            raise QuoteError("a negative number")
        if self.separator != ",":
            joined = joined.replace(self.separator, ",")
        return ROWS_DECODER.decode(joined)

    def _times(self, stamps: list[str], rows: list[Row]) -> list[int]:
        """UTC nanoseconds of each row, from the time stamps :meth:`_cut_all` cut out."""
        return looked_up(self._stamps, stamps, self._stamp)

    def _sift(
        self, codes: list[str], payloads: list[str], lines: Sequence[int], result: ParseResult
    ) -> tuple[list[str], list[str], list[str], list[int], list[str], list[Row], list[QuoteStatus]]:
        """Keep the well-formed rows; record why each other one is malformed."""
        good = []
        checked = itemgetter(*self.check_fields)
        for code, payload, line in zip(codes, payloads, lines, strict=True):
            try:
                name, numbers, stamp, status = self._cut_one(payload)
                values = self._decode_one(numbers)
                traded_last(*checked(values))
                ts, symbol = self._stamp(stamp), self._symbol(code)
            except QuoteError as exc:
                result.malformed.append((line, f"{code}: {exc}"))
                continue
            good.append((code, payload, name, ts, symbol, values, status))
        columns = [list(column) for column in zip(*good, strict=True)] or [[]] * 7
        return columns[0], columns[1], columns[2], columns[3], columns[4], columns[5], columns[6]

    def _decode_one(self, numbers: str) -> Row:
        texts = numbers.split(self.separator)
        values = []
        for index, text in enumerate(texts):
            name = self.number_names[index] if index < len(self.number_names) else "?"
            where = self.number_fields[index] if index < len(self.number_fields) else "?"
            try:
                value = float(text)
            except ValueError:
                raise QuoteError(f"field {where} ({name}) = '{text}' is not a number") from None
            if not 0.0 <= value < math.inf:
                why = "negative" if value < 0.0 else "not a finite number"
                raise QuoteError(f"field {where} ({name}) = '{text}' is {why}")
            values.append(value)
        if len(texts) != len(self.number_names):
            raise QuoteError(f"expected {len(self.number_names)} numbers, got {len(texts)}")
        return tuple(values)

    def _symbol(self, code: str) -> str:
        symbol = self._symbols[code] = symbol_of_code(code)
        return symbol

    def _stamp(self, stamp: str) -> int:
        if len(self._stamps) > 100_000:  # one entry per distinct exchange second: bound it
            self._stamps.clear()
        ts = self._stamps[stamp] = self._parse_stamp(stamp)
        return ts

    def _empty_rows(self, rows: list[tuple[str, str]], text: str) -> frozenset[int]:
        """Indexes of rows that say "no such code" with a non-empty payload (vendor-specific;
        rows with an empty payload are always empty)."""
        return frozenset()

    def _cut_all(self, payloads: list[str]) -> Cut:
        """Names, numbers (text, ``separator`` between them), time stamps and statuses of
        well-formed payloads.

        Fast and trusting: a malformed payload may raise or yield the wrong count of numbers,
        and then :meth:`_cut_one` finds and names it."""
        raise NotImplementedError

    def _cut_one(self, payload: str) -> tuple[str, str, str, QuoteStatus]:
        """Like :meth:`_cut_all` for one payload, raising :class:`QuoteError` with the reason."""
        raise NotImplementedError

    def _parse_stamp(self, stamp: str) -> int:
        raise NotImplementedError

    def _ticks(
        self, symbols: list[str], times: list[int], rows: list[Row], statuses: list[QuoteStatus]
    ) -> list[Tick]:
        """One tick per row (``rows[i]`` holds the numbers of row i), with ``last`` as
        :func:`traded_last` gives it; its QuoteError at a row that is not a quote makes
        :meth:`_sift` name that row."""
        raise NotImplementedError
