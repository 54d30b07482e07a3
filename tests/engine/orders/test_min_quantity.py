"""A minimum buy above one lot (STAR Market: 200 shares, then 1-share steps)."""

from __future__ import annotations

import pytest

from terminal.domain.enums import AssetClass, Side
from terminal.domain.instrument import Instrument
from terminal.domain.orders import OrderRequest
from terminal.engine.orders.validation import FieldProblem, validate_request

STAR = Instrument("688981.SSE", "SMIC", "SSE", AssetClass.STOCK, 0.01, 1.0, min_quantity=200.0)


def test_star_buys_start_at_200_shares_then_go_by_one() -> None:
    validate_request(OrderRequest("paper", STAR.symbol, Side.BUY, 201), STAR)
    validate_request(OrderRequest("paper", STAR.symbol, Side.SELL, 50), STAR)  # a remainder
    with pytest.raises(FieldProblem, match="quantity 199 is below the minimum buy of 200"):
        validate_request(OrderRequest("paper", STAR.symbol, Side.BUY, 199), STAR)
