"""Tencent (QQ) snapshot quotes: ``v_sh600000="market~NAME~code~last~prev_close~open~volume~
outer~inner~b1 price~b1 lots~…~a5 lots~trades~YYYYMMDDHHMMSS~change~change%~high~low~
last/volume/turnover~…";`` with volumes and sizes in lots of 100 shares."""

from __future__ import annotations

import re
from itertools import chain, repeat
from math import copysign
from operator import itemgetter

from terminal.adapters.quotes.codes import QuoteError
from terminal.adapters.quotes.vendor import (
    ROWS_DECODER,
    Cut,
    Row,
    VendorParser,
    depth_levels,
    looked_up,
    shanghai_utc_ns,
    traded_last,
)
from terminal.domain.enums import QuoteStatus
from terminal.domain.market import Tick

LOT = 100.0  # QQ reports volumes and sizes in lots of 100 shares
_QQ_NAMES = ["last", "prev_close", "open", "volume", "outer_volume", "inner_volume"]
for _side in ("bid", "ask"):
    for _level in range(1, 6):
        _QQ_NAMES += [f"{_side}{_level}_price", f"{_side}{_level}_lots"]
_QQ_NAMES += ["datetime", "change", "change_pct", "high", "low", "last", "volume", "turnover"]
_QQ_NUMBER_FIELDS = (*range(3, 29), 30, 31, 32, 33, 34, 35, 35, 35)
QQ_MIN_FIELDS = 36
_EMPTY_FIELD = re.compile("~~")
_CHANGES = (itemgetter(27), itemgetter(28))  # fields 31 and 32 in a row: change, change %
# Field 40, as seen in real answers (no vendor documentation): "S" suspended, "D" delisted,
# empty while trading.
_STATUS = {"S": QuoteStatus.SUSPENDED, "D": QuoteStatus.DELISTED}


def _status(payload: str) -> QuoteStatus:
    fields = payload.split("~", 41)
    return _STATUS.get(fields[40], QuoteStatus.TRADING) if len(fields) > 40 else QuoteStatus.TRADING


