"""The P&L recorder on hand-made fills and quotes: each account, each strategy and the total,
sampled on fills (at most once a second: a burst waits for the once-a-second task) and, by
that task, when the price of what is held moved; read back after a restart."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from terminal.domain.enums import AssetClass, OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.events import FillEvent, OrderEvent, Tick
from terminal.domain.instrument import Instrument
from terminal.domain.orders import Fill, Order
from terminal.engine.bus import EventBus
from terminal.engine.clock import ManualClock
from terminal.engine.market import MarketState
from terminal.engine.pnl.history import PnlHistory
from terminal.engine.pnl.recorder import PnlRecorder, start_of_day_ns
from terminal.engine.pnl.series import TOTAL, account_key, strategy_key
from terminal.engine.portfolio.book import Portfolio

STOCK, FUTURE = "600000.SSE", "IF2506.CFFEX"
SECOND = 1_000_000_000
DAY_START = start_of_day_ns(1_750_000_000 * SECOND) + 10 * 3600 * SECOND  # 10:00 local


class Desk:
    """A bus with market state, a portfolio and the recorder, as an engine wires them."""

    def __init__(self, history: PnlHistory | None = None) -> None:
        self.clock = ManualClock(DAY_START)
        self.bus = EventBus()
        self.market = MarketState(instruments={
            STOCK: Instrument(STOCK, "浦发银行", "SSE", AssetClass.STOCK, 0.01, currency="CNY"),
            FUTURE: Instrument(FUTURE, "IF", "CFFEX", AssetClass.FUTURE, 0.2, multiplier=300.0,
                               currency="CNY", margin_rate=0.12),
        })  # fmt: skip
        self.bus.subscribe(Tick, self.market.on_tick)
        self.portfolio = Portfolio(self.bus, self.market.instruments.get, self.market.last_price)
        self.recorder = PnlRecorder(self.bus, self.clock.now_ns, self.portfolio.accounts,
                                    self.market)  # fmt: skip
        if history is not None:
            self.recorder.open_history(history)
        self.fills = 0

    def at(self, seconds: float) -> None:
        self.clock.set(DAY_START + int(seconds * SECOND))

    def price(self, symbol: str, last: float) -> None:
        self.bus.publish(Tick(symbol, self.clock.now_ns(), last, 1.0))

    def fill(self, order_id: str, symbol: str, side: Side, quantity: float, price: float,
             origin: str = "manual", broker: str = "paper") -> None:  # fmt: skip
        now = self.clock.now_ns()
        order = Order(order_id, broker, symbol, side, quantity, OrderType.MARKET, 0.0,
                      TimeInForce.DAY, origin, OrderStatus.FILLED, now, now, quantity, price)
        self.bus.publish(OrderEvent(order))
        self.fills += 1
        self.bus.publish(FillEvent(Fill(f"f{self.fills}", order_id, broker, symbol, side,
                                        quantity, price, now, commission=1.0)))  # fmt: skip


def last(desk: Desk, key: str) -> tuple[float, float, float, float]:
    series = desk.recorder.series(key)
    return (float(series.equity[-1]), float(series.realized[-1]),
            float(series.unrealized[-1]), float(series.net[-1]))  # fmt: skip


def test_fills_and_prices_move_each_account_each_strategy_and_the_total() -> None:
    desk = Desk()
    desk.portfolio.open_account("paper", 100_000.0, "CNY")  # a first sample: the start
    desk.portfolio.open_account("futures", 500_000.0, "CNY")
    assert desk.recorder.series_keys() == [TOTAL, account_key("futures"), account_key("paper")]
    desk.price(STOCK, 10.0)
    desk.fill("o1", STOCK, Side.BUY, 1000, 10.0, origin="strategy:sma-1")
    assert desk.recorder.sample_if_moved()  # the fill waited: the accounts' sample is new
    assert last(desk, strategy_key("sma-1")) == (pytest.approx(math.nan, nan_ok=True), 0.0,
                                                 0.0, -1.0)  # fmt: skip
    samples = desk.recorder.version
    desk.at(0.5)
    desk.price(STOCK, 10.4)  # a tick takes no sample: the once-a-second task does
    desk.at(1.0)
    desk.price(STOCK, 10.5)
    assert desk.recorder.version == samples
    assert desk.recorder.sample_if_moved()
    assert desk.recorder.version == samples + 1
    desk.price("OTHER.X", 3.0)  # held by nobody: no reason for a sample
    assert not desk.recorder.sample_if_moved()
    assert desk.recorder.version == samples + 1
    assert last(desk, strategy_key("sma-1"))[1:] == (0.0, 500.0, 499.0)
    assert last(desk, account_key("paper")) == (100_499.0, 0.0, 500.0, 499.0)
    desk.at(2.0)
    desk.fill("o2", STOCK, Side.SELL, 400, 10.6)  # by hand: the account's, not the strategy's
    assert not desk.recorder.sample_if_moved()  # a second after the last: sampled at once
    assert last(desk, account_key("paper"))[1:3] == pytest.approx((240.0, 300.0))  # at 10.50
    assert last(desk, strategy_key("sma-1"))[1:] == pytest.approx((0.0, 500.0, 499.0))
    desk.fill("o3", FUTURE, Side.BUY, 1, 3900.0, origin="strategy:trend", broker="futures")
    desk.at(3.5)
    desk.price(FUTURE, 3902.0)  # 2 points × 300
    assert desk.recorder.sample_if_moved()
    assert last(desk, strategy_key("trend"))[1:] == (0.0, 600.0, 599.0)
    desk.fill("o4", STOCK, Side.SELL, 1000, 11.0, origin="strategy:sma-1")
    assert desk.recorder.sample_if_moved()
    assert last(desk, strategy_key("sma-1"))[1:] == pytest.approx((1000.0, 0.0, 998.0))
    total, paper, futures = (last(desk, k) for k in (TOTAL, account_key("paper"),
                                                      account_key("futures")))  # fmt: skip
    assert total == pytest.approx(tuple(p + f for p, f in zip(paper, futures, strict=True)))
    assert desk.recorder.series_keys() == [TOTAL, account_key("futures"), account_key("paper"),
                                    strategy_key("sma-1"), strategy_key("trend")]  # fmt: skip
    stamps = desk.recorder.series(TOTAL).ts
    assert list(stamps) == sorted(stamps) and not stamps.flags.writeable


def test_a_burst_of_fills_takes_one_sample_a_second_not_one_a_fill(tmp_path: Path) -> None:
    history = PnlHistory(tmp_path / "pnl.sqlite", DAY_START)
    desk = Desk(history)
    desk.portfolio.open_account("paper", 1_000_000.0, "CNY")
    desk.price(STOCK, 10.0)
    opened = desk.recorder.version
    for n in range(200):  # 200 fills within 0.2 s
        desk.at(n / 1000)
        desk.fill(f"o{n}", STOCK, Side.BUY, 100, 10.0, origin="strategy:sma-1")
    assert desk.recorder.version == opened  # none yet: the last sample is not a second old
    desk.at(1.0)
    desk.fill("o200", STOCK, Side.BUY, 100, 10.0, origin="strategy:sma-1")
    assert desk.recorder.version == opened + 1  # a second on: this fill is sampled at once
    assert last(desk, strategy_key("sma-1"))[3] == -201.0  # every fill's commission in it
    desk.fill("o201", STOCK, Side.BUY, 100, 10.0, origin="strategy:sma-1")
    assert desk.recorder.version == opened + 1
    assert desk.recorder.sample_if_moved()  # the task takes the waiting one
    assert not desk.recorder.sample_if_moved()  # and only once
    assert last(desk, strategy_key("sma-1"))[3] == -202.0
    rows = len(history.read(DAY_START))
    assert rows == 2 + 3 + 3  # three samples: total + account, then + the strategy twice
    desk.recorder.close()


def test_the_days_samples_are_read_back_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "pnl.sqlite"
    desk = Desk(PnlHistory(path, DAY_START))
    desk.portfolio.open_account("paper", 100_000.0, "CNY")
    desk.fill("o1", STOCK, Side.BUY, 100, 10.0, origin="strategy:sma-1")
    desk.at(5)
    desk.price(STOCK, 10.2)
    assert desk.recorder.sample_if_moved()
    keys = desk.recorder.series_keys()
    before = {key: desk.recorder.series(key) for key in keys}
    desk.recorder.close()
    again = Desk(PnlHistory(path, DAY_START + 10 * SECOND))
    assert again.recorder.series_keys() == list(before)
    for key, series in before.items():
        read = again.recorder.series(key)
        assert list(read.ts) == list(series.ts)
        assert list(read.net) == pytest.approx(list(series.net))
    assert math.isnan(again.recorder.series(strategy_key("sma-1")).equity[-1])
    again.recorder.close()
    tomorrow = DAY_START + 86_400 * SECOND
    later = PnlRecorder(EventBus(), lambda: tomorrow, list, MarketState())
    later.open_history(PnlHistory(path, tomorrow))
    assert later.series_keys() == []  # yesterday's samples are not today's curve
    later.close()


def test_strategy_books_are_restored_from_the_recorded_orders_and_fills() -> None:
    desk = Desk()
    desk.portfolio.open_account("paper", 100_000.0, "CNY")
    desk.fill("o1", STOCK, Side.BUY, 100, 10.0, origin="strategy:sma-1")
    desk.fill("o2", STOCK, Side.SELL, 100, 10.5, origin="strategy:sma-1")
    assert desk.recorder.sample_if_moved()
    orders = [Order("o1", "paper", STOCK, Side.BUY, 100, OrderType.MARKET, 0.0, TimeInForce.DAY,
                    "strategy:sma-1", OrderStatus.FILLED, 0, 0)]  # fmt: skip
    fills = [Fill("f1", "o1", "paper", STOCK, Side.BUY, 100, 10.0, 0, 1.0),
             Fill("f2", "o1", "paper", STOCK, Side.SELL, 100, 10.5, 0, 1.0)]  # fmt: skip
    fresh = Desk()
    fresh.recorder.restore(orders, fills)
    fresh.portfolio.open_account("paper", 100_000.0, "CNY")
    assert last(fresh, strategy_key("sma-1"))[1:] == last(desk, strategy_key("sma-1"))[1:]
