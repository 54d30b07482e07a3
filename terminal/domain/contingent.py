"""Contingent orders: brackets, OCO groups and trailing stops as plain data, the commands that
place and change them, and the event that shows them.

A group is what the engine keeps of one contingent order (``engine/orders/contingent.py``),
stores in the trading store and publishes as :class:`ContingentEvent` at every change; each of
its legs holds the request it sends (or sent) and where it stands.
"""

from __future__ import annotations

import math

import msgspec

from terminal.domain.enums import ContingentKind, LegRole, LegState, Offset, OrderType, Side
from terminal.domain.events import SubmitOrder
from terminal.domain.orders import OrderRequest


class Trail(msgspec.Struct, frozen=True):
    """How a trailing stop follows the price: by ``distance`` (in price) or by ``percent`` of
    the best price seen since it began; one of the two."""

    distance: float = 0.0
    percent: float = 0.0

    @classmethod
    def of(cls, distance: float = 0.0, percent: float = 0.0) -> Trail | None:
        """A trail by ``distance`` or ``percent``; None when both are 0 (no trailing)."""
        return cls(distance, percent) if distance or percent else None

    def gap(self, best: float) -> float:
        """The distance between the best price and the trigger."""
        return self.distance if self.distance > 0 else best * self.percent / 100.0

    def level(self, side: Side, best: float) -> float:
        """The trigger of a ``side`` stop trailing ``best``: the highest price seen since a
        sell stop began (it protects a long), the lowest for a buy stop."""
        return best - self.gap(best) if side is Side.SELL else best + self.gap(best)

    def problem(self) -> str:
        """"" when the trail can be followed, else what is wrong with it."""
        distance, percent = self.distance, self.percent
        if not (math.isfinite(distance) and math.isfinite(percent)):
            return f"trail: distance {distance:g} and percent {percent:g} must be numbers"
        if distance > 0 and percent > 0:
            return "trail: give a distance or a percent, not both"
        if distance <= 0 and percent <= 0:
            return "trail: the distance or the percent must be above 0"
        if percent >= 100:
            return f"trail: percent {percent:g} must be below 100"
        return ""

    def moved_to(self, side: Side, best: float, trigger: float) -> Trail:
        """This trail re-set so that its level at ``best`` is ``trigger`` (a person moved the
        stop), as a distance or a percent like before; a trigger past ``best`` keeps the old
        gap."""
        gap = best - trigger if side is Side.SELL else trigger - best
        if gap <= 0 or best <= 0:
            return self
        return Trail(distance=gap) if self.distance > 0 else Trail(percent=gap / best * 100.0)

    def describe(self) -> str:
        return f"{self.percent:g}%" if self.percent > 0 else f"{self.distance:g}"


class ContingentLeg(msgspec.Struct, frozen=True):
    """One order of a group: its id (chosen when the group is made), what it is for, the
    request it sends (a waiting exit's quantity is set when it goes live) and its state."""

    order_id: str
    role: LegRole
    request: OrderRequest
    state: LegState = LegState.WAITING
    trail: Trail | None = None
    best: float = 0.0
    """A trailing stop's best price so far (highest for a sell stop, lowest for a buy)."""
    reason: str = ""
    """Why it ended (refused, dropped), when it did not fill."""

    @property
    def level(self) -> float:
        """The price its line is drawn at: a stop's trigger, else its limit."""
        request = self.request
        return request.trigger_price if request.order_type.has_trigger else request.price


class ContingentGroup(msgspec.Struct, frozen=True):
    """A bracket (``entry_id`` and its exits), an OCO group, or a trailing stop."""

    group_id: str
    kind: ContingentKind
    legs: tuple[ContingentLeg, ...]
    entry_id: str = ""
    """A bracket's entry order: its exits go live when it fills, sized to what filled."""
    done: bool = False
    reason: str = ""
    """What ended the group, or the latest thing worth knowing about it."""
    created_ns: int = 0
    updated_ns: int = 0

    @property
    def symbol(self) -> str:
        return self.legs[0].request.symbol

    @property
    def broker(self) -> str:
        return self.legs[0].request.broker

    def order_ids(self) -> list[str]:
        """The entry (if any) and every leg's id."""
        return [*([self.entry_id] if self.entry_id else []), *(leg.order_id for leg in self.legs)]

    def leg(self, order_id: str) -> ContingentLeg | None:
        return next((leg for leg in self.legs if leg.order_id == order_id), None)

    def with_leg(self, leg: ContingentLeg) -> ContingentGroup:
        """This group with ``leg`` in place of the leg of the same id."""
        legs = tuple(leg if old.order_id == leg.order_id else old for old in self.legs)
        return msgspec.structs.replace(self, legs=legs)


