"""The parts of a pre-trade check, and the checks on the request itself, its broker and timing.

A check is one small class with a ``rule`` name and a ``check`` method that returns "" to let
the order on, or the refusal. A refusal reads ``<rule>: <what and the numbers>``; the broker,
account, field and connection checks keep the words users know, which name the broker,
account or field at fault and the value (a field problem is also what the order ticket shows
at the field). A check that cannot decide raises :class:`CannotCheck`: the pipeline then
refuses the order. The risk limits are in :mod:`terminal.engine.orders.risk`; the order all
checks run in is :func:`terminal.engine.orders.pretrade.standard_checks`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from terminal.domain.enums import AssetClass, ConnectionStatus, InstrumentStatus, Offset, Side
from terminal.domain.market import FeedStatus
from terminal.domain.orders import Account, Order, OrderCapabilities, OrderRequest, Position
from terminal.domain.venue import Balance
from terminal.engine.orders.validation import FieldProblem, below_minimum, validate_request

if TYPE_CHECKING:  # the config imports the risk limits, which build on this: keep it light
    from terminal.engine.bus import EventBus
    from terminal.engine.market import MarketState


class CannotCheck(Exception):
    """A check lacks what it needs to decide (say, a price): the order is refused."""


@dataclass(slots=True, kw_only=True)
class PreTradeView:
    """What the checks read of the engine: its market, and callables into the rest."""

    market: MarketState
    has_broker: Callable[[str], bool]
    accounts_of: Callable[[str], list[str]]
    broker_status: Callable[[str], FeedStatus | None]
    position: Callable[[str, str], Position | None]
    """(broker, symbol) → the position held, None if never traded."""
    working_orders: Callable[[], list[Order]]
    account: Callable[[str], Account | None]
    live_since_ns: Callable[[], int]
    """When the engine went live: orders stamped earlier come from history or warm-up."""
    now_ns: Callable[[], int]
    capabilities: Callable[[str, str], OrderCapabilities] = lambda broker, symbol: (
        OrderCapabilities()
    )
    """(broker, symbol) → what the broker takes for that instrument."""
    commission: Callable[[str, str, float, float], float] = lambda *_: 0.0
    """(broker, symbol, quantity, price) → the commission the broker would charge."""
    quantity: Callable[[str, str], float] | None = None
    """(broker, symbol) → the net quantity held, cheaper than ``position`` (None: read it from
    ``position``)."""
    buying_power: Callable[[str], float | None] | None = None
    """broker → its account's buying power, cheaper than ``account`` (None: read it there)."""
    venue_balances: Callable[[str], dict[str, Balance]] = lambda _: {}
    """broker → its balances per currency as the venue last reported them ({}: the broker
    reports none, its account is the terminal's own)."""
    breaker_refusal: Callable[[str, str], str] = lambda *_: ""
    """(strategy, broker) → why a circuit breaker stops that strategy's order, or "" (the
    breakers count the order as placed)."""
    exclusive: Callable[[], frozenset[str]] = lambda: frozenset()
    """The working orders that cannot all fill together with the order being checked (the
    other orders of the OCO group or bracket it is placed for): not counted against it."""


class PreTradeCheck:
    """One rule every order must pass; subclasses set ``rule`` and implement ``check``."""

    rule: ClassVar[str] = ""
    on_modify: ClassVar[bool] = False
    """Also asked of a working order's modification (its new price, trigger and quantity):
    the rules about the order's own figures, not those about placing one."""

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        """"" to let ``request`` on, else why it is refused (raise ``CannotCheck`` when the
        rule cannot be decided)."""
        raise NotImplementedError

    def accepted(self, request: OrderRequest) -> None:
        """``request`` passed every check and goes to its broker (count it, if the rule counts)."""

    def watch(self, bus: EventBus, view: PreTradeView) -> None:
        """Subscribe to what the rule follows between orders (accounts, order updates)."""


# ---- the request's fields ----------------------------------------------------------------
class KnownBroker(PreTradeCheck):
    rule = "broker"

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        return "" if view.has_broker(request.broker) else f"unknown broker '{request.broker}'"


class BrokerAccount(PreTradeCheck):
    rule = "account"

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        accounts = view.accounts_of(request.broker)
        if request.account and request.account not in accounts:
            return (
                f"account '{request.account}' is not one of broker {request.broker}'s "
                f"accounts {accounts}"
            )
        return ""


class RequestFields(PreTradeCheck):
    """Symbol, quantity, prices and offset against the instrument (as the ticket checks them)."""

    rule = "fields"
    on_modify = True

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        try:
            validate_request(request, view.market.instruments.get(request.symbol))
        except FieldProblem as problem:
            return problem.message
        return ""


