"""Contingent groups made from their commands, checked before anything is placed.

A bracket's exits are the other side of its entry: a take-profit beyond the entry's price in
the trade's favour, a stop-loss against it (both on the tick grid, both order types taken by
the broker); a trailing stop needs a broker that modifies orders (its trigger moves). What is
wrong is raised as ValueError naming the field and the value: the command is refused whole.
"""

from __future__ import annotations

from typing import Any

from msgspec.structs import replace

from terminal.domain.contingent import (
    ContingentGroup,
    ContingentLeg,
    SubmitBracket,
    SubmitOco,
    SubmitTrailingStop,
    Trail,
    exit_request,
)
from terminal.domain.enums import (
    ContingentKind,
    LegRole,
    LegState,
    OrderType,
    Side,
    TimeInForce,
)
from terminal.domain.instrument import Instrument, price_text
from terminal.domain.orders import OrderCapabilities, OrderRequest
from terminal.engine.orders.modify import snap_trigger
from terminal.engine.orders.validation import FieldProblem, validate_request

ROLE_NAMES = {
    LegRole.TAKE_PROFIT: "take-profit",
    LegRole.STOP_LOSS: "stop-loss",
    LegRole.LEG: "OCO order",
    LegRole.TRAILING_STOP: "trailing stop",
}
TAKE_PROFIT_SUFFIX, STOP_LOSS_SUFFIX = "-TP", "-SL"


def bracket_group(
    command: SubmitBracket,
    entry_id: str,
    instrument: Instrument | None,
    broker: Any,
    last: float | None,
    now_ns: int,
) -> ContingentGroup:
    """The group of a bracket whose entry is ``entry_id`` (exits waiting), or ValueError."""
    entry = command.entry
    take_profit, stop_loss, trail = command.take_profit, command.stop_loss, command.trail
    for name, value in (("take-profit", take_profit), ("stop-loss", stop_loss)):
        if not value >= 0 or value == float("inf"):  # NaN fails the comparison
            raise ValueError(f"bracket: {name} {value:g} is not a price")
    if not take_profit and not stop_loss and trail is None:
        raise ValueError("bracket: give a take-profit, a stop-loss or a trail")
    if trail is not None:
        _check_trail(trail, broker)
    reference = _entry_price(entry, last)
    if reference:
        buy = entry.side is Side.BUY
        side = entry.side.value
        if take_profit and (take_profit <= reference if buy else take_profit >= reference):
            where = "above" if buy else "below"
            raise ValueError(f"bracket: take-profit {price_text(take_profit)} of a {side} must "
                             f"be {where} the entry {price_text(reference)}")  # fmt: skip
        if stop_loss and (stop_loss >= reference if buy else stop_loss <= reference):
            where = "below" if buy else "above"
            raise ValueError(f"bracket: stop-loss {price_text(stop_loss)} of a {side} must be "
                             f"{where} the entry {price_text(reference)}")  # fmt: skip
    capabilities = _capabilities(broker, entry.symbol)
    legs = []
    for role, level, suffix in (
        (LegRole.TAKE_PROFIT, take_profit, TAKE_PROFIT_SUFFIX),
        (LegRole.STOP_LOSS, stop_loss, STOP_LOSS_SUFFIX),
    ):
        leg_trail = trail if role is LegRole.STOP_LOSS else None
        if not level and leg_trail is None:
            continue
        note = f"{ROLE_NAMES[role]} of {entry_id}"
        request = exit_request(entry, role, level, note)
        request = replace(request, time_in_force=_lasting(capabilities, request.order_type),
                          reduce_only=capabilities.reduce_only)  # fmt: skip
        if level:
            _check_request(request, instrument, capabilities, ROLE_NAMES[role])
        legs.append(ContingentLeg(entry_id + suffix, role, request, trail=leg_trail))
    return ContingentGroup(entry_id, ContingentKind.BRACKET, tuple(legs), entry_id=entry_id,
                           created_ns=now_ns, updated_ns=now_ns)  # fmt: skip


