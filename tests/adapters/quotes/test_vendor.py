"""The Sina and QQ parsers against payloads in the vendors' exact formats."""

from __future__ import annotations

import gc
from datetime import UTC, datetime

import msgspec
import pytest

from terminal.adapters.quotes.codes import QuoteError, code_of_symbol, symbol_of_code
from terminal.adapters.quotes.qq import QQParser
from terminal.adapters.quotes.sina import SinaParser
from tests.plugins.quote_samples import qq_line, qq_payload, sina_line, sina_payload

# 2019-03-12 15:00:03 in Shanghai is 07:00:03 UTC.
CLOSE_2019_03_12 = int(datetime(2019, 3, 12, 7, 0, 3, tzinfo=UTC).timestamp()) * 1_000_000_000


def test_sina_line_becomes_a_tick_with_every_field() -> None:
    result = SinaParser().parse(sina_line("sh600000", sina_payload()))
    assert result.malformed == []
    (tick,) = result.ticks
    assert tick.symbol == "600000.SSE"
    assert result.names == {"600000.SSE": "浦发银行"}
    assert tick.ts == CLOSE_2019_03_12
    assert (tick.open, tick.prev_close, tick.last) == (10.08, 10.08, 10.09)
    assert (tick.high, tick.low) == (10.20, 10.03)
    assert tick.volume == 31877600 and tick.turnover == 322033420.5
    assert tick.bid_prices == (10.09, 10.08, 10.07, 10.06, 10.05)
    assert tick.bid_sizes == (183400, 276500, 178700, 122900, 123400)
    assert tick.ask_prices == (10.10, 10.11, 10.12, 10.13, 10.14)
    assert tick.ask_sizes == (90700, 158700, 133800, 105200, 123400)


def test_qq_line_converts_lots_to_shares_and_takes_exact_turnover() -> None:
    result = QQParser().parse(qq_line("sz000001", qq_payload(code="000001", name="平安银行")))
    assert result.malformed == []
    (tick,) = result.ticks
    assert tick.symbol == "000001.SZSE"
    assert result.names == {"000001.SZSE": "平安银行"}
    assert tick.ts == CLOSE_2019_03_12
    assert tick.volume == 31877600  # 318,776 lots
    assert tick.turnover == 322033420.0
    assert (tick.open, tick.prev_close, tick.last, tick.high, tick.low) == (
        10.08, 10.08, 10.09, 10.20, 10.03,
    )  # fmt: skip
    assert tick.bid_sizes == (183400, 276500, 178700, 122900, 123400)
    assert tick.ask_prices == (10.10, 10.11, 10.12, 10.13, 10.14)


@pytest.mark.parametrize("parser", [SinaParser, QQParser])
def test_missing_depth_levels_are_absent(parser: type[SinaParser] | type[QQParser]) -> None:
    bids, asks = [(10.09, 100.0), (10.08, 200.0)], []
    if parser is SinaParser:
        text = sina_line("sh600000", sina_payload(bids=bids, asks=asks))
    else:
        text = qq_line("sh600000", qq_payload(bids=bids, asks=asks))
    (tick,) = parser().parse(text).ticks
    assert tick.bid_prices == (10.09, 10.08) and tick.bid_sizes == (100, 200)
    assert tick.ask_prices == () and tick.ask_sizes == ()


def test_empty_untraded_and_malformed_lines_are_counted_not_raised() -> None:
    text = (
        sina_line("sh600000", sina_payload())
        + 'var hq_str_sz160923="";\n'
        + sina_line("sz000002", sina_payload(last=0.0, open_=0.0, high=0.0, low=0.0))
        + sina_line("sz000003", sina_payload().replace("10.200", "1O.200"))
        + "<html>blocked</html>\n"
        + sina_line("sz000004", sina_payload(day="2019-02-30"))
        + sina_line("sz000005", sina_payload())
    )
    result = SinaParser().parse(text)
    assert [t.symbol for t in result.ticks] == ["600000.SSE", "000002.SZSE", "000005.SZSE"]
    assert [t.traded for t in result.ticks] == [True, False, True]
    assert result.empty == 1
    assert result.untraded == 1 and result.suspended == 0
    assert result.malformed == [
        (5, 'not of the form var hq_str_CODE="…";'),
        (4, "sz000003: field 4 (high) = '1O.200' is not a number"),
        (6, "sz000004: date and time '2019-02-30,15:00:03' are not YYYY-MM-DD,HH:MM:SS"),
    ]


def test_qq_unknown_code_and_short_line() -> None:
    text = 'v_pv_none_match="1";\n' + qq_line("sh600000", "1~浦发银行~600000~10.09")
    result = QQParser().parse(text)
    assert result.ticks == []
    assert result.empty == 1
    assert result.malformed == [(2, "sh600000: expected at least 36 fields, got 4")]


def test_qq_bad_datetime_names_the_field() -> None:
    result = QQParser().parse(qq_line("sh600000", qq_payload(stamp="2019031215")))
    assert result.malformed == [
        (1, "sh600000: field 30 (datetime) = '2019031215' is not YYYYMMDDHHMMSS")
    ]


def test_only_changed_snapshots_become_ticks() -> None:
    parser = SinaParser()
    first = sina_line("sh600000", sina_payload()) + sina_line("sz000001", sina_payload())
    assert len(parser.parse(first).ticks) == 2
    second = sina_line("sh600000", sina_payload()) + sina_line(
        "sz000001", sina_payload(last=10.10, clock="15:00:06")
    )
    result = parser.parse(second)
    assert [(t.symbol, t.last) for t in result.ticks] == [("000001.SZSE", 10.10)]
    assert result.unchanged == 1
    assert len(parser.parse(second, only_changed=False).ticks) == 2


