"""The parsers on saved real answers (tests/data/vendors/, with their sources): the quote of
an instrument before its first trade, suspended and delisted instruments, index volumes,
records spanning lines or sharing one, each by the compiled and the pure-Python path."""

from __future__ import annotations

from pathlib import Path

import pytest

from terminal.adapters.quotes.qq import QQParser
from terminal.adapters.quotes.sina import SinaParser
from terminal.adapters.quotes.vendor import ParseResult
from terminal.domain.enums import QuoteStatus
from terminal.domain.market import NO_LAST, Tick

DATA = Path(__file__).resolve().parents[2] / "data" / "vendors"
COMPILED = pytest.mark.parametrize("use_compiled", [True, False], ids=["compiled", "python"])


def answer(name: str) -> str:
    """A saved answer as the feed sees it: sent in GBK, decoded."""
    raw = (DATA / name).read_text(encoding="utf-8").encode("gbk", errors="replace")
    return raw.decode("gbk")


def by_symbol(result: ParseResult) -> dict[str, Tick]:
    return {tick.symbol: tick for tick in result.ticks}


@COMPILED
def test_sina_fund_with_no_trade_yet_is_a_tick_with_its_book(use_compiled: bool) -> None:
    result = SinaParser(use_compiled).parse(
        answer("sina_hq_sinajs_lof_no_trade_and_empty_2019-04-08.txt")
    )
    assert result.malformed == [] and result.empty == 1  # sz160923=""
    ticks = by_symbol(result)
    tick = ticks["160922.SZSE"]
    assert tick.last == NO_LAST and not tick.traded and tick.volume == 0
    assert tick.prev_close == 1.074 and tick.status is QuoteStatus.TRADING
    assert tick.bid_prices == (1.053, 1.05) and tick.bid_sizes == (42000, 7500)
    assert tick.ask_prices == (1.11, 1.13, 1.169, 1.17)
    assert result.names["160922.SZSE"] == "恒生中小"
    assert not ticks["160924.SZSE"].traded and result.untraded == 2


@COMPILED
def test_sina_index_volume_is_turned_from_lots_into_shares(use_compiled: bool) -> None:
    ticks = by_symbol(
        SinaParser(use_compiled).parse(
            answer("sina_hq_sinajs_sh000001_sh600036_sz000001_2019-12.txt")
        )
    )
    index, stock = ticks["000001.SSE"], ticks["600036.SSE"]
    assert index.volume == 247102779 * 100  # lots for sh000…: 1,044 yuan a lot
    assert 5 < index.turnover / index.volume < 20  # yuan a share, a plausible average
    assert stock.volume == 35953534  # shares: turnover / volume = 38.11, the price
    assert round(stock.turnover / stock.volume, 2) == 38.11
    assert ticks["000001.SZSE"].last == 16.57 and ticks["000001.SZSE"].volume == 97697031


@COMPILED
def test_sina_lines_ending_with_a_comma(use_compiled: bool) -> None:
    result = SinaParser(use_compiled).parse(
        answer("sina_hq_sinajs_sh600000_2022-11-11_sh600123_2023-02-15.txt")
    )
    assert result.malformed == []
    tick = by_symbol(result)["600000.SSE"]
    assert (tick.last, tick.high, tick.low, tick.prev_close) == (6.94, 6.98, 6.83, 6.78)
    assert tick.status is QuoteStatus.TRADING


