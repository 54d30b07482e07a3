"""Positions and accounts from fills: averaging, realised and unrealised P&L, cash."""

from __future__ import annotations

import pytest

from terminal.domain.enums import AssetClass, Side
from terminal.domain.events import FillEvent
from terminal.domain.instrument import Instrument
from terminal.domain.orders import Fill
from terminal.engine.bus import EventBus
from terminal.engine.portfolio.book import Portfolio

FUTURE = Instrument("rb.SHFE", "rebar", "SHFE", AssetClass.FUTURE, 1.0, multiplier=10)


def setup() -> tuple[EventBus, Portfolio, dict[str, float]]:
    bus = EventBus()
    prices: dict[str, float] = {}
    portfolio = Portfolio(bus, {"rb.SHFE": FUTURE}.get, prices.get)
    portfolio.open_account("paper", 100_000.0, "CNY")
    return bus, portfolio, prices


def trade(bus: EventBus, n: int, side: Side, qty: float, price: float, fee: float = 0.0) -> None:
    bus.publish(FillEvent(Fill(f"f{n}", f"o{n}", "paper", "rb.SHFE", side, qty, price, 0, fee)))


def test_long_average_then_partial_close_realises_with_multiplier() -> None:
    bus, portfolio, prices = setup()
    trade(bus, 1, Side.BUY, 2, 3000.0)
    trade(bus, 2, Side.BUY, 2, 3010.0)
    prices["rb.SHFE"] = 3020.0
    (position,) = portfolio.positions()
    assert position.quantity == 4 and position.average_price == pytest.approx(3005.0)
    assert position.unrealized_pnl == pytest.approx((3020 - 3005) * 4 * 10)
    trade(bus, 3, Side.SELL, 3, 3025.0, fee=5.0)
    (position,) = portfolio.positions()
    assert position.quantity == 1 and position.realized_pnl == pytest.approx(20 * 3 * 10)
    account = portfolio.account("paper")
    assert account.commission == 5.0
    assert account.cash == pytest.approx(100_000 - (6000 + 6020) * 10 + 3 * 3025 * 10 - 5)
    assert account.equity == pytest.approx(account.cash + 1 * 3020 * 10)


def test_flip_from_long_to_short_takes_the_fill_price() -> None:
    bus, portfolio, _ = setup()
    trade(bus, 1, Side.BUY, 1, 100.0)
    trade(bus, 2, Side.SELL, 3, 110.0)
    (position,) = portfolio.positions()
    assert position.quantity == -2 and position.average_price == 110.0
    assert position.realized_pnl == pytest.approx(10 * 10)
