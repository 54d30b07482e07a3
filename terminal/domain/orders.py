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


AMENDABLE = frozenset(
    {OrderStatus.SUBMITTED, OrderStatus.ACCEPTED, OrderStatus.PARTIALLY_FILLED}
)
"""The states in which an order's price, trigger or quantity may be changed (modified): the
change keeps the status. Not while a cancel is pending, nor once final."""


def is_legal_transition(current: OrderStatus, new: OrderStatus) -> bool:
    return new in LEGAL_TRANSITIONS[current]


def can_amend(status: OrderStatus) -> bool:
    """Whether an order in ``status`` may be modified (see ``AMENDABLE``)."""
    return status in AMENDABLE


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
    post_only: bool = False
    """Rest on the book or be refused: never take liquidity (a limit order's option)."""
    reduce_only: bool = False
    """Only reduce a derivatives position, never open or add to one."""


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
    """The id the venue knows the order by when it is not ``order_id`` (an order placed at
    the venue outside this terminal and adopted)."""
    note: str = ""
    post_only: bool = False
    reduce_only: bool = False

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
    fee: float = 0.0
    fee_currency: str = ""
    """The fee as the venue took it, when in another currency than the account's (Binance
    takes a buy's fee in the asset bought); ``commission`` is then its value in the account
    currency. Empty: the fee is ``commission``."""


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


class OrderCapabilities(msgspec.Struct, frozen=True):
    """What a broker accepts for one instrument: order types, times in force and the
    post-only and reduce-only options. The ticket offers only these; the pre-trade pipeline
    refuses the rest before anything is sent."""

    order_types: frozenset[OrderType] = frozenset(OrderType)
    time_in_force: frozenset[TimeInForce] = frozenset(TimeInForce)
    post_only: bool = False
    reduce_only: bool = False

    def refusal(self, request: OrderRequest) -> str:
        """Why ``request`` cannot go to this broker ("" if it can)."""
        if request.order_type not in self.order_types:
            return f"{request.order_type.value} orders are not taken"
        if request.order_type.has_limit_price and request.time_in_force not in self.time_in_force:
            return f"time in force {request.time_in_force.value.upper()} is not taken"
        if request.post_only and not self.post_only:
            return "post-only orders are not taken"
        if request.post_only and request.order_type is not OrderType.LIMIT:
            return "post-only applies to limit orders only"
        if request.reduce_only and not self.reduce_only:
            return "reduce-only orders are not taken"
        return ""
