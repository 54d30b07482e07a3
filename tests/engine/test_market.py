"""MarketState: latest ticks, last price, sessions and trading day, order estimates."""

from __future__ import annotations

from datetime import UTC, date, datetime

from terminal.domain.enums import AssetClass, OrderType, Side
from terminal.domain.instrument import Instrument
from terminal.domain.orders import OrderRequest
from terminal.engine.market import MarketState, OrderEstimate
from terminal.engine.sessions import ALWAYS
from tests.engine.helpers import quote

REBAR = Instrument(
    "rb2605.SHFE", "Rebar", "SHFE", AssetClass.FUTURE, tick_size=1.0, multiplier=10.0,
    currency="CNY", sessions="cn_future_night", margin_rate=0.1,
)  # fmt: skip
STOCK = Instrument("600000.SSE", "PF Bank", "SSE", AssetClass.STOCK, 0.01, 100.0,
                   sessions="cn_stock")  # fmt: skip


def ns(text: str) -> int:
    """UTC nanoseconds of an ISO time with its offset."""
    return int(datetime.fromisoformat(text).timestamp() * 1e9)


def market() -> MarketState:
    return MarketState({REBAR.symbol: REBAR, STOCK.symbol: STOCK})


def test_ticks_give_the_latest_quote_count_and_last_price() -> None:
    state = market()
    assert state.last_price(REBAR.symbol) is None
    state.on_tick(quote(3500.0, 3499.0, 3501.0, symbol=REBAR.symbol))
    state.on_tick(quote(3502.0, 3501.0, 3503.0, symbol=REBAR.symbol))
    state.on_tick(quote(10.0, 9.99, 10.01, symbol=STOCK.symbol))
    assert state.tick_count == 3
    assert state.last_price(REBAR.symbol) == 3502.0
    assert state.latest[STOCK.symbol].bid == 9.99


def test_sessions_of_known_unknown_and_unnamed() -> None:
    state = market()
    assert state.session_of(STOCK.symbol).name == "cn_stock"
    assert state.session_of("NOPE") is ALWAYS
    assert state.trading_sessions("no such sessions") is ALWAYS
    assert state.calendar_of(REBAR.symbol).name == "cn_future_night"


def test_a_night_session_belongs_to_the_next_trading_day() -> None:
    state = market()
    friday_night = ns("2026-01-09T21:30:00+08:00")
    assert state.trading_day(REBAR.symbol, friday_night) == date(2026, 1, 12)
    # Outside every session, and without sessions at all: the calendar date in UTC.
    assert state.trading_day("NOPE", friday_night) == date(2026, 1, 9)
    sunday = ns("2026-01-11T12:00:00+08:00")
    assert state.trading_day(STOCK.symbol, sunday) == datetime.fromtimestamp(
        sunday / 1e9, UTC
    ).date()


def test_exchange_in() -> None:
    state = market()
    assert state.exchange_in(STOCK.symbol, ["SSE", "SZSE"])
    assert not state.exchange_in(REBAR.symbol, ["SSE"])
    assert not state.exchange_in("NOPE", ["SSE"])


def test_estimate_at_the_limit_or_last_price_with_the_broker_commission() -> None:
    state = market()
    limit = OrderRequest("paper", REBAR.symbol, Side.BUY, 2, OrderType.LIMIT, price=3500.0)
    assert state.estimate(limit) == OrderEstimate(70_000.0, 0.0, 7_000.0)
    seen: list[tuple[str, float, float]] = []

    def commission(symbol: str, quantity: float, price: float) -> float:
        seen.append((symbol, quantity, price))
        return 1.5

    at_market = OrderRequest("paper", STOCK.symbol, Side.BUY, 100)
    assert state.estimate(at_market, commission) == OrderEstimate(0.0, 1.5, 0.0)  # no price yet
    state.on_tick(quote(10.0, 9.99, 10.01, symbol=STOCK.symbol))
    assert state.estimate(at_market, commission) == OrderEstimate(1000.0, 1.5, 0.0)
    assert seen[-1] == (STOCK.symbol, 100, 10.0)
    assert state.estimate(OrderRequest("paper", "NOPE", Side.BUY, 1)) == (0.0, 0.0, 0.0)