def oco_group(
    command: SubmitOco, ids: list[str], instruments: Any, brokers: Any, now_ns: int
) -> ContingentGroup:
    """The group of an OCO command whose orders get ``ids`` (waiting to be placed)."""
    if len(command.orders) < 2:
        raise ValueError(f"OCO: needs two orders or more, got {len(command.orders)}")
    if len(set(ids)) != len(ids):
        raise ValueError(f"OCO: order ids repeat ({', '.join(ids)})")
    group_id = ids[0]
    legs = []
    for order_id, submit in zip(ids, command.orders, strict=True):
        request = replace(submit.request)
        broker = brokers.get(request.broker)
        capabilities = _capabilities(broker, request.symbol)
        _check_request(request, instruments.get(request.symbol), capabilities,
                       f"OCO order {order_id}")  # fmt: skip
        legs.append(ContingentLeg(order_id, LegRole.LEG, request))
    return ContingentGroup(group_id, ContingentKind.OCO, tuple(legs), created_ns=now_ns,
                           updated_ns=now_ns)  # fmt: skip


def trailing_group(
    command: SubmitTrailingStop,
    order_id: str,
    instrument: Instrument | None,
    broker: Any,
    last: float | None,
    now_ns: int,
) -> ContingentGroup:
    """The group of one trailing stop (live at once), its first trigger set."""
    request, trail = command.request, command.trail
    _check_trail(trail, broker)
    trigger = request.trigger_price
    if not trigger:
        if not last:
            raise ValueError(f"trailing stop: no last price of {request.symbol} to start from: "
                             "give a first trigger")  # fmt: skip
        trigger = snap_trigger(trail.level(request.side, last), request.side, instrument)
    best = last or (trigger + trail.gap(trigger) * (1 if request.side is Side.SELL else -1))
    request = replace(request, order_type=OrderType.STOP, price=0.0, trigger_price=trigger)
    _check_request(request, instrument, _capabilities(broker, request.symbol), "trailing stop")
    leg = ContingentLeg(order_id, LegRole.TRAILING_STOP, request, trail=trail, best=best)
    return ContingentGroup(order_id, ContingentKind.TRAILING, (leg,), created_ns=now_ns,
                           updated_ns=now_ns)  # fmt: skip


def live_exit(leg: ContingentLeg, quantity: float, fill_price: float,
              instrument: Instrument | None) -> ContingentLeg:  # fmt: skip
    """A waiting exit made live for ``quantity``: a trailing stop-loss starts following from
    the entry's fill price (its first trigger the given stop-loss, or the trail's distance)."""
    request = replace(leg.request, quantity=quantity)
    if leg.trail is not None:
        best = fill_price
        trigger = request.trigger_price or snap_trigger(
            leg.trail.level(request.side, best), request.side, instrument
        )
        request = replace(request, trigger_price=trigger)
        return replace(leg, request=request, state=LegState.LIVE, best=best)
    return replace(leg, request=request, state=LegState.LIVE)


def _check_trail(trail: Trail, broker: Any) -> None:
    problem = trail.problem()
    if problem:
        raise ValueError(problem)
    if broker is not None and not broker.modifies:
        raise ValueError(f"trailing stop: broker {broker.name} cannot modify orders, and a "
                         "trailing stop's trigger moves")  # fmt: skip


def _check_request(
    request: OrderRequest, instrument: Instrument | None, capabilities: OrderCapabilities,
    what: str,
) -> None:  # fmt: skip
    try:
        validate_request(request, instrument)
    except FieldProblem as problem:
        raise ValueError(f"{what}: {problem.message}") from None
    refusal = capabilities.refusal(request)
    if refusal:
        raise ValueError(f"{what}: broker {request.broker} on {request.symbol}: {refusal}")


def _capabilities(broker: Any, symbol: str) -> OrderCapabilities:
    return broker.capabilities(symbol) if broker is not None else OrderCapabilities()


def _lasting(capabilities: OrderCapabilities, order_type: OrderType) -> TimeInForce:
    """Exits work until they fill or are cancelled where the broker takes that."""
    if not order_type.has_limit_price or TimeInForce.GTC in capabilities.time_in_force:
        return TimeInForce.GTC
    return TimeInForce.DAY


def _entry_price(entry: OrderRequest, last: float | None) -> float:
    """The price the entry is expected at: its limit, its trigger, else the last price."""
    if entry.order_type.has_limit_price:
        return entry.price
    if entry.order_type.has_trigger:
        return entry.trigger_price
    return last or 0.0
