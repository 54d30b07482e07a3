"""The backfill in a real engine against a local vendor server: what the store lacks is fetched,
merged without gaps or duplicates, the period in progress joins the forming bar, and a failing
source is reported while the engine goes on."""

from __future__ import annotations

import asyncio
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from terminal.adapters.history.eastmoney import EastmoneyHistory
from terminal.adapters.history.http import HttpHistoryOptions
from terminal.domain.enums import HistoryState
from terminal.engine.engine import Engine
from terminal.engine.history.periods import period_start_ns
from terminal.engine.history.provider import HistoryRequest
from tests.adapters.history.history_server import history_server
from tests.adapters.history.vendor_answers import Day
from tests.aio import run
from tests.engine.bars.helpers import tick
from tests.engine.history.backfill_helpers import (
    SECID,
    SYMBOL,
    days_until,
    make_engine,
    progress_events,
    source,
)

TODAY = date(2024, 6, 5)
CHINA = ZoneInfo("Asia/Shanghai")


def label(day: date) -> int:
    return period_start_ns(day, "day", CHINA)


def fill(engine: Engine, count: int = 250) -> None:
    async def go() -> None:
        await engine.start()
        try:
            future = engine.bars.request_history(SYMBOL, "1d", count)
            assert future is not None
            await future
        finally:
            await engine.stop()

    run(go())


def held(engine: Engine) -> np.ndarray:
    series = engine.bars.store.series(SYMBOL, "1d")
    return series.start[: series.size].copy()


def test_missing_days_on_both_sides_are_fetched_and_merged_without_gaps_or_duplicates() -> None:
    days = days_until(TODAY, 300)
    with history_server() as (base, state):
        state.eastmoney[(SECID, 101, 1)] = [d.eastmoney() for d in days]
        engine = make_engine([source("eastmoney", base)])
        # What an earlier run kept: days 100..200 (stale: newer days are missing).
        middle = [d.eastmoney() for d in days[100:201]]
        engine.bars.merge_history(SYMBOL, "1d", _frame(middle))
        fill(engine)
        requests = list(state.requests)
    starts = held(engine)
    assert list(starts) == [label(d.day) for d in days[:-1]]  # all but today, once each
    assert bool(np.all(np.diff(starts) > 0))
    # Two requests: the days since the newest held (overlapping it), and the older ones.
    assert f"beg={days[199].day:%Y%m%d}&end=20500101" in requests[0]
    assert "lmt=149" in requests[1] and "beg=0" in requests[1]
    today = engine.bars.forming(SYMBOL, "1d")
    assert today is not None and today.start == label(TODAY)
    assert (today.open, today.high, today.low) == (days[-1].open, days[-1].high, days[-1].low)


def test_nothing_is_fetched_when_the_store_is_complete_up_to_now() -> None:
    days = days_until(TODAY, 30)
    with history_server() as (base, state):
        state.eastmoney[(SECID, 101, 1)] = [d.eastmoney() for d in days]
        engine = make_engine([source("eastmoney", base)])
        engine.bars.merge_history(SYMBOL, "1d", _frame([d.eastmoney() for d in days[:-1]]))
        assert engine.backfill.plan(SYMBOL, "1d", 20) == []
        assert state.requests == []


def test_re_adjusted_history_replaces_the_held_bars() -> None:
    days = days_until(TODAY, 40)
    before_dividend = [
        Day(d.day, d.open * 1.1, d.high * 1.1, d.low * 1.1, d.close * 1.1, d.shares) for d in days
    ]
    with history_server() as (base, state):
        state.eastmoney[(SECID, 101, 1)] = [d.eastmoney() for d in days]
        engine = make_engine([source("eastmoney", base)])
        earlier = _frame([d.eastmoney() for d in before_dividend[:30]])
        engine.bars.merge_history(SYMBOL, "1d", earlier)
        seen = progress_events(engine)
        fill(engine, 40)
    closes = engine.bars.store.series(SYMBOL, "1d").values[:, 3]
    assert list(closes[: len(days) - 1]) == pytest.approx([round(d.close, 2) for d in days[:-1]])
    assert "re-adjusted" in seen[-1].detail


def test_a_failing_source_is_reported_and_the_next_one_asked() -> None:
    days = days_until(TODAY, 30)
    with history_server() as (base, state):
        state.fail["/appstock/"] = 502
        state.eastmoney[(SECID, 101, 1)] = [d.eastmoney() for d in days]
        engine = make_engine([source("qq", base), source("eastmoney", base)])
        seen = progress_events(engine)
        fill(engine, 20)
    failed = [e for e in seen if e.state is HistoryState.FAILED]
    assert [(e.source, e.detail.split(" from ")[0]) for e in failed] == [
        ("qq", f"qq: {SYMBOL}: HTTP 502")
    ]
    assert seen[-1].state is HistoryState.DONE and seen[-1].source == "eastmoney"
    assert len(held(engine)) == 20


def test_when_every_source_fails_the_store_is_untouched_and_the_engine_runs_on() -> None:
    with history_server() as (base, state):
        state.raw["/api/qt/stock/kline/get"] = '{"rc":0,"data":{"klines":["2024-06-03,1,'
        engine = make_engine([source("eastmoney", base)])
        seen = progress_events(engine)

        async def go() -> None:
            await engine.start()
            try:
                await engine.bars.request_history(SYMBOL, "1d", 20)  # type: ignore[misc]
                engine.bus.publish(tick("2024-06-05 10:30:05", 10.0, 1000, symbol=SYMBOL))
                assert engine.latest[SYMBOL].last == 10.0  # ticks still flow
            finally:
                await engine.stop()

        run(go())
    assert seen[-1].state is HistoryState.FAILED
    assert seen[-1].detail.startswith(f"eastmoney: {SYMBOL}: the answer is not valid JSON")
    assert len(held(engine)) == 0


def test_requests_for_a_symbol_no_source_serves_start_nothing() -> None:
    engine = make_engine([])
    assert engine.bars.request_history(SYMBOL, "1d", 20) is None


def test_a_running_fetch_is_shared() -> None:
    days = days_until(TODAY, 30)
    with history_server() as (base, state):
        state.eastmoney[(SECID, 101, 1)] = [d.eastmoney() for d in days]
        engine = make_engine([source("eastmoney", base)])

        async def go() -> None:
            await engine.start()
            try:
                first = engine.bars.request_history(SYMBOL, "1d", 20)
                second = engine.bars.request_history(SYMBOL, "1d", 20)
                assert first is second and first is not None
                await asyncio.wait_for(first, 5)
            finally:
                await engine.stop()

        run(go())
        assert len(state.requests) == 1


def _frame(lines: list[str]) -> pd.DataFrame:
    """Eastmoney lines as the provider reads them (bars labelled, shares, yuan)."""
    provider = EastmoneyHistory("eastmoney", HttpHistoryOptions())
    klines = ",".join(f'"{x}"' for x in lines)
    answer = f'{{"rc":0,"data":{{"dktotal":1,"klines":[{klines}]}}}}'
    frame = provider.parse(HistoryRequest(symbol=SYMBOL, timeframe="1d"), answer)
    return frame.fillna({"turnover": 0.0})