@COMPILED
def test_qq_opening_call_auction_keeps_the_book_and_has_no_last(use_compiled: bool) -> None:
    """09:22:33: field 3 is the indicative price, volume 0, open/high/low 0; each record
    holds a line break in field 60. Then the same stock at 09:42:09, trading."""
    result = QQParser(use_compiled).parse(
        answer("tencent_qt_sz002241_call_auction_09-22-33_and_continuous_09-42-09_2025-05-09.txt")
    )
    assert result.malformed == []
    auction, trading = result.ticks
    assert auction.symbol == trading.symbol == "002241.SZSE"
    assert result.names["002241.SZSE"] == "歌尔股份"
    assert auction.last == NO_LAST and auction.volume == 0 and auction.prev_close == 22.27
    assert auction.bid_prices == (22.26,) and auction.bid_sizes == (100400,)
    assert auction.ask_prices == (22.26,) and auction.ask_sizes == (100400,)  # 0.00 x 558 out
    assert (trading.last, trading.open, trading.high, trading.low) == (21.92, 22.14, 22.16, 21.84)
    assert trading.volume == 10987200 and trading.turnover == 241183171
    assert trading.ts - auction.ts == (19 * 60 + 36) * 1_000_000_000


@COMPILED
def test_qq_delisted_is_marked_and_records_in_another_layout_named(use_compiled: bool) -> None:
    """sz000003 (today's 88-field layout) is marked "D" in field 40. The two suspended
    records (2017) have one depth pair fewer than today's layout, so their field 35 is not
    where it is now: they are refused, naming the field, not read shifted; sh600472 was
    printed without its quotes."""
    result = QQParser(use_compiled).parse(answer("tencent_qt_suspended_and_delisted_lines.txt"))
    (delisted,) = result.ticks
    assert delisted.symbol == "000003.SZSE" and delisted.status is QuoteStatus.DELISTED
    assert delisted.last == NO_LAST and delisted.prev_close == 2.71  # price = close, no volume
    assert result.suspended == 1 and result.untraded == 1
    assert sorted(result.malformed) == [
        (1, "sz300413: field 35 (last/volume/turnover) = '0' is not a/b/c"),
        (2, "sz300104: field 35 (last/volume/turnover) = '0' is not a/b/c"),
        (3, 'not of the form v_CODE="…";'),
    ]


@COMPILED
def test_qq_suspended_in_todays_layout(use_compiled: bool) -> None:
    """Field 40 "S" in today's layout: the real sz000003 record with field 40 set to "S" and
    its price to 0.00, as in the suspended records of the older layout (derived, not saved:
    no suspended record in today's layout was found)."""
    line = answer("tencent_qt_suspended_and_delisted_lines.txt").splitlines()[3]
    fields = line.split("~")
    fields[3], fields[40] = "0.00", "S"
    (tick,) = QQParser(use_compiled).parse("~".join(fields) + "\n").ticks
    assert tick.status is QuoteStatus.SUSPENDED and not tick.traded and tick.prev_close == 2.71


@COMPILED
def test_qq_records_sharing_a_line(use_compiled: bool) -> None:
    result = QQParser(use_compiled).parse(answer("tencent_qt_sh601166_sz000001_2026-01-14.txt"))
    assert result.malformed == []
    ticks = by_symbol(result)
    tick = ticks["601166.SSE"]
    assert (tick.last, tick.high, tick.low) == (20.6, 21.18, 20.58)
    assert tick.volume == 112091300 and tick.turnover == 2343578275  # lots → shares
    assert tick.bid_prices[0] == 20.59 and tick.bid_sizes[0] == 38800
    assert ticks["000001.SZSE"].last == 11.36
    assert result.names == {"601166.SSE": "兴业银行", "000001.SZSE": "平安银行"}


def test_compiled_path_takes_these_answers_itself() -> None:
    """No silent fall-back to Python for real answers that are well-formed."""
    from terminal.adapters.quotes import vendor

    for name in (
        "tencent_qt_sh601166_sz000001_2026-01-14.txt",
        "tencent_qt_sz002241_call_auction_09-22-33_and_continuous_09-42-09_2025-05-09.txt",
    ):
        assert vendor.compiled.cut_qq(answer(name)) is not None, name
    for name in (
        "sina_hq_sinajs_lof_no_trade_and_empty_2019-04-08.txt",
        "sina_hq_sinajs_sh000001_sh600036_sz000001_2019-12.txt",
    ):
        assert vendor.compiled.cut_sina(answer(name)) is not None, name