# ---- commands ---------------------------------------------------------------------------------
class SubmitBracket(msgspec.Struct, frozen=True):
    """Command: place ``entry`` as order ``order_id`` with a take-profit (a limit at
    ``take_profit``) and a stop-loss (a stop at ``stop_loss``, trailing by ``trail`` if given)
    attached. The exits go live when the entry fills, sized to what filled, and one cancels
    the other; their ids are ``<order_id>-TP`` and ``<order_id>-SL``. 0: no such exit (a
    trailing stop-loss without ``stop_loss`` starts at the trail's distance from the fill).
    An empty ``order_id`` is chosen by the engine (a strategy's)."""

    order_id: str
    entry: OrderRequest
    take_profit: float = 0.0
    stop_loss: float = 0.0
    trail: Trail | None = None


class SubmitOco(msgspec.Struct, frozen=True):
    """Command: place ``orders`` (two or more) as one group: the first to fill cancels the
    others (a partial fill reduces them by as much, where the broker can modify orders)."""

    orders: list[SubmitOrder]

    @property
    def order_id(self) -> str:
        """The group's id: its first order's (what a refusal names)."""
        return self.orders[0].order_id if self.orders else ""


class SubmitTrailingStop(msgspec.Struct, frozen=True):
    """Command: place a stop order (``request``: side, quantity, symbol, broker) whose
    trigger follows the price by ``trail``: it starts at ``request.trigger_price``, or (0)
    at the trail's distance from the last price, and only ever moves the protective way."""

    order_id: str
    request: OrderRequest
    trail: Trail


class ModifyOrder(msgspec.Struct, frozen=True):
    """Command: change a working order's limit ``price``, ``trigger_price`` or ``quantity``
    (0: unchanged). Also moves a bracket's exit that waits for its entry."""

    order_id: str
    price: float = 0.0
    trigger_price: float = 0.0
    quantity: float = 0.0

    @classmethod
    def to_level(cls, order_id: str, order_type: OrderType, level: float) -> ModifyOrder:
        """Move an order's line (a dragged chart line, a ladder cell) to ``level``: a stop's
        trigger, else its limit price."""
        if order_type.has_trigger:
            return cls(order_id, trigger_price=level)
        return cls(order_id, price=level)


class ContingentEvent(msgspec.Struct, frozen=True):
    """A contingent group's new state, published after it is recorded."""

    group: ContingentGroup


def exit_request(
    entry: OrderRequest, role: LegRole, level: float, note: str
) -> OrderRequest:
    """The request of a bracket's exit: the other side of ``entry``, a limit at ``level`` (a
    take-profit) or a stop triggered there (a stop-loss), same broker, account and origin; it
    closes what a futures entry opened."""
    stop = role is LegRole.STOP_LOSS
    return msgspec.structs.replace(
        entry,
        offset=Offset.CLOSE if entry.offset is Offset.OPEN else entry.offset,
        side=entry.side.opposite,
        order_type=OrderType.STOP if stop else OrderType.LIMIT,
        price=0.0 if stop else level,
        trigger_price=level if stop else 0.0,
        note=note,
        ts=0,
        post_only=False,
        client_id="",
    )


def placed_requests(command: SubmitBracket | SubmitOco | SubmitTrailingStop) -> list[OrderRequest]:
    """The requests a command places itself, in the order of the ids it gets (a bracket's
    entry; its exits are placed later, by the engine)."""
    if isinstance(command, SubmitBracket):
        return [command.entry]
    if isinstance(command, SubmitOco):
        return [submit.request for submit in command.orders]
    return [command.request]
