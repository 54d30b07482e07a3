"""Orders, fills, positions and accounts."""

from __future__ import annotations

import msgspec

from terminal.domain.enums import Offset, OrderStatus, OrderType, Side, TimeInForce

LEGAL_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.SUBMITTED: frozenset(
        {
            OrderStatus.ACCEPTED,
            OrderStatus.REJECTED,
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.PENDING_CANCEL,
            OrderStatus.CANCELLED,
        }
    ),
    OrderStatus.ACCEPTED: frozenset(
        {
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.PENDING_CANCEL,
            OrderStatus.CANCELLED,
            OrderStatus.EXPIRED,
        }
    ),
    OrderStatus.PARTIALLY_FILLED: frozenset(
        {
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.PENDING_CANCEL,
            OrderStatus.CANCELLED,
            OrderStatus.EXPIRED,
        }
    ),
    OrderStatus.PENDING_CANCEL: frozenset(
        {
            OrderStatus.CANCELLED,
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.ACCEPTED,
        }
    ),
    OrderStatus.FILLED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REJECTED: frozenset(),
    OrderStatus.EXPIRED: frozenset(),
}


def is_legal_transition(current: OrderStatus, new: OrderStatus) -> bool:
    return new in LEGAL_TRANSITIONS[current]


class OrderRequest(msgspec.Struct, frozen=True):
    """What a user or strategy asks for. The engine turns it into an :class:`Order`."""

    broker: str
    symbol: str
    side: Side
    quantity: float
    order_type: OrderType = OrderType.MARKET
    price: float = 0.0
    time_in_force: TimeInForce = TimeInForce.DAY
    origin: str = "manual"
    trigger_price: float = 0.0
    offset: Offset = Offset.NONE
    account: str = ""
    client_id: str = ""
    note: str = ""
    """Why the order was placed (a strategy's reason), shown to people, e.g. in alert emails."""
    ts: int = 0
    """When the request was made (UTC ns); 0 means now. Used by the live guard."""


class Order(msgspec.Struct, frozen=True):
    """An order's full state at one moment. Updates replace it with a new value."""

    order_id: str
    broker: str
    symbol: str
    side: Side
    quantity: float
    order_type: OrderType
    price: float
    time_in_force: TimeInForce
    origin: str
    status: OrderStatus
    created_ns: int
    updated_ns: int
    filled_quantity: float = 0.0
    average_price: float = 0.0
    reason: str = ""
    trigger_price: float = 0.0
    offset: Offset = Offset.NONE
    account: str = ""
    client_id: str = ""
    note: str = ""

    @property
    def remaining(self) -> float:
        return self.quantity - self.filled_quantity


class Fill(msgspec.Struct, frozen=True):
    """One execution of (part of) an order."""

    fill_id: str
    order_id: str
    broker: str
    symbol: str
    side: Side
    quantity: float
    price: float
    ts: int
    """Execution time, UTC nanoseconds."""
    commission: float = 0.0
    """In the account's currency."""
    offset: Offset = Offset.NONE


class Position(msgspec.Struct, frozen=True):
    """Net position in one symbol at one broker, marked to the last price."""

    broker: str
    symbol: str
    quantity: float
    """Signed: positive long, negative short."""
    average_price: float
    realized_pnl: float
    unrealized_pnl: float
    last_price: float
    """The price the position was last marked at."""
    today_quantity: float = 0.0
    """Opened on the current trading day (futures close-today rules, stock T+1)."""
    yesterday_quantity: float = 0.0


class Account(msgspec.Struct, frozen=True):
    """Cash and equity of one broker account."""

    broker: str
    currency: str
    cash: float
    equity: float
    """Cash plus the marked value of positions (or plus unrealised P&L on margin)."""
    realized_pnl: float
    unrealized_pnl: float
    commission: float
    """Paid since the account was opened."""
    market_value: float = 0.0
    margin: float = 0.0
    buying_power: float = 0.0