def test_symbol_and_code_mapping_round_trips_and_names_bad_input() -> None:
    for code in ("sh600000", "sz000001", "bj430047"):
        assert code_of_symbol(symbol_of_code(code)) == code
    with pytest.raises(QuoteError, match=r"symbol 'AAPL\.NASDAQ'"):
        code_of_symbol("AAPL.NASDAQ")
    with pytest.raises(QuoteError, match="code 'hk00700'"):
        symbol_of_code("hk00700")


def _with_field(payload: str, index: int, value: str) -> str:
    fields = payload.split("~")
    fields[index] = value
    return "~".join(fields)


@pytest.mark.parametrize(
    ("index", "value"),
    [
        (29, "15:00:03/10.09/1234/S/1245123/12345|14:59:57/10.08/10/B/10080/12344"),  # trades
        (29, "7"),  # a number where the parser's fast path expects nothing
        (31, ""),  # an empty change field: two "~~" in the numbers
    ],
)
def test_qq_rows_the_fast_cut_does_not_fit_still_parse_exactly(index: int, value: str) -> None:
    """The QQ fast path assumes field 29 is empty; any row where that or the field layout
    differs must come out exactly as a plain split would give it, never shifted."""
    plain = qq_line("sh600000", qq_payload())
    odd = qq_line("sz000001", _with_field(qq_payload(code="000001"), index, value))
    result = QQParser().parse(plain + odd)
    assert result.malformed == []
    first, second = result.ticks
    assert second.symbol == "000001.SZSE"
    assert msgspec.structs.replace(second, symbol=first.symbol) == first


def test_qq_malformed_field_35_is_named() -> None:
    payload = _with_field(qq_payload(), 35, "10.09/318776")
    result = QQParser().parse(qq_line("sh600000", payload))
    assert result.ticks == []
    assert result.malformed == [
        (1, "sh600000: field 35 (last/volume/turnover) = '10.09/318776' is not a/b/c")
    ]


def test_parsing_leaves_the_garbage_collector_as_it_found_it() -> None:
    """The parser pauses the cyclic collector while it works: it must come back on after a
    parse, also one that meets malformed lines, and stay off if it was off."""
    text = qq_line("sh600000", qq_payload()) + 'v_sz000001="1~x";\n'
    assert gc.isenabled()
    assert len(QQParser().parse(text).malformed) == 1
    assert gc.isenabled()
    gc.disable()
    try:
        QQParser().parse(text)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("use_compiled", [True, False])
def test_qq_field_35_may_be_the_last_field(use_compiled: bool) -> None:
    """A row that ends with "last/volume/turnover" keeps the turnover's last digit (the Python
    cut once sliced it off when no '~' followed)."""
    payload = "~".join(qq_payload(turnover=322033425.0).split("~")[:36])
    result = QQParser(use_compiled).parse(qq_line("sh600000", payload))
    (tick,) = result.ticks
    assert tick.turnover == 322033425.0


def _qq_with(**values: str) -> str:
    fields = qq_payload().split("~")
    where = {"last": 3, "volume": 6, "bid1_price": 9, "ask1_price": 19, "high": 33}
    for name, value in values.items():
        fields[where[name]] = value
        if name in ("last", "volume"):
            parts = fields[35].split("/")
            parts[0 if name == "last" else 1] = value
            fields[35] = "/".join(parts)
    return "~".join(fields)


NOT_QUOTES = [  # (what, the payload, why it is malformed): #19.11
    ("nan price", _qq_with(last="nan"), "field 3 (last) = 'nan' is not a finite number"),
    ("inf volume", _qq_with(volume="inf"), "field 6 (volume) = 'inf' is not a finite number"),
    ("negative price", _qq_with(high="-10.20"), "field 33 (high) = '-10.20' is negative"),
    ("crossed book", _qq_with(bid1_price="10.20"),
     "crossed book: best bid 10.2 is above best ask 10.1"),
    ("last above high", _qq_with(last="10.30"),
     "last 10.3 is outside the day's low 10.03 and high 10.2"),
]  # fmt: skip


@pytest.mark.parametrize("use_compiled", [True, False], ids=["compiled", "python"])
@pytest.mark.parametrize(("what", "payload", "why"), NOT_QUOTES, ids=[c[0] for c in NOT_QUOTES])
def test_qq_rows_that_are_not_quotes_are_malformed_and_the_rest_kept(
    what: str, payload: str, why: str, use_compiled: bool
) -> None:
    text = (
        qq_line("sh600000", qq_payload())
        + qq_line("sz000001", payload.replace("~600000~", "~000001~"))
        + qq_line("sh600519", qq_payload(code="600519"))
    )
    result = QQParser(use_compiled).parse(text)
    assert [t.symbol for t in result.ticks] == ["600000.SSE", "600519.SSE"]
    assert result.malformed == [(2, f"sz000001: {why}")]


@pytest.mark.parametrize("use_compiled", [True, False], ids=["compiled", "python"])
def test_sina_rows_that_are_not_quotes_are_malformed(use_compiled: bool) -> None:
    negative = sina_payload().replace(",31877600,", ",-31877600,")
    crossed = sina_payload(bids=[(10.11, 100.0)])
    text = (sina_line("sh600000", negative) + sina_line("sz000001", crossed)
            + sina_line("sh600519", sina_payload()))  # fmt: skip
    result = SinaParser(use_compiled).parse(text)
    assert [t.symbol for t in result.ticks] == ["600519.SSE"]
    assert result.malformed == [
        (1, "sh600000: field 8 (volume) = '-31877600' is negative"),
        (2, "sz000001: crossed book: best bid 10.11 is above best ask 10.1"),
    ]
