"""Eastmoney's K-lines, from saved real answers served by a local server."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pandas as pd
import pytest

from terminal.adapters.history.eastmoney import EastmoneyHistory
from terminal.adapters.history.http import HttpHistoryOptions
from terminal.domain.enums import Adjust
from terminal.engine.history.provider import HistoryError
from terminal.engine.sessions import load_sessions, session_calendar
from tests.adapters.history import fetching
from tests.adapters.history.history_server import history_server
from tests.adapters.history.vendor_answers import sample
from tests.engine.bars.helpers import local

CALENDAR = session_calendar(load_sessions()["cn_stock"])
KLINE = "/api/qt/stock/kline/get"


def fetch(base: str, **request: Any) -> pd.DataFrame:
    return fetching.fetch(EastmoneyHistory, base, **request)


def test_csv_rows_are_date_open_close_high_low_lots_yuan() -> None:
    with history_server() as (base, state):
        state.raw[KLINE] = sample("eastmoney_kline_1.601872_day_2024-12_PRETTY.json")
        bars = fetch(base, symbol="601872.SSE", timeframe="1d", adjust=Adjust.QFQ, count=10)
        (path,) = state.requests
    assert "secid=1.601872&klt=101&fqt=1" in path and path.endswith("&beg=0&end=20500101&lmt=10")
    first = bars.iloc[0]
    assert local(int(first["start"])) == "2024-12-18 00:00:00"
    assert first[["open", "close", "high", "low"]].tolist() == [6.11, 6.18, 6.28, 6.10]
    assert (first["volume"], first["turnover"]) == (84274300.0, 542829495.0)
    # Adjusted prices, volume and amount as traded: 6.44 a share is above the adjusted high.
    assert first["turnover"] / first["volume"] > first["high"]
    assert len(bars) == 10


def test_star_market_volume_is_in_lots_here() -> None:
    with history_server() as (base, state):
        state.raw[KLINE] = sample("eastmoney_kline_1.688147_day_2023-02-02_PRETTY.json")
        (bar,) = fetch(base, symbol="688147.SSE", timeframe="1d", count=1).itertuples()
    assert bar.volume == 7975600  # 289881743 yuan / 7975600 shares = 36.35, inside the bar
    assert bar.low <= bar.turnover / bar.volume <= bar.high


def test_a_cut_answer_is_an_error_naming_the_source_and_the_symbol() -> None:
    with history_server() as (base, state):
        state.raw[KLINE] = sample("eastmoney_kline_1.000300_jsonp_2025-03-12_PARTIAL.txt")
        with pytest.raises(HistoryError, match=r"^eastmoney: 000300\.SSE: .*not valid JSON"):
            fetch(base, symbol="000300.SSE", timeframe="1d", count=2)


@pytest.mark.parametrize(("answer", "why"), [
    ({"rc": 0, "data": None}, "no data"),
    ({"rc": 0, "data": {"code": "000001", "dktotal": 0, "klines": []}}, "throttled"),
    ({"rc": 102, "data": None}, "refused: rc 102"),
    ({"rc": 0, "data": {"dktotal": 9, "klines": ["2024-01-02,1,2,x,1,5,6"]}}, "high 'x'"),
])  # fmt: skip
def test_bad_answers_are_errors_naming_what_was_wrong(answer: dict[str, Any], why: str) -> None:
    with history_server() as (base, state):
        state.raw[KLINE] = json.dumps(answer)
        with pytest.raises(HistoryError, match=rf"^eastmoney: 000001\.SZSE: .*{why}"):
            fetch(base, symbol="000001.SZSE", timeframe="1d", count=2)
        assert "secid=0.000001&" in state.requests[0]


def test_beijing_is_market_zero_and_minute_bars_come_as_traded() -> None:
    source = EastmoneyHistory("eastmoney", msgspec.convert({}, HttpHistoryOptions))
    assert source.native("1M", Adjust.HFQ) and not source.native("5m", Adjust.QFQ)
    with history_server() as (base, state):
        state.eastmoney[("0.430047", 5, 0)] = ["2024-01-02 09:35,1.00,1.10,1.20,0.90,3,330.00"]
        bars = fetch(base, symbol="430047.BSE", timeframe="5m", count=1)
    assert local(int(bars["start"].iloc[0])) == "2024-01-02 09:30:00"
    assert bars[["open", "high", "low", "close", "volume"]].values.tolist() == [
        [1.0, 1.2, 0.9, 1.1, 300.0]
    ]
