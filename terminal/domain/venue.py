"""What a venue reports of an account: balances, positions, open orders; and what reconciling
the terminal with it found."""

from __future__ import annotations

import math

import msgspec

from terminal.domain.enums import OrderStatus, OrderType, ReconcileKind, Side, TimeInForce
from terminal.domain.orders import Order


class Balance(msgspec.Struct, frozen=True):
    """One currency of a venue account, as the venue reports it."""

    broker: str
    currency: str
    free: float
    """Available for new orders."""
    used: float
    """Held by working orders (or otherwise locked)."""
    total: float


class VenuePosition(msgspec.Struct, frozen=True):
    """A derivatives position as the venue reports it (spot holdings are balances)."""

    broker: str
    symbol: str
    quantity: float
    """Signed: positive long, negative short."""
    average_price: float = 0.0
    unrealized_pnl: float = 0.0


class VenueOrder(msgspec.Struct, frozen=True):
    """An order as the venue knows it, matched to the terminal's by ``client_order_id``."""

    venue_order_id: str
    client_order_id: str
    symbol: str
    side: Side
    order_type: OrderType
    quantity: float
    status: OrderStatus
    price: float = 0.0
    trigger_price: float = 0.0
    time_in_force: TimeInForce = TimeInForce.GTC
    filled_quantity: float = 0.0
    average_price: float = 0.0
    created_ns: int = 0
    post_only: bool = False
    reason: str = ""
    """Why it ended, when the venue says (a rejection's message)."""


def own_view(order: Order) -> VenueOrder:
    """An order as a broker that is its own venue (paper trading) reports it: as it stands."""
    return VenueOrder(
        venue_order_id=order.order_id,
        client_order_id=order.client_id or order.order_id,
        symbol=order.symbol,
        side=order.side,
        order_type=order.order_type,
        quantity=order.quantity,
        status=order.status,
        price=order.price,
        trigger_price=order.trigger_price,
        time_in_force=order.time_in_force,
        filled_quantity=order.filled_quantity,
        average_price=order.average_price,
        created_ns=order.created_ns,
        post_only=order.post_only,
    )


class AccountReport(msgspec.Struct, frozen=True):
    """Everything a broker's venue says about the account at one moment."""

    broker: str
    balances: list[Balance]
    open_orders: list[VenueOrder]
    positions: list[VenuePosition] | None = None
    """None when the venue has no positions to report (spot: holdings are balances)."""
    ts: int = 0


class BalancesEvent(msgspec.Struct, frozen=True):
    """A venue's balances changed (every currency of ``broker``, as last reported)."""

    broker: str
    balances: list[Balance]


class VenuePositionsEvent(msgspec.Struct, frozen=True):
    """The derivatives positions a venue reported for ``broker`` (all of them)."""

    broker: str
    positions: list[VenuePosition]


class ReconcileNotice(msgspec.Struct, frozen=True):
    """Something reconciling a broker with its venue found, shown to the user and logged.

    ``terminal`` and ``venue`` are the two figures of a difference (NaN when not a figure)."""

    broker: str
    kind: ReconcileKind
    subject: str
    """The currency, symbol or order id it is about."""
    message: str
    terminal: float = math.nan
    venue: float = math.nan
    ts: int = 0