class BrokerTakes(PreTradeCheck):
    """The broker takes this kind of order on this instrument: its type, time in force,
    post-only and reduce-only (a venue that cannot is never sent one)."""

    rule = "broker capabilities"

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        refusal = view.capabilities(request.broker, request.symbol).refusal(request)
        where = f"broker {request.broker} on {request.symbol}"
        return f"{self.rule}: {where}: {refusal}" if refusal else ""


# ---- can it trade now --------------------------------------------------------------------
class BrokerConnected(PreTradeCheck):
    rule = "broker connection"

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        status = view.broker_status(request.broker)
        if status is not None and status.status in (
            ConnectionStatus.DISCONNECTED,
            ConnectionStatus.ERROR,
        ):
            return f"broker {request.broker} is {status.status.value}: {status.reason}"
        return ""


class InstrumentTrading(PreTradeCheck):
    """The venue takes orders for the instrument now (not halted), and a market order is
    worth its minimum order value at the last price (limit orders: the fields check)."""

    rule = "instrument"

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        instrument = view.market.instruments.get(request.symbol)
        if instrument is None:
            return ""
        if instrument.status is not InstrumentStatus.TRADING:
            status = instrument.status.value
            return f"{self.rule}: {request.symbol} is {status} at its venue: no orders taken"
        if request.order_type.has_limit_price or not instrument.min_notional:
            return ""
        price = view.market.last_price(request.symbol)
        if not price:
            raise CannotCheck(f"no price for {request.symbol} to check its minimum order value")
        short = below_minimum(request, instrument, price)
        return f"{self.rule}: {short}" if short else ""


# ---- what may be sold today --------------------------------------------------------------
class TPlusOne(PreTradeCheck):
    """On T+1 exchanges, shares bought today can be sold only from the next trading day;
    instruments matching a ``t_plus_zero`` pattern (T+0 funds) are exempt."""

    rule = "T+1"

    def __init__(self, exchanges: list[str], exempt: list[str] | tuple[str, ...] = ()) -> None:
        self._exchanges = exchanges
        self._exempt = tuple(exempt)

    def applies(self, symbol: str, view: PreTradeView) -> bool:
        instrument = view.market.instruments.get(symbol)
        return (
            instrument is not None
            and instrument.asset_class is AssetClass.STOCK
            and instrument.exchange in self._exchanges
            and not any(fnmatch.fnmatchcase(symbol, pattern) for pattern in self._exempt)
        )

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        if request.side is not Side.SELL or not self.applies(request.symbol, view):
            return ""
        position = view.position(request.broker, request.symbol)
        sellable = max(0.0, position.yesterday_quantity) if position else 0.0
        if request.quantity <= sellable + 1e-9:
            return ""
        return (
            f"T+1: only {sellable:g} of {request.symbol} can be sold today "
            f"(shares bought today settle next trading day)"
        )


class CloseOffsets(PreTradeCheck):
    """A futures order flagged close, close-today or close-yesterday must close that much of a
    position held the other way (exchanges such as SHFE refuse it otherwise)."""

    rule = "close offset"

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        offset = request.offset
        if offset not in (Offset.CLOSE, Offset.CLOSE_TODAY, Offset.CLOSE_YESTERDAY):
            return ""
        position = view.position(request.broker, request.symbol)
        # A sell closes a long position, a buy a short one: held is what the order can close.
        sign = -request.side.sign
        if offset is Offset.CLOSE_TODAY:
            held, part = position.today_quantity if position else 0.0, "opened today"
        elif offset is Offset.CLOSE_YESTERDAY:
            held, part = position.yesterday_quantity if position else 0.0, "held from earlier days"
        else:
            held, part = position.quantity if position else 0.0, "held"
        closable = max(0.0, held * sign)
        if request.quantity <= closable + 1e-9:
            return ""
        direction = "long" if sign > 0 else "short"
        return (
            f"close offset: {offset.value} {request.quantity:g} of {request.symbol} but only "
            f"{closable:g} {direction} {part}"
        )


# ---- no order from history ---------------------------------------------------------------
class LiveGuard(PreTradeCheck):
    """An order stamped before the engine went live comes from a replayed or warm-up signal."""

    rule = "live guard"

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        live_since = view.live_since_ns()
        if request.ts and request.ts < live_since:
            return (
                f"live guard: order stamped {request.ts} ns is older than the engine's live "
                f"start {live_since} ns (history or warm-up signal)"
            )
        return ""


class TrippedBreaker(PreTradeCheck):
    """A strategy a tripped circuit breaker stopped places nothing until a person re-arms it
    (orders by hand still pass: a person may close positions)."""

    rule = "circuit breaker"

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        origin = request.origin
        if not origin.startswith("strategy:"):
            return ""
        return view.breaker_refusal(origin[len("strategy:") :], request.broker)
