"""What the order ticket attaches to an order, and the command that carries it: a bracket (the
order with a take-profit and a stop-loss that go live when it fills; the stop-loss may trail),
an OCO pair (a limit at the price and a stop at the trigger, same side and size: the first
filled cancels the other), or a trailing stop (a stop following the price).

A missing or wrong figure is a :class:`FieldProblem` naming the ticket's field, as for a plain
order; the engine checks the rest (which side of the entry each exit is on, the broker)."""

from __future__ import annotations

from enum import StrEnum

from msgspec.structs import replace

from terminal.domain.contingent import SubmitBracket, SubmitOco, SubmitTrailingStop, Trail
from terminal.domain.enums import OrderType
from terminal.domain.events import SubmitOrder
from terminal.domain.instrument import Instrument
from terminal.domain.orders import OrderRequest
from terminal.engine.orders.validation import FieldProblem, validate_request
from terminal.ui import formatting as fmt
from terminal.ui.i18n import translate

Command = SubmitOrder | SubmitBracket | SubmitOco | SubmitTrailingStop


class Attach(StrEnum):
    """What the ticket sends besides the order itself."""

    NONE = "none"
    BRACKET = "bracket"
    OCO = "oco"
    TRAILING = "trailing"


def ticket_command(
    attach: Attach,
    order_id: str,
    request: OrderRequest,
    instrument: Instrument | None,
    *,
    take_profit: float = 0.0,
    stop_loss: float = 0.0,
    trail: float = 0.0,
    trail_percent: bool = False,
) -> Command:
    """The command for ``request`` with ``attach``; raises :class:`FieldProblem`."""
    if attach is Attach.NONE:
        validate_request(request, instrument)
        return SubmitOrder(order_id, request)
    trailing = (Trail(percent=trail) if trail_percent else Trail(distance=trail)) if trail else None
    if trailing is not None and trailing.problem():
        raise FieldProblem("trail", trailing.problem())
    if attach is Attach.BRACKET:
        validate_request(request, instrument)
        if not take_profit and not stop_loss and trailing is None:
            raise FieldProblem("take_profit", "give a take-profit, a stop-loss or a trail")
        return SubmitBracket(order_id, request, take_profit, stop_loss, trailing)
    if attach is Attach.OCO:
        limit = replace(request, order_type=OrderType.LIMIT, trigger_price=0.0)
        stop = replace(request, order_type=OrderType.STOP, price=0.0)
        validate_request(limit, instrument)
        validate_request(stop, instrument)
        return SubmitOco([SubmitOrder(order_id, limit), SubmitOrder(f"{order_id}-2", stop)])
    if trailing is None:
        raise FieldProblem("trail", "a trailing stop needs a trail above 0")
    stop = replace(request, order_type=OrderType.STOP, price=0.0)
    if stop.trigger_price:  # 0: the engine starts it at the trail's distance from the last
        validate_request(stop, instrument)
    else:
        validate_request(replace(stop, order_type=OrderType.MARKET), instrument)
    return SubmitTrailingStop(order_id, stop, trailing)


def attached_text(command: Command, decimals: int) -> str:
    """What the ticket adds to an order's description: " + TP 10.50, SL 9.50 trailing 0.2"."""
    price = lambda value: fmt.exact_price(value, decimals)  # noqa: E731
    if isinstance(command, SubmitBracket):
        parts = []
        if command.take_profit:
            parts.append(translate("TicketAttach", "TP {price}").format(
                price=price(command.take_profit)))
        if command.stop_loss or command.trail is not None:
            stop = (
                translate("TicketAttach", "SL {price}").format(price=price(command.stop_loss))
                if command.stop_loss else translate("TicketAttach", "SL")
            )  # fmt: skip
            trail = (
                translate("TicketAttach", " trailing {distance}").format(
                    distance=command.trail.describe())
                if command.trail is not None else ""
            )  # fmt: skip
            parts.append(stop + trail)
        return " + " + ", ".join(parts)
    if isinstance(command, SubmitOco):
        return translate("TicketAttach", " OCO stop {price}").format(
            price=price(command.orders[1].request.trigger_price))
    if isinstance(command, SubmitTrailingStop):
        return translate("TicketAttach", " trailing {distance}").format(
            distance=command.trail.describe())
    return ""
