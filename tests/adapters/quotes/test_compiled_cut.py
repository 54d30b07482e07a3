"""The compiled cutter (_cut.pyx) against the pure-Python parsers: same ticks, same counts,
same named errors, for well-formed answers and for any damage done to them."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from terminal.adapters.quotes import vendor
from terminal.adapters.quotes.qq import QQParser
from terminal.adapters.quotes.sina import SinaParser
from terminal.adapters.quotes.vendor import ParseResult
from terminal.domain.market import Tick
from tests.plugins.quote_samples import qq_line, qq_payload, sina_line, sina_payload

Parser = type[SinaParser] | type[QQParser]


def test_the_compiled_cutter_is_built() -> None:
    """The feed's parse rate depends on it; `bash .ci/setup.sh test` builds it (it needs a C
    compiler: on Debian, apt install gcc python3-dev)."""
    assert vendor.compiled is not None, "terminal/adapters/quotes/_cut.pyx was not compiled"
    assert SinaParser().compiled and QQParser().compiled
    assert not SinaParser(use_compiled=False).compiled


prices = st.integers(1, 500_000).map(lambda cents: cents / 100)
sizes = st.integers(1, 99_999).map(lambda lots: lots * 100.0)
levels = st.lists(st.tuples(prices, sizes), max_size=5)
codes = st.builds(
    lambda prefix, number: f"{prefix}{number:06d}", st.sampled_from(["sh", "sz", "bj"]),
    st.integers(0, 999_999),
)  # fmt: skip
# Mostly real dates and times; now and then one that is not.
days = st.sampled_from(["2019-03-12", "2024-02-29", "2026-11-20"] * 5 + ["2019-02-30"])
clocks = st.sampled_from(["09:30:00", "15:00:03", "11:29:59"] * 5 + ["25:00:00"])
# One line in eight is damaged: a character or two of the formats, or one that never belongs.
edits = st.lists(
    st.tuples(st.integers(0, 400), st.sampled_from(list('0123456789.,~/-"=;_ x\n中'))),
    min_size=1,
    max_size=2,
)
damage = st.integers(0, 7).flatmap(lambda roll: edits if roll == 0 else st.just([]))


def _damaged(line: str, edits: list[tuple[int, str]]) -> str:
    for where, char in edits:
        if line:
            where %= len(line)
            line = line[:where] + char + line[where + 1 :]
    return line


@st.composite
def quotes(draw: st.DrawFn) -> dict[str, object]:
    """Prices and sizes of one quote: nine times in ten consistent (low <= last <= high, best
    bid not above best ask); otherwise drawn at random, so often not a quote at all. Now and
    then no trade yet (last 0, or volume 0)."""
    low, last, high = sorted(draw(st.lists(prices, min_size=3, max_size=3)))
    book = sorted(draw(st.lists(prices, max_size=10)))
    bids = [(price, draw(sizes)) for price in reversed(book[: len(book) // 2])]
    asks = [(price, draw(sizes)) for price in book[len(book) // 2 :]]
    if draw(st.integers(0, 9)) == 0:
        low, last, high = draw(prices), draw(prices), draw(prices)
        bids, asks = draw(levels), draw(levels)
    kind = draw(st.integers(0, 7))
    return {
        "last": 0.0 if kind == 0 else last, "volume": 0.0 if kind == 1 else draw(sizes),
        "bids": bids, "asks": asks, "high": high, "low": low,
        "open_": draw(prices), "prev_close": draw(prices),
    }  # fmt: skip


@st.composite
def sina_lines(draw: st.DrawFn) -> str:
    code = draw(codes)
    if draw(st.integers(0, 9)) == 0:
        return f'var hq_str_{code}="";\n'  # no such code
    quote = draw(quotes())
    status = draw(st.sampled_from(["00"] * 8 + ["02", "03", "-3", "-2", "07", "021", "00,"]))
    payload = sina_payload(
        turnover=draw(prices) * 1000, day=draw(days), clock=draw(clocks), status=status, **quote
    )  # type: ignore[arg-type]
    return _damaged(sina_line(code, payload), draw(damage))


@st.composite
def qq_lines(draw: st.DrawFn) -> str:
    code = draw(codes)
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return 'v_pv_none_match="1";\n'
    if kind == 1:
        return f'v_{code}="";\n'
    stamp = draw(
        st.sampled_from(["20190312150003", "20240229093000"] * 6 + ["20190230150003", "2019"])
    )
    quote = draw(quotes())
    quote["lots"] = quote.pop("volume") / 100  # type: ignore[operator]
    payload = qq_payload(
        code=code[2:], turnover=float(draw(st.integers(0, 10**10))), stamp=stamp, **quote
    )  # type: ignore[arg-type]
    fields = payload.split("~")
    if kind == 2:
        fields[29] = "15:00:03/10.09/1234/S/1245123/12345"  # latest trades filled in
    if kind == 3:
        fields[31] = ""  # no change figure
    if kind == 4:
        fields = fields[:36]  # field 35 the last one
    if kind == 5:
        fields[40] = draw(st.sampled_from(["S", "D", "SD", "X"]))  # suspended, delisted, …
    if kind == 6:
        fields[31], fields[32] = "-0.05", "-0.49"  # a fall: negative change figures
    if kind == 7:
        fields += ["0"] * (61 - len(fields))
        fields[60] = "\n"  # a line break inside the record (real answers have them)
    line = qq_line(code, "~".join(fields))
    if kind == 8:
        line = line[:-1] + " "  # the next record follows on the same line
    return _damaged(line, draw(damage))


def _both(parser: Parser, texts: list[str]) -> tuple[list[ParseResult], list[ParseResult]]:
    """Each text parsed in turn (only changes), by a compiled and a pure-Python parser."""
    fast, plain = parser(), parser(use_compiled=False)
    assert fast.compiled and not plain.compiled
    results = [fast.parse(text) for text in texts], [plain.parse(text) for text in texts]
    assert fast.previous == plain.previous
    return results


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(sina_lines(), max_size=6).map("".join), min_size=1, max_size=2))
def test_sina_compiled_and_pure_python_agree(texts: list[str]) -> None:
    fast, plain = _both(SinaParser, texts)
    assert fast == plain


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(qq_lines(), max_size=6).map("".join), min_size=1, max_size=2))
def test_qq_compiled_and_pure_python_agree(texts: list[str]) -> None:
    fast, plain = _both(QQParser, texts)
    assert fast == plain


def test_a_full_answer_is_cut_by_the_compiled_path() -> None:
    """No silent fall-back: a clean answer of both vendors is cut in C, not in Python."""
    sina = "".join(sina_line(f"sz{i:06d}", sina_payload()) for i in range(50))
    qq = "".join(qq_line(f"sh{i:06d}", qq_payload(code=f"{i:06d}")) for i in range(50))
    assert vendor.compiled.cut_sina(sina) is not None
    assert vendor.compiled.cut_qq(qq) is not None
    assert vendor.compiled.cut_qq(qq + 'v_pv_none_match="1";\n') is not None
    assert vendor.compiled.cut_sina(sina + 'var hq_str_sz160923="";\r\n') is not None


@settings(max_examples=500, deadline=None)
@given(st.from_regex(r"\A[0-9]{1,25}(\.[0-9]{0,25})?\Z|\A\.[0-9]{1,25}\Z", fullmatch=True))
def test_numbers_convert_exactly_as_float_does(text: str) -> None:
    """Digits / 10**decimals is exact for up to 15 digits; anything longer goes through
    CPython's parser. Either way the double must be float(text)'s, bit for bit."""
    payload = sina_payload().split(",")
    payload[1] = text  # open
    columns = vendor.compiled.cut_sina(sina_line("sh600000", ",".join(payload)))
    if len(text) > 40:  # longer than any quote number: left to the Python path
        assert columns is None
        return
    assert columns is not None
    assert columns[4][0] == float(text)


def test_tick_builder_refuses_what_does_not_fit() -> None:
    numbers = array("d", [1.0] * 29 + [0.0])  # status code 0: trading
    layout = SinaParser.tick_layout
    statuses = vendor.STATUSES
    build = vendor.compiled.ticks
    with pytest.raises(ValueError, match="does not fit"):
        build(Tick, numbers, 30, (*layout[:-2], 25, 29), [0], ["A"], [1], statuses)
    with pytest.raises(ValueError, match="12 places"):
        build(Tick, numbers, 30, layout[:-1], [0], ["A"], [1], statuses)
    with pytest.raises(IndexError, match="row 1 of 1"):
        build(Tick, numbers, 30, layout, [1], ["A"], [1], statuses)
    with pytest.raises(ValueError, match="one time per symbol"):
        build(Tick, numbers, 30, layout, [0], ["A"], [], statuses)
    (tick,) = build(Tick, numbers, 30, layout, [0], ["A"], [1], statuses)
    assert tick == Tick("A", 1, 1.0, 1.0, 1.0, 0.0, (1.0,) * 5, (1.0,) * 5, (1.0,) * 5,
                        (1.0,) * 5, 1.0, 1.0, 1.0, 1.0)  # fmt: skip
    numbers[29] = 3.0
    with pytest.raises(ValueError, match="status code 3"):
        build(Tick, numbers, 30, layout, [0], ["A"], [1], statuses)


def test_tick_builder_refuses_rows_that_are_not_quotes_and_keeps_untraded_ones() -> None:
    """The rule of vendor.traded_last, in C: the Python path then names the row."""
    build, layout, statuses = vendor.compiled.ticks, SinaParser.tick_layout, vendor.STATUSES

    def row(**values: float) -> array[float]:
        numbers = array("d", [1.0] * 29 + [0.0])
        for name, value in values.items():
            numbers[SinaParser.number_names.index(name)] = value
        return numbers

    for bad in (row(last=1.5), row(last=0.5, low=0.9), row(bid1_price=1.2)):
        with pytest.raises(ValueError, match=r"outside|crossed"):
            build(Tick, bad, 30, layout, [0], ["A"], [1], statuses)
    untraded = row(volume=0.0)
    untraded[29] = 1.0  # suspended
    (tick,) = build(Tick, untraded, 30, layout, [0], ["A"], [1], statuses)
    assert tick.last == 0.0 and not tick.traded and tick.prev_close == 1.0
    assert tick.status is vendor.QuoteStatus.SUSPENDED and tick.bid_prices == (1.0,) * 5


# Pieces of both formats, so that random text often gets deep into a line before it breaks.
pieces = st.sampled_from(
    ["var hq_str_", "v_", "sh600000", "pv_none_match", '="', '";', "\n", "\r", " ", ",", "~",
     "/", ".", "-", ":", "0", "9", "12", "2019-03-12,15:00:03", "20190312150003", "浦发银行",
     "\U0001f600", "x", '"', "=", "~~", "1~"]
)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(pieces, max_size=80).map("".join))
def test_any_text_is_cut_or_refused(text: str) -> None:
    """Whatever arrives, the cutter returns columns of equal length or None: it never
    crashes, reads past the text, or returns rows it did not fill."""
    for cut, width in ((vendor.compiled.cut_sina, 30), (vendor.compiled.cut_qq, 33)):
        columns = cut(text)
        if columns is not None:
            codes, payloads, names, stamps, numbers = columns
            assert len(codes) == len(payloads) == len(names) == len(stamps)
            assert len(numbers) == width * len(codes)
