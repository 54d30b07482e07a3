"""Prices people read — refusals, log lines, strategy variables — are never rounded to six
significant digits: they show on the instrument's tick grid, or in full when off it."""

from __future__ import annotations

import pytest

from terminal.domain.enums import AssetClass, OrderType, Side
from terminal.domain.instrument import Instrument, price_text
from terminal.domain.orders import OrderRequest
from terminal.engine.orders.validation import FieldProblem, validate_request
from terminal.engine.strategy.base import Strategy
from tests.engine.helpers import quote
from tests.engine.orders.test_pretrade import Desk

BTC = Instrument("BTCUSDT.BINANCE", "Bitcoin", "BINANCE", AssetClass.CRYPTO, 0.01, 0.0001)


def test_price_text_keeps_every_digit_the_grid_has_and_any_beyond_it() -> None:
    assert price_text(96072.67, 2) == "96072.67"
    assert price_text(96072.67, 2, grouped=True) == "96,072.67"
    assert price_text(96072.6, 2) == "96072.60"  # padded to the grid
    assert price_text(96072.675, 2) == "96072.675"  # off the grid: not rounded onto it
    assert price_text(0.1 + 0.2, 2) == "0.30"  # binary noise is no digit
    assert price_text(1e-7, 2) == "0.0000001"  # never an exponent
    assert price_text(3712.0, 0) == "3712" and price_text(-1.0) == "-1"
    assert price_text(float("nan"), 2) == "nan"
    assert BTC.price_text(96072.6) == "96072.60"


def test_an_off_grid_price_is_named_as_given() -> None:
    request = OrderRequest("paper", BTC.symbol, Side.BUY, 0.01, OrderType.LIMIT, 96072.675)
    with pytest.raises(FieldProblem) as problem:
        validate_request(request, BTC)
    # :g said "price 96072.7 is not on the tick size 0.01", naming a price nobody entered.
    assert problem.value.message == "price 96072.675 is not on the tick size 0.01"


def test_a_price_band_refusal_shows_prices_on_the_tick_grid() -> None:
    desk = Desk(risk={"price_band_pct": 5})
    desk.market.instruments[BTC.symbol] = BTC
    desk.market.on_tick(quote(90000.0, 89999.99, 90000.01, symbol=BTC.symbol))
    request = OrderRequest("paper", BTC.symbol, Side.BUY, 0.01, OrderType.LIMIT, 96072.67)
    refusal = desk.check(request)
    assert refusal is not None and refusal.reason == (
        "risk (global): price band: price 96072.67 is +6.75% from last 90000.00, limit ±5%"
    )


class Channel(Strategy):
    plugin_name = "channel"
    variables = ("high", "zscore", "count")
    plain_variables = ("zscore",)


class Context:
    def instrument(self, symbol: str) -> Instrument:
        return {BTC.symbol: BTC}[symbol]


def test_strategy_variables_show_prices_on_the_tick_grid() -> None:
    strategy = Channel("c1", BTC.symbol, "paper", Context(), None)  # type: ignore[arg-type]
    strategy.high, strategy.zscore, strategy.count = 96072.6712, 1.23456789, 3  # type: ignore[attr-defined]
    assert strategy.display_values() == {"high": "96072.67", "zscore": "1.234568", "count": "3"}
    assert strategy.price_text(96072.6) == "96072.60"
    strategy.high = float("nan")  # type: ignore[attr-defined]
    assert strategy.display_values()["high"] == "nan"