class QQParser(VendorParser):
    """Tencent's ``v_CODE="…";`` lines."""

    prefix = "v_"
    separator = "~"
    number_names = tuple(_QQ_NAMES)
    number_fields = _QQ_NUMBER_FIELDS
    cutter = "cut_qq"
    tick_layout = (0, 3, 31, 2, 27, 28, 1, 6, 7, 16, 17, 32)  # volume and sizes in shares
    compiled_width = 33
    check_fields = (0, 3, 29, 30, 6, 16)  # last, volume, high, low, bid 1, ask 1

    def __init__(self, use_compiled: bool = True) -> None:
        super().__init__(use_compiled)
        self._stamps_of_numbers: dict[float, int] = {}

    def _empty_rows(self, rows: list[tuple[str, str]], text: str) -> frozenset[int]:
        # QQ answers an unknown code with v_pv_none_match="1"; one search of the whole text
        # spares a call per row in the usual answer that has none.
        if "v_pv_none_match" not in text:
            return frozenset()
        return frozenset(i for i, (code, _) in enumerate(rows) if code.startswith("pv_none_match"))

    def _cut_all(self, payloads: list[str]) -> Cut:
        # Splitting a row into its 37+ fields costs more than everything else together (a
        # string object per field, cut from text that is wide because of the name), so cut
        # one slice per row, fields 3..35, and let whole-answer replaces make it numbers:
        # field 29 (latest trades), empty in the answers seen, drops out with "~~" → "~",
        # and field 35 "last/volume/turnover" becomes three numbers. A row where field 29 is
        # not empty comes out with the wrong count of numbers, and _cut_one, which splits,
        # then takes that answer row by row.
        names, numbers, statuses = [], [], []
        trading, marked = QuoteStatus.TRADING, []
        for index, payload in enumerate(payloads):
            name_start = payload.find("~") + 1
            name_end = payload.find("~", name_start)
            first = payload.find("~", name_end + 1) + 1  # field 3, the first number
            # The first '/' is field 35's: fields 3..34 are numbers (and 29 is empty).
            end = payload.find("~", payload.find("/", first))
            names.append(payload[name_start:name_end])
            numbers.append(payload[first : end if end >= 0 else len(payload)])  # 35 the last?
            statuses.append(trading)
            # Field 40 "S" or "D" is rare: cheap one-character searches first (an "S" may
            # be in a name, "ST…"; the first "D" after field 35 starts a field only if it is
            # field 40's), then a split of the few rows they let through.
            if "S" in payload:
                marked.append(index)
            elif end >= 0:
                d = payload.find("D", end)
                if d > 0 and payload[d - 1] == "~":
                    marked.append(index)
        for index in marked:
            statuses[index] = _status(payloads[index])
        return names, numbers, [], statuses

    def _decode_all(self, numbers: list[str]) -> list[Row]:
        joined = "[[" + "],[".join(numbers) + "]]"
        # A compiled "~~" search is faster than str.replace's for a two-character needle.
        joined = _EMPTY_FIELD.sub("~", joined)
        rows = ROWS_DECODER.decode(joined.replace("/", "~").replace("~", ","))
        # A negative number (the JSON decoder refuses NaN and infinity) is allowed only as a
        # change (fields 31, 32: a fall): every '-' must be one of theirs. Counted by sign,
        # so "-0.00" is one too.
        dashes = joined.count("-")
        if dashes:
            changes = chain.from_iterable(map(getter, rows) for getter in _CHANGES)
            if list(map(copysign, repeat(1.0), changes)).count(-1.0) != dashes:
                raise QuoteError("a negative number")
        return rows

    def _times(self, stamps: list[str], rows: list[Row]) -> list[int]:
        stamps_as_numbers = list(map(itemgetter(26), rows))  # field 30, YYYYMMDDHHMMSS
        return looked_up(self._stamps_of_numbers, stamps_as_numbers, self._stamp_of_number)

    def _stamp_of_number(self, number: float) -> int:
        if len(self._stamps_of_numbers) > 100_000:
            self._stamps_of_numbers.clear()
        ts = self._stamps_of_numbers[number] = self._stamp(f"{number:.0f}")
        return ts

    def _cut_one(self, payload: str) -> tuple[str, str, str, QuoteStatus]:
        f = payload.split("~", 36)
        if len(f) < QQ_MIN_FIELDS:
            raise QuoteError(f"expected at least {QQ_MIN_FIELDS} fields, got {len(f)}")
        if f[35].count("/") != 2:
            raise QuoteError(f"field 35 (last/volume/turnover) = '{f[35]}' is not a/b/c")
        # The same numbers as _cut_all's, field 29 (not a number) left out, and 31 and 32
        # (change, change %: unused, and may be empty or negative) as zeros.
        numbers = "~".join([*f[3:29], f[30], "0", "0", f[33], f[34], f[35].replace("/", "~")])
        return f[1], numbers, f[30], _status(payload)

    def _parse_stamp(self, stamp: str) -> int:
        if len(stamp) != 14 or not stamp.isdigit():
            raise QuoteError(f"field 30 (datetime) = '{stamp}' is not YYYYMMDDHHMMSS")
        seconds = int(stamp[8:10]) * 3600 + int(stamp[10:12]) * 60 + int(stamp[12:])
        try:
            return shanghai_utc_ns(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]), seconds)
        except ValueError:
            raise QuoteError(f"field 30 (datetime) = '{stamp}' is not a calendar date") from None

    def _ticks(
        self, symbols: list[str], times: list[int], rows: list[Row], statuses: list[QuoteStatus]
    ) -> list[Tick]:
        ticks: list[Tick] = []
        append, lot = ticks.append, LOT  # locals: a global is looked up at each use
        for symbol, ts, row, status in zip(symbols, times, rows, statuses, strict=True):
            # Fields 3..28 (bids and asks as price~lots pairs), 30..34 (time stamp, change,
            # change %, high, low), then 35 (last, volume, turnover).
            (last, pc, o, lots, _, _,
             bp1, bs1, bp2, bs2, bp3, bs3, bp4, bs4, bp5, bs5,
             ap1, as1, ap2, as2, ap3, as3, ap4, as4, ap5, as5,
             _, _, _, h, lo, _, _, turnover) = row  # fmt: skip
            last = traded_last(last, lots, h, lo, bp1, ap1)
            bid_sizes = (bs1 * lot, bs2 * lot, bs3 * lot, bs4 * lot, bs5 * lot)
            ask_sizes = (as1 * lot, as2 * lot, as3 * lot, as4 * lot, as5 * lot)
            if bp5 > 0.0 and ap5 > 0.0:  # levels fill best first: all five are there
                append(Tick(symbol, ts, last, lots * lot, turnover, 0.0,
                            (bp1, bp2, bp3, bp4, bp5), bid_sizes,
                            (ap1, ap2, ap3, ap4, ap5), ask_sizes, o, h, lo, pc,
                            status))  # fmt: skip
            else:
                bids = depth_levels((bp1, bp2, bp3, bp4, bp5), bid_sizes)
                asks = depth_levels((ap1, ap2, ap3, ap4, ap5), ask_sizes)
                append(Tick(symbol, ts, last, lots * lot, turnover, 0.0, *bids, *asks,
                            o, h, lo, pc, status))  # fmt: skip
        return ticks
