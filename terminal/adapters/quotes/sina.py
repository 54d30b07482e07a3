"""Sina's snapshot quotes: ``var hq_str_sh600000="NAME,open,prev_close,last,high,low,bid,ask,
volume,turnover,b1 size,b1 price,…,a5 price,YYYY-MM-DD,HH:MM:SS,00";`` with volume in shares
and turnover in yuan."""

from __future__ import annotations

from itertools import repeat

import msgspec

from terminal.adapters.quotes.codes import QuoteError
from terminal.adapters.quotes.vendor import (
    Cut,
    ParseResult,
    Row,
    VendorParser,
    depth_levels,
    shanghai_utc_ns,
    traded_last,
)
from terminal.domain.enums import QuoteStatus
from terminal.domain.market import Tick

_SINA_NAMES = ["open", "prev_close", "last", "high", "low", "bid", "ask", "volume", "turnover"]
for _side in ("bid", "ask"):
    for _level in range(1, 6):
        _SINA_NAMES += [f"{_side}{_level}_size", f"{_side}{_level}_price"]
SINA_FIELDS = 32
"""A name, 29 numbers, a date and a time; then the status (field 32) and more, optional."""
# Field 32 (Sina's own page script): 00 trading; 01-05 and 07 halted or suspended (临停1H,
# 停牌, 临停, 停1/2, 暂停); -3 delisted; -1 (no record), -2 (not yet listed) and anything
# else: taken as trading (the quote then simply shows no trade). Looked up by the four
# characters after the time: the field with the ',' before it, and the ',' after it unless
# the payload ends there.
_CODES = {code: QuoteStatus.SUSPENDED for code in ("01", "02", "03", "04", "05", "07")}
_CODES["-3"] = QuoteStatus.DELISTED
_STATUS_AFTER_TIME = {
    f",{code}{end}": status for code, status in _CODES.items() for end in (",", "")
}


class SinaParser(VendorParser):
    """Sina's ``var hq_str_CODE="…";`` lines."""

    prefix = "var hq_str_"
    number_names = tuple(_SINA_NAMES)
    number_fields = tuple(range(1, 30))
    cutter = "cut_sina"
    tick_layout = (2, 7, 8, 0, 3, 4, 1, 10, 9, 20, 19, 29)
    compiled_width = 30
    check_fields = (2, 7, 3, 4, 10, 20)  # last, volume, high, low, bid 1, ask 1

    def __init__(self, use_compiled: bool = True) -> None:
        super().__init__(use_compiled)
        self._volume_in_lots: set[str] = set()

    def _symbol(self, code: str) -> str:
        # Sina gives the volume of Shanghai's indices (sh000…) in lots of 100, every other
        # volume in shares (its own page script multiplies those by 100): noted once a code.
        symbol = super()._symbol(code)
        if code.startswith("sh000"):
            self._volume_in_lots.add(symbol)
        return symbol

    def _adjust(self, result: ParseResult) -> None:
        if not self._volume_in_lots:  # no Shanghai index seen: nothing to look for
            return
        in_lots = self._volume_in_lots
        for index, tick in enumerate(result.ticks):
            if tick.symbol in in_lots:
                result.ticks[index] = msgspec.structs.replace(tick, volume=tick.volume * 100)

    def _cut_all(self, payloads: list[str]) -> Cut:
        commas = [payload.find(",") for payload in payloads]
        # Every number is non-negative, so the first '-' after the name is the date's.
        dashes = [payload.find("-", comma) for payload, comma in zip(payloads, commas, strict=True)]
        cuts = list(zip(payloads, commas, dashes, strict=True))
        after_time = [payload[dash + 15 : dash + 19] for payload, _, dash in cuts]
        return (
            [payload[:comma] for payload, comma, _ in cuts],
            [payload[comma + 1 : dash - 5] for payload, comma, dash in cuts],
            [payload[dash - 4 : dash + 15] for payload, _, dash in cuts],
            list(map(_STATUS_AFTER_TIME.get, after_time, repeat(QuoteStatus.TRADING))),
        )

    def _cut_one(self, payload: str) -> tuple[str, str, str, QuoteStatus]:
        fields = payload.split(",")
        if len(fields) < SINA_FIELDS:
            raise QuoteError(
                f"expected a name, 29 numbers, a date and a time; got {len(fields)} fields"
            )
        status = _CODES.get(fields[32], QuoteStatus.TRADING) if len(fields) > 32 else None
        numbers, stamp = ",".join(fields[1:30]), f"{fields[30]},{fields[31]}"
        return fields[0], numbers, stamp, status or QuoteStatus.TRADING

    def _parse_stamp(self, stamp: str) -> int:
        # "YYYY-MM-DD,HH:MM:SS"
        try:
            if stamp[4] != "-" or stamp[7] != "-" or stamp[10] != ",":
                raise ValueError
            year, month, day = int(stamp[:4]), int(stamp[5:7]), int(stamp[8:10])
        except (ValueError, IndexError):
            raise QuoteError(f"field 30 (date) = '{stamp[:10]}' is not YYYY-MM-DD") from None
        clock = stamp[11:]
        try:
            if len(clock) != 8 or clock[2] != ":" or clock[5] != ":":
                raise ValueError
            seconds = int(clock[:2]) * 3600 + int(clock[3:5]) * 60 + int(clock[6:])
            return shanghai_utc_ns(year, month, day, seconds)
        except ValueError:
            raise QuoteError(f"date and time '{stamp}' are not YYYY-MM-DD,HH:MM:SS") from None

    def _ticks(
        self, symbols: list[str], times: list[int], rows: list[Row], statuses: list[QuoteStatus]
    ) -> list[Tick]:
        ticks: list[Tick] = []
        append = ticks.append
        for symbol, ts, row, status in zip(symbols, times, rows, statuses, strict=True):
            (o, pc, last, h, lo, _, _, vol, turnover,
             bs1, bp1, bs2, bp2, bs3, bp3, bs4, bp4, bs5, bp5,
             as1, ap1, as2, ap2, as3, ap3, as4, ap4, as5, ap5,
             ) = row  # fmt: skip
            last = traded_last(last, vol, h, lo, bp1, ap1)
            if bp5 > 0.0 and ap5 > 0.0:  # levels fill best first: all five are there
                # A plain call: star-arguments would build an argument tuple per tick.
                append(Tick(symbol, ts, last, vol, turnover, 0.0,
                            (bp1, bp2, bp3, bp4, bp5), (bs1, bs2, bs3, bs4, bs5),
                            (ap1, ap2, ap3, ap4, ap5), (as1, as2, as3, as4, as5),
                            o, h, lo, pc, status))  # fmt: skip
            else:
                bids = depth_levels((bp1, bp2, bp3, bp4, bp5), (bs1, bs2, bs3, bs4, bs5))
                asks = depth_levels((ap1, ap2, ap3, ap4, ap5), (as1, as2, as3, as4, as5))
                append(Tick(symbol, ts, last, vol, turnover, 0.0, *bids, *asks,
                            o, h, lo, pc, status))  # fmt: skip
        return ticks
