"""The Sina and QQ feeds polling a local HTTP server that answers in the vendors' formats."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import msgspec
import pytest

from terminal.adapters.quotes.feeds import QQQuoteFeed, SinaQuoteFeed
from terminal.adapters.quotes.http_feed import HttpQuoteOptions
from terminal.domain.enums import ConnectionStatus
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from tests.aio import run
from tests.plugins.feed_context import RecordingContext
from tests.plugins.quote_samples import qq_payload, sina_line, sina_payload
from tests.plugins.vendor_server import vendor_server

SYMBOLS = ["600000.SSE", "600519.SSE", "000001.SZSE", "000858.SZSE", "300750.SZSE"]
CODES = ["sh600000", "sh600519", "sz000001", "sz000858", "sz300750"]


def make_feed(cls: Any, url: str, **options: Any) -> tuple[Any, RecordingContext]:
    context = RecordingContext()
    defaults: dict[str, Any] = {"symbols": SYMBOLS, "interval_s": 0.05, "min_interval_s": 0.01}
    opts = msgspec.convert({**defaults, "url": url, **options}, HttpQuoteOptions)
    return cls("test", context, opts), context


def test_sina_feed_polls_in_batches_with_referer_and_publishes_only_changes() -> None:
    with vendor_server() as (base, state):
        for code in CODES:
            state.sina[code] = sina_payload()
        feed, context = make_feed(SinaQuoteFeed, base + "/list=", batch_size=2)

        async def scenario() -> None:
            await feed.start()
            await context.wait_for(lambda: len(context.ticks) == 5)
            assert context.status is ConnectionStatus.LIVE
            state.sina["sz000858"] = sina_payload(last=10.11, clock="15:00:06")
            await context.wait_for(lambda: len(context.ticks) == 6)
            polls = feed.counts["requests"]
            await context.wait_for(lambda: feed.counts["requests"] >= polls + 6)
            await feed.stop()

        run(scenario())
    assert context.ticks[-1].symbol == "000858.SZSE" and context.ticks[-1].last == 10.11
    assert len(context.ticks) == 6  # unchanged snapshots never became ticks
    paths = {path for path, _ in state.requests}
    assert paths == {"/list=sh600000,sh600519", "/list=sz000001,sz000858", "/list=sz300750"}
    assert all(h["Referer"] == "https://finance.sina.com.cn/" for _, h in state.requests)
    assert feed.names["600000.SSE"] == "浦发银行"  # decoded from GBK
    assert context.instruments["600000.SSE"].name == "浦发银行"
    assert context.instruments["600000.SSE"].lot_size == 100.0
    assert context.status is ConnectionStatus.DISCONNECTED


def test_qq_feed_counts_unknown_and_malformed_lines_and_keeps_going() -> None:
    with vendor_server() as (base, state):
        state.qq["sh600000"] = qq_payload()
        state.qq["sz000001"] = qq_payload(
            code="000001", name="平安银行", last=11.5, high=11.6, low=11.3
        )
        state.extra_lines = 'v_sz000002="1~万科A~000002~x";\n'
        feed, context = make_feed(QQQuoteFeed, base + "/q=")

        async def scenario() -> None:
            await feed.start()
            # Three polls parsed: each answers three unknown codes and one malformed line.
            await context.wait_for(lambda: feed.counts["malformed"] >= 3)
            await feed.stop()

        run(scenario())
    assert sorted(t.symbol for t in context.ticks) == ["000001.SZSE", "600000.SSE"]
    assert feed.counts["empty"] >= 3 * 3  # three codes QQ does not know, every poll
    assert feed.counts["malformed"] >= 3
    assert [s for s, _ in context.statuses].count(ConnectionStatus.ERROR) == 0


def test_http_errors_back_off_exponentially_then_recover() -> None:
    with vendor_server() as (base, state):
        state.sina["sh600000"] = sina_payload()
        state.fail_next = 3
        feed, context = make_feed(SinaQuoteFeed, base + "/list=", symbols=["600000.SSE"])

        async def scenario() -> None:
            await feed.start()
            await context.wait_for(lambda: len(context.ticks) == 1, timeout=5)
            await feed.stop()

        run(scenario())
    errors = [reason for status, reason in context.statuses if status is ConnectionStatus.ERROR]
    assert len(errors) == 3
    assert "HTTPStatusError" in errors[0] and "500" in errors[0]
    delays = [float(reason.rsplit("retrying in ", 1)[1].split()[0]) for reason in errors]
    assert delays == [0.1, 0.2, 0.4]
    live_after = [s for s, _ in context.statuses].index(ConnectionStatus.LIVE)
    assert live_after > 3


def test_timeout_shows_as_error_and_silence_as_stale() -> None:
    with vendor_server() as (base, state):
        state.sina["sh600000"] = sina_payload()
        state.stall_s = 0.3
        feed, context = make_feed(
            SinaQuoteFeed, base + "/list=", symbols=["600000.SSE"], timeout_s=0.1,
            stale_after_s=0.15, max_backoff_s=0.1,
        )  # fmt: skip

        async def scenario() -> None:
            await feed.start()
            await context.wait_for(lambda: context.status is ConnectionStatus.ERROR)
            state.stall_s = 0.0
            await context.wait_for(lambda: len(context.ticks) == 1)
            await context.wait_for(lambda: context.status is ConnectionStatus.STALE)
            await feed.stop()

        run(scenario())
    errors = [reason for status, reason in context.statuses if status is ConnectionStatus.ERROR]
    assert "Timeout" in errors[0]
    stale = [reason for status, reason in context.statuses if status is ConnectionStatus.STALE]
    assert stale[0].startswith("no quote changed for")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"interval_s": 0.5}, "interval_s = 0.5: below min_interval_s = 1.0"),
        ({"batch_size": 900}, "batch_size = 900: must be 0..800"),
        ({"symbols": ["AAPL.NASDAQ"]}, "symbols = 'AAPL.NASDAQ': symbol 'AAPL.NASDAQ' is not"),
    ],
)
def test_bad_options_name_the_field_and_value(options: dict[str, Any], message: str) -> None:
    opts = msgspec.convert(options, HttpQuoteOptions)
    with pytest.raises(ValueError, match=re.escape(message)):
        SinaQuoteFeed("sina", RecordingContext(), opts)


def test_engine_loads_the_sina_plugin_from_config_and_its_ticks_reach_bars() -> None:
    with vendor_server() as (base, state):
        state.sina["sh600000"] = sina_payload(clock="14:30:03")  # in session: bars keep it
        options = {"symbols": ["600000.SSE"], "url": base + "/list=", "interval_s": 0.05,
                   "min_interval_s": 0.01}  # fmt: skip
        config = load_config(
            overrides={"feeds": [{"name": "sina", "plugin": "sina", "options": options}]}
        )

        async def scenario() -> Engine:
            engine = Engine(config)
            await engine.start()
            while "600000.SSE" not in engine.latest:
                await asyncio.sleep(0.01)
            await engine.stop()
            return engine

        engine = run(scenario())
    assert engine.latest["600000.SSE"].last == 10.09
    assert engine.instruments["600000.SSE"].currency == "CNY"
    # The vendor's name replaces the symbol the instrument was known by before the answer.
    assert engine.instruments["600000.SSE"].name == "浦发银行"
    # A 2019 quote's bar is long over by the wall clock: the bar timer has closed it.
    bars = [*engine.bars.history("600000.SSE"), engine.bars.forming("600000.SSE")]
    assert any(bar is not None and bar.close == 10.09 for bar in bars)


def test_a_utf8_line_in_a_gbk_answer_keeps_its_name_and_the_others() -> None:
    """#19.11: one wrongly encoded line is decoded on its own, not garbled with the rest."""
    with vendor_server() as (base, state):
        state.sina["sh600000"] = sina_payload()
        state.extra_bytes = sina_line("sz000001", sina_payload(name="平安银行")).encode()
        feed, context = make_feed(SinaQuoteFeed, base + "/list=", symbols=["600000.SSE"])

        async def scenario() -> None:
            await feed.start()
            await context.wait_for(lambda: len(context.ticks) == 2)
            await feed.stop()

        run(scenario())
    assert feed.names == {"600000.SSE": "浦发银行", "000001.SZSE": "平安银行"}
