"""Tencent's K-lines (fqkline, mkline), from saved real answers served by a local server."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import msgspec
import pandas as pd
import pytest

from terminal.adapters.history.eastmoney import EastmoneyHistory
from terminal.adapters.history.http import HttpHistoryOptions, HttpHistoryProvider
from terminal.adapters.history.qq import QQHistory
from terminal.domain.enums import Adjust
from terminal.engine.history.provider import HistoryError
from terminal.engine.sessions import load_sessions, session_calendar
from tests.adapters.history import fetching
from tests.adapters.history.history_server import history_server
from tests.adapters.history.vendor_answers import Day, daily_series, sample, sample_lines
from tests.engine.bars.helpers import local

CALENDAR = session_calendar(load_sessions()["cn_stock"])
FQKLINE = "/appstock/app/fqkline/get"


def fetch(base: str, cls: type[HttpHistoryProvider] = QQHistory, **request: Any) -> pd.DataFrame:
    return fetching.fetch(cls, base, **request)


def test_rows_are_date_open_close_high_low_in_lots() -> None:
    answer = sample("tencent_fqkline_sh601166_qfqday_2026-01-14_midday.json")
    with history_server() as (base, state):
        state.raw[FQKLINE] = answer
        bars = fetch(base, symbol="601166.SSE", timeframe="1d", adjust=Adjust.QFQ, count=4)
        (path,) = state.requests
    assert path == f"{FQKLINE}?param=sh601166,day,,,4,qfq"  # the newest 4, whatever their dates
    today = bars.iloc[-1]
    # The answer's own quote of that day: open qt[5], high qt[33], low qt[34], last qt[3].
    qt = json.loads(answer)["data"]["sh601166"]["qt"]["sh601166"]
    assert (today["open"], today["high"], today["low"], today["close"]) == tuple(
        float(qt[i]) for i in (5, 33, 34, 3)
    )
    # qt[35] "21.13/424393/893063998": 893063998 yuan / 424393 lots / 100 = 21.04 a share.
    assert today["volume"] == 424393 * 100
    assert local(int(today["start"])) == "2026-01-14 00:00:00"
    assert bars.iloc[-2][["open", "close", "high", "low"]].tolist() == [20.94, 21.01, 21.17, 20.86]


def test_weeks_and_months_come_under_their_qfq_keys_dated_by_their_last_day() -> None:
    _, _, week, month = sample_lines(
        "tencent_fqkline_sz300750_day_week_month_and_hk00700_day_2026-09-11_TRIMMED.json"
    )
    with history_server() as (base, state):
        state.raw[f"{FQKLINE}?param=sz300750,week"] = week
        state.raw[f"{FQKLINE}?param=sz300750,month"] = month
        weeks = fetch(base, symbol="300750.SZSE", timeframe="1w", adjust=Adjust.QFQ, count=2)
        months = fetch(base, symbol="300750.SZSE", timeframe="1M", adjust=Adjust.QFQ, count=2)
    assert [local(int(s))[:10] for s in weeks["start"]] == ["2026-08-31", "2026-09-07"]
    assert weeks.iloc[-1][["open", "close", "high", "low", "volume"]].tolist() == [
        351.05, 330.51, 351.8, 326.0, 172436300.0
    ]
    assert [local(int(s))[:10] for s in months["start"]] == ["2026-08-01", "2026-09-01"]


def test_an_index_answers_under_day_in_lots_as_eastmoney_does() -> None:
    eastmoney, tencent = sample_lines(
        "tencent_day_sh000300_and_eastmoney_kline_1.000300_2026-09-30.json"
    )
    with history_server() as (base, state):
        state.raw[FQKLINE] = tencent
        state.raw["/api/qt/stock/kline/get"] = eastmoney
        qq = fetch(base, symbol="000300.SSE", timeframe="1d", adjust=Adjust.QFQ, count=3)
        em = fetch(base, EastmoneyHistory, symbol="000300.SSE", timeframe="1d",
                   adjust=Adjust.QFQ, count=3)  # fmt: skip
        assert "secid=1.000300&klt=101&fqt=1" in state.requests[-1]
    columns = ["start", "open", "high", "low", "close", "volume"]
    assert qq[columns].values.tolist() == em[columns].values.tolist()
    assert qq["volume"].iloc[0] == 171277373 * 100  # 4.29e11 yuan / 1.71e10 shares: 25 a share


def test_star_market_volume_is_already_in_shares() -> None:
    days = daily_series(date(2024, 3, 4), 3)
    with history_server() as (base, state):
        state.qq[("sh688111", "day")] = [d.qq(per_unit=1.0) for d in days]
        state.qq[("sh600000", "day")] = [d.qq() for d in days]
        star = fetch(base, symbol="688111.SSE", timeframe="1d", count=3)
        main = fetch(base, symbol="600000.SSE", timeframe="1d", count=3)
    assert star["volume"].tolist() == main["volume"].tolist() == [d.shares for d in days]


def test_a_fund_without_an_adjusted_series_is_an_error_not_a_guess() -> None:
    with history_server() as (base, state):
        state.qq[("sh510300", "day")] = [d.qq() for d in daily_series(date(2024, 3, 4), 3)]
        with pytest.raises(HistoryError, match=r"qq: 510300\.SSE: asked for qfq prices"):
            fetch(base, symbol="510300.SSE", timeframe="1d", adjust=Adjust.QFQ, count=3)


def test_minute_bars_are_stamped_by_their_end_in_lots() -> None:
    good, bad = sample_lines("tencent_mkline_sh600519_m5_and_invalid_code_2026-07-09_TRIMMED.json")
    with history_server() as (base, state):
        state.raw["/appstock/app/kline/mkline?param=sh600519"] = good
        state.raw["/appstock/app/kline/mkline?param=sh999999"] = bad
        bars = fetch(base, symbol="600519.SSE", timeframe="5m", count=3)
        assert state.requests[-1] == "/appstock/app/kline/mkline?param=sh600519,m5,,3"
        with pytest.raises(HistoryError, match=r"qq: 999999\.SSE: .*unknown code"):
            fetch(base, symbol="999999.SSE", timeframe="5m", count=3)
    assert [local(int(s))[11:16] for s in bars["start"]] == ["09:45", "09:50", "09:55"]
    assert bars.iloc[0][["open", "close", "high", "low", "volume"]].tolist() == [
        1182.10, 1188.53, 1188.88, 1182.10, 204100.0
    ]


def test_more_than_one_answer_holds_takes_a_year_at_a_time_before_the_oldest() -> None:
    days = daily_series(date(2021, 1, 4), 800)
    with history_server() as (base, state):
        state.qq[("sz000001", "qfqday")] = [d.qq() for d in days]
        bars = fetch(base, symbol="000001.SZSE", timeframe="1d", adjust=Adjust.QFQ, count=700)
        windows = [path.split(",")[2:4] for path in state.requests]
    assert len(bars) == 700 and bars["start"].is_monotonic_increasing
    assert bars["close"].tolist() == [d.close for d in days[-700:]]
    oldest = min(d.day for d in days[-640:])
    assert windows == [["", ""], [f"{oldest - timedelta(366)}", f"{oldest - timedelta(1)}"]]


def test_beijing_codes_are_left_to_other_sources() -> None:
    options = msgspec.convert({}, HttpHistoryOptions)
    assert not QQHistory("qq", options).supports("430047.BSE")
    assert EastmoneyHistory("eastmoney", options).supports("430047.BSE")
    assert Day(date(2024, 1, 2), 1, 1, 1, 1, 100).qq()[5] == "1.000"
