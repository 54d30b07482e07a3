"""Sina's snapshot quotes: ``var hq_str_sh600000="NAME,open,prev_close,last,high,low,bid,ask,
volume,turnover,b1 size,b1 price,…,a5 price,YYYY-MM-DD,HH:MM:SS,00";`` with volume in shares
and turnover in yuan."""

from __future__ import annotations

from terminal.adapters.quotes.codes import QuoteError
from terminal.adapters.quotes.vendor import Row, VendorParser, depth_levels, shanghai_utc_ns
from terminal.domain.market import Tick

_SINA_NAMES = ["open", "prev_close", "last", "high", "low", "bid", "ask", "volume", "turnover"]
for _side in ("bid", "ask"):
    for _level in range(1, 6):
        _SINA_NAMES += [f"{_side}{_level}_size", f"{_side}{_level}_price"]


class SinaParser(VendorParser):
    """Sina's ``var hq_str_CODE="…";`` lines."""

    prefix = "var hq_str_"
    number_names = tuple(_SINA_NAMES)
    number_fields = tuple(range(1, 30))
    cutter = "cut_sina"
    tick_layout = (2, 7, 8, 0, 3, 4, 1, 10, 9, 20, 19)

    def _cut_all(self, payloads: list[str]) -> tuple[list[str], list[str], list[str]]:
        commas = [payload.find(",") for payload in payloads]
        # Every number is non-negative, so the first '-' after the name is the date's.
        dashes = [payload.find("-", comma) for payload, comma in zip(payloads, commas, strict=True)]
        cuts = list(zip(payloads, commas, dashes, strict=True))
        return (
            [payload[:comma] for payload, comma, _ in cuts],
            [payload[comma + 1 : dash - 5] for payload, comma, dash in cuts],
            [payload[dash - 4 : dash + 15] for payload, _, dash in cuts],
        )

    def _cut_one(self, payload: str) -> tuple[str, str, str]:
        comma = payload.find(",")
        dash = payload.find("-", comma)
        if comma < 0 or dash < comma + 6:
            fields = payload.count(",") + 1
            raise QuoteError(f"expected a name, 29 numbers, a date and a time; got {fields} fields")
        return payload[:comma], payload[comma + 1 : dash - 5], payload[dash - 4 : dash + 15]

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

    def _ticks(self, symbols: list[str], times: list[int], rows: list[Row]) -> list[Tick | None]:
        ticks: list[Tick | None] = []
        append = ticks.append
        for symbol, ts, row in zip(symbols, times, rows, strict=True):
            (o, pc, last, h, lo, _, _, vol, turnover,
             bs1, bp1, bs2, bp2, bs3, bp3, bs4, bp4, bs5, bp5,
             as1, ap1, as2, ap2, as3, ap3, as4, ap4, as5, ap5,
             ) = row  # fmt: skip
            if last <= 0.0:
                append(None)
            elif bp5 > 0.0 and ap5 > 0.0:  # levels fill best first: all five are there
                # A plain call: star-arguments would build an argument tuple per tick.
                append(Tick(symbol, ts, last, vol, turnover, 0.0,
                            (bp1, bp2, bp3, bp4, bp5), (bs1, bs2, bs3, bs4, bs5),
                            (ap1, ap2, ap3, ap4, ap5), (as1, as2, as3, as4, as5),
                            o, h, lo, pc))  # fmt: skip
            else:
                bids = depth_levels((bp1, bp2, bp3, bp4, bp5), (bs1, bs2, bs3, bs4, bs5))
                asks = depth_levels((ap1, ap2, ap3, ap4, ap5), (as1, as2, as3, as4, as5))
                append(Tick(symbol, ts, last, vol, turnover, 0.0, *bids, *asks,
                            o, h, lo, pc))  # fmt: skip
        return ticks
