"""A-share rules in a backtest: T+1 through the pre-trade pipeline, and the daily price limits
of each board in the fill model."""

from __future__ import annotations

import msgspec
import numpy as np
import pytest

from terminal.domain.enums import AssetClass
from terminal.domain.instrument import Instrument
from terminal.engine.backtest.limits import daily_limits, limit_band
from terminal.engine.backtest.settings import BacktestSection
from terminal.engine.config import Config, EngineSection
from tests.engine.backtest.helpers import DAY_NS, MINUTE_NS, fills_of, frame, run, scripted

PUFA = Instrument("600000.SSE", "浦发银行", "SSE", AssetClass.STOCK, tick_size=0.01,
                  lot_size=100, currency="CNY", sessions="cn_stock")  # fmt: skip
OPEN_0931 = 1_704_245_460_000_000_000  # 2024-01-03 09:31 Asia/Shanghai (a Wednesday)


def two_days(day1: list[tuple[float, ...]], day2: list[tuple[float, ...]]) -> list[int]:
    return [OPEN_0931 + k * MINUTE_NS for k in range(len(day1))] + [
        OPEN_0931 + DAY_NS + k * MINUTE_NS for k in range(len(day2))
    ]


def test_shares_bought_today_are_sold_from_the_next_trading_day() -> None:
    day1 = [(10.0, 10.0, 10.0, 10.0)] * 3
    day2 = [(10.2, 10.2, 10.2, 10.2)] * 3
    plan = {0: lambda s: s.buy(100), 1: lambda s: s.sell(100), 3: lambda s: s.sell(100)}
    config = Config(engine=EngineSection(t_plus_one=["SSE"], persist=False))
    result = run(scripted(plan), frame(day1 + day2, starts=two_days(day1, day2)),
                 instruments=[PUFA], config=config)  # fmt: skip
    assert [(side, price) for _, side, _, price in fills_of(result)] == [
        ("buy", 10.0), ("sell", 10.2)
    ]
    assert result.fills[1].ts == OPEN_0931 + DAY_NS + MINUTE_NS  # day 2's second bar
    assert [line.split(": ", 1)[1] for line in result.rejected] == [
        "T+1: only 0 of 600000.SSE can be sold today (shares bought today settle next "
        "trading day)"
    ]


def test_no_buy_fills_at_limit_up_nor_a_sell_at_limit_down() -> None:
    day1 = [(10.0, 10.0, 10.0, 10.0)] * 2
    # Day 2: locked at limit-up 11.00 for two bars, then 10.9; then down to limit-down 9.00.
    day2 = [(11.0, 11.0, 11.0, 11.0), (11.0, 11.0, 11.0, 11.0), (10.9, 10.95, 10.8, 10.9),
            (9.0, 9.0, 9.0, 9.0), (9.0, 9.1, 9.0, 9.05), (9.3, 9.3, 9.3, 9.3)]  # fmt: skip
    plan = {1: lambda s: s.buy(100), 4: lambda s: s.sell(100)}
    # T+1 off: the sell comes the day the buy filled, and this test is about price limits.
    config = Config(engine=EngineSection(t_plus_one=[], persist=False))
    result = run(scripted(plan), frame(day1 + day2, starts=two_days(day1, day2)),
                 instruments=[PUFA], config=config)  # fmt: skip
    # The buy placed on day 1's last bar waits out the locked bars, then fills at 10.9; the
    # sell placed on the limit-down bar waits for a bar above 9.00: its open 9.3.
    assert [(n, side, price) for n, side, _, price in fills_of_days(result)] == [
        (4, "buy", 10.9), (7, "sell", 9.3)
    ]


def fills_of_days(result):  # type: ignore[no-untyped-def]
    day2 = OPEN_0931 + DAY_NS
    return [(2 + (f.ts - day2) // MINUTE_NS if f.ts >= day2 else (f.ts - OPEN_0931) // MINUTE_NS,
             f.side.value, f.quantity, f.price) for f in result.fills]  # fmt: skip


def test_limits_can_be_turned_off() -> None:
    day1 = [(10.0, 10.0, 10.0, 10.0)] * 2
    day2 = [(11.0, 11.0, 11.0, 11.0)] * 2
    result = run(scripted({1: lambda s: s.buy(100)}),
                 frame(day1 + day2, starts=two_days(day1, day2)), instruments=[PUFA],
                 settings=BacktestSection(price_limits=False))  # fmt: skip
    assert [price for *_, price in fills_of(result)] == [11.0]


@pytest.mark.parametrize(
    ("symbol", "name", "band"),
    [("600000.SSE", "浦发银行", 0.10), ("000001.SZSE", "平安银行", 0.10),
     ("300750.SZSE", "宁德时代", 0.20), ("301236.SZSE", "软通动力", 0.20),
     ("688981.SSE", "中芯国际", 0.20), ("600234.SSE", "*ST科新", 0.05),
     ("000004.SZSE", "ST国华", 0.05), ("300024.SZSE", "ST机器人", 0.20),
     ("830799.BSE", "艾融软件", 0.30)],
)  # fmt: skip
def test_the_band_of_each_board(symbol: str, name: str, band: float) -> None:
    exchange = symbol.split(".")[1]
    instrument = Instrument(symbol, name, exchange, AssetClass.STOCK, tick_size=0.01)
    assert limit_band(instrument) == band


def test_no_band_beyond_a_shares() -> None:
    assert limit_band(msgspec.structs.replace(PUFA, asset_class=AssetClass.FUTURE)) is None
    assert limit_band(msgspec.structs.replace(PUFA, exchange="NASDAQ")) is None


def test_limit_prices_round_half_up_to_the_tick() -> None:
    starts = np.array([OPEN_0931, OPEN_0931 + DAY_NS, OPEN_0931 + 2 * DAY_NS], np.int64)
    up, down = daily_limits(starts, np.array([10.05, 11.0, 12.0]), 0.10, 0.01)
    assert np.isnan(up[0]) and np.isnan(down[0])  # no close before the first day
    assert up[1:].tolist() == [pytest.approx(11.06), pytest.approx(12.1)]  # 11.055 → 11.06
    assert down[1:].tolist() == [pytest.approx(9.05), pytest.approx(9.9)]  # 9.045 → 9.05
