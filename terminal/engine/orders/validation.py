"""Field checks of an order request against its instrument, shared by the engine and the ticket.

Each problem names the field and the value, so the ticket can show it at the field and the
engine can put it in the rejection reason.
"""

from __future__ import annotations

import math

from terminal.domain.enums import AssetClass, Offset, Side
from terminal.domain.instrument import Instrument, price_text
from terminal.domain.orders import OrderRequest


class FieldProblem(ValueError):
    """What is wrong with one field of an order request."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _on_grid(value: float, step: float) -> bool:
    steps = value / step
    return math.isclose(steps, round(steps), abs_tol=1e-6)


def validate_request(request: OrderRequest, instrument: Instrument | None) -> None:
    """Raise :class:`FieldProblem` for the first field that is wrong."""
    if instrument is None:
        raise FieldProblem("symbol", f"unknown symbol '{request.symbol}'")
    if not (request.quantity > 0 and math.isfinite(request.quantity)):
        raise FieldProblem(
            "quantity", f"quantity must be positive, got {price_text(request.quantity)}"
        )
    if request.side is Side.BUY and request.quantity < instrument.min_quantity:
        raise FieldProblem(
            "quantity",
            f"quantity {price_text(request.quantity)} is below the minimum buy of "
            f"{price_text(instrument.min_quantity)} for {request.symbol}",
        )
    if not _on_grid(request.quantity, instrument.lot_size):
        raise FieldProblem(
            "quantity",
            f"quantity {price_text(request.quantity)} is not a multiple of the lot size "
            f"{price_text(instrument.lot_size)}",
        )
    if request.order_type.has_limit_price:
        if not (request.price > 0 and math.isfinite(request.price)):
            raise FieldProblem(
                "price", f"limit price must be positive, got {price_text(request.price)}"
            )
        if not _on_grid(request.price, instrument.tick_size):
            raise FieldProblem(
                "price",
                f"price {price_text(request.price)} is not on the tick size "
                f"{price_text(instrument.tick_size)}",
            )
    if request.order_type.has_trigger and not (
        request.trigger_price > 0 and math.isfinite(request.trigger_price)
    ):
        raise FieldProblem(
            "trigger",
            f"trigger price must be positive, got {price_text(request.trigger_price)}",
        )
    if request.order_type.has_limit_price:
        short = below_minimum(request, instrument, request.price)
        if short:
            raise FieldProblem("quantity", short)
    futures = instrument.asset_class is AssetClass.FUTURE
    if request.offset is not Offset.NONE and not futures:
        raise FieldProblem(
            "offset", f"offset {request.offset.value} applies to futures only, not {request.symbol}"
        )


def below_minimum(request: OrderRequest, instrument: Instrument, price: float) -> str:
    """Why ``request`` at ``price`` is worth less than the venue's minimum order value ("" if
    it is not, or the instrument has none)."""
    value = request.quantity * price * instrument.multiplier
    if instrument.min_notional and value < instrument.min_notional * (1 - 1e-9):
        return (
            f"order value {value:g} ({request.quantity:g} × {price:g}) is below "
            f"{request.symbol}'s minimum {instrument.min_notional:g}"
        )
    return ""
