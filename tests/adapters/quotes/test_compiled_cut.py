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
def sina_lines(draw: st.DrawFn) -> str:
    code = draw(codes)
    if draw(st.integers(0, 9)) == 0:
        return f'var hq_str_{code}="";\n'  # no such code
    last = draw(st.one_of(prices, st.just(0.0)))  # 0: no trade today
    payload = sina_payload(
        last=last, volume=draw(sizes), turnover=draw(prices) * 1000, bids=draw(levels),
        asks=draw(levels), open_=draw(prices), prev_close=draw(prices), high=draw(prices),
        low=draw(prices), day=draw(days), clock=draw(clocks),
    )  # fmt: skip
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
    payload = qq_payload(
        code=code[2:], last=draw(st.one_of(prices, st.just(0.0))), lots=draw(sizes) / 100,
        turnover=float(draw(st.integers(0, 10**10))), bids=draw(levels), asks=draw(levels),
        open_=draw(prices), prev_close=draw(prices), high=draw(prices), low=draw(prices),
        stamp=stamp,
    )  # fmt: skip
    fields = payload.split("~")
    if kind == 2:
        fields[29] = "15:00:03/10.09/1234/S/1245123/12345"  # latest trades filled in
    if kind == 3:
        fields[31] = ""  # no change figure
    if kind == 4:
        fields = fields[:36]  # field 35 the last one
    return _damaged(qq_line(code, "~".join(fields)), draw(damage))


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
    numbers = array("d", [1.0] * 29)
    layout = SinaParser.tick_layout
    build = vendor.compiled.ticks
    with pytest.raises(ValueError, match="does not fit"):
        build(Tick, numbers, 29, (*layout[:-1], 25), [0], ["A"], [1])
    with pytest.raises(IndexError, match="row 1 of 1"):
        build(Tick, numbers, 29, layout, [1], ["A"], [1])
    with pytest.raises(ValueError, match="one time per symbol"):
        build(Tick, numbers, 29, layout, [0], ["A"], [])
    (tick,) = build(Tick, numbers, 29, layout, [0], ["A"], [1])
    assert tick == Tick("A", 1, 1.0, 1.0, 1.0, 0.0, (1.0,) * 5, (1.0,) * 5, (1.0,) * 5,
                        (1.0,) * 5, 1.0, 1.0, 1.0, 1.0)  # fmt: skip


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
    for cut, width in ((vendor.compiled.cut_sina, 29), (vendor.compiled.cut_qq, 34)):
        columns = cut(text)
        if columns is not None:
            codes, payloads, names, stamps, numbers = columns
            assert len(codes) == len(payloads) == len(names) == len(stamps)
            assert len(numbers) == width * len(codes)
