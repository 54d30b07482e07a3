"""Sina's K-lines and adjustment factors, from saved real answers served by a local server."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from terminal.adapters.history.http import HttpHistoryOptions
from terminal.adapters.history.sina import SinaHistory
from terminal.domain.enums import Adjust
from terminal.engine.history.provider import HistoryError
from terminal.engine.sessions import load_sessions, session_calendar
from tests.adapters.history import fetching
from tests.adapters.history.history_server import SINA_GUARD, history_server
from tests.adapters.history.vendor_answers import Day, sample, sample_lines
from tests.engine.bars.helpers import local, ns

CALENDAR = session_calendar(load_sessions()["cn_stock"])


def fetch(base: str, **request: Any) -> pd.DataFrame:
    return fetching.fetch(SinaHistory, base, **request)


def wrapped(items: list[str], name: str = "var _sh600036_240_1577432551767") -> str:
    """Items as Sina prints them one per line (HarrisonXi's page), in the JSONP wrapper and
    guard the endpoint answers with (the page does not show the wrapper: rebuilt here)."""
    return f"{SINA_GUARD}{name}=([{','.join(items)}]);"


def test_day_bars_in_column_order_with_volume_in_shares() -> None:
    items = sample_lines("sina_kline_jsonp_v2_sh600036_scale240_items_2019-12.txt")[:2]
    with history_server() as (base, state):
        state.raw["/cn/api/jsonp_v2.php/"] = wrapped(items)
        bars = fetch(base, symbol="600036.SSE", timeframe="1d", count=2)
        (path,) = state.requests
    assert "symbol=sh600036&scale=240&ma=no&datalen=2" in path
    last = bars.iloc[-1]
    assert local(int(last["start"])) == "2019-12-27 00:00:00"
    assert (last["open"], last["high"], last["low"], last["close"]) == (38.1, 38.5, 37.8, 37.86)
    # The same day's quote line says 35953534 shares for 1370335108 yuan: 38.11 a share.
    assert last["volume"] == 35953534
    assert pd.isna(last["turnover"])  # this answer has no amount


def test_hour_bars_are_stamped_by_their_end() -> None:
    items = sample_lines("sina_kline_jsonp_v2_sh600036_scale60_items_2019-12-27.txt")
    with history_server() as (base, state):
        state.raw["/cn/api/jsonp_v2.php/"] = wrapped(items, "var _sh600036_60_1577432551767")
        bars = fetch(base, symbol="600036.SSE", timeframe="1h", count=2)
    assert [local(int(s)) for s in bars["start"]] == ["2019-12-27 13:00:00", "2019-12-27 14:00:00"]
    assert bars["volume"].tolist() == [7457497, 7211017]


def test_the_old_endpoints_unquoted_keys_are_read() -> None:
    # The saved text is two answers pasted after the author's `let dataList = `: the second
    # (a 1.14-yuan stock, 13 hour bars) is served as the endpoint gave it.
    answer = sample("sina_kline_json_v2_unquoted_keys_scale60_ma5_2020-04-17.js")
    body = answer.split("let dataList = ")[2].strip()
    with history_server() as (base, state):
        state.raw["/cn/api/jsonp_v2.php/"] = body
        bars = fetch(base, symbol="600000.SSE", timeframe="1h", count=13)
    assert len(bars) == 13
    assert local(int(bars["start"].iloc[0])) == "2020-04-14 14:00:00"
    assert bars["close"].iloc[-1] == 1.14 and bars["volume"].iloc[-1] == 1147683


def test_a_cut_answer_is_an_error_naming_the_source_and_the_symbol() -> None:
    partial = sample("sina_kline_jsonp_v2_sh000001_scale5_row_2020-02-13.txt")
    with history_server() as (base, state):
        state.raw["/cn/api/jsonp_v2.php/"] = partial
        with pytest.raises(HistoryError, match=r"^sina: 000001\.SSE: .*cut short"):
            fetch(base, symbol="000001.SSE", timeframe="5m", count=10)


def test_an_unknown_code_is_an_error() -> None:
    with history_server() as (base, _state), pytest.raises(
        HistoryError, match=r"sina: 600999\.SSE: .*no bars"
    ):
        fetch(base, symbol="600999.SSE", timeframe="1d", count=10)


SH600103 = [  # around the 2019-06-03 ex-date: 3.040 before, 2.450 on it (HarrisonXi's page)
    Day(date(2019, 5, 31), 3.02, 3.06, 3.00, 3.04, 1_000_000),
    Day(date(2019, 6, 3), 2.45, 2.47, 2.43, 2.45, 2_000_000),
]


def factor_file(code: str, kind: str, lines: list[str]) -> str:
    """HarrisonXi's factor items in the file's wrapper (as the reconstructed sz000002 file
    shows it: ``var <code><kind>={"total":N,"data":[…]}``)."""
    items = ",".join(lines)
    return f'var {code}{kind}={{"total":{len(lines)},"data":[{items}]}}\n/* comment */'


@pytest.mark.parametrize(("adjust", "expected"), [
    (Adjust.NONE, [3.04, 2.45]),
    (Adjust.QFQ, [3.04 / 1.3, 2.45]),
    (Adjust.HFQ, [3.04 * 4.1234676568061, 2.45 * 5.3605079538479]),
])  # fmt: skip
def test_adjusted_prices_come_from_the_factor_files(adjust: Adjust, expected: list[float]) -> None:
    items = sample_lines("sina_qfq_hfq_js_sh600103_items_2019.txt")
    qfq, hfq = items[1:3], items[4:6]
    with history_server() as (base, state):
        state.sina[("sh600103", 240)] = [bar.sina() for bar in SH600103]
        state.sina_factors[("sh600103", "qfq")] = factor_file("sh600103", "qfq", qfq)
        state.sina_factors[("sh600103", "hfq")] = factor_file("sh600103", "hfq", hfq)
        bars = fetch(base, symbol="600103.SSE", timeframe="1d", count=2, adjust=adjust)
    assert bars["close"].tolist() == pytest.approx(expected)
    assert bars["volume"].tolist() == [1_000_000, 2_000_000]  # volumes are never adjusted


def test_a_full_factor_file_is_read_newest_first_with_its_sentinel() -> None:
    text = sample("sina_qfq_js_sz000002_RECONSTRUCTED_2023.js")
    factors = SinaHistory("sina", HttpHistoryOptions()).factors("000002.SZSE", text, "qfq")
    assert len(factors) == 37 and factors[0] == (date(1900, 1, 1), 169.1453113717332)
    assert factors[-1] == (date(2023, 8, 25), 1.0)


def test_months_are_built_from_days_and_adjusted_weeks_from_adjusted_days() -> None:
    source = fetching.provider(SinaHistory)
    assert source.native("1w", Adjust.NONE) and not source.native("1w", Adjust.QFQ)
    assert not source.native("1M", Adjust.NONE)  # scale 7200 is not confirmed by an answer
    days = [Day(date(2024, 1, d), 10 + d, 11 + d, 9 + d, 10.5 + d, 100) for d in (29, 30, 31)]
    days += [Day(date(2024, 2, d), 20 + d, 21 + d, 19 + d, 20.5 + d, 100) for d in (1, 2)]
    with history_server() as (base, state):
        state.sina[("sh600000", 240)] = [day.sina() for day in days]
        months = fetch(base, symbol="600000.SSE", timeframe="1M", count=2)
    assert [local(int(s))[:10] for s in months["start"]] == ["2024-01-01", "2024-02-01"]
    assert months[["open", "high", "close", "volume"]].values.tolist() == [
        [39.0, 42.0, 41.5, 300.0], [21.0, 23.0, 22.5, 200.0]
    ]
    assert ns("2024-01-01 00:00:00") == int(months["start"].iloc[0])
