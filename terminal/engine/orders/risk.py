"""Risk limits: the configured ones (``[risk]``) and the pre-trade checks that enforce them.

Limits are configured globally (``[risk]``) and per broker (``[risk.brokers.NAME]``); an order
must pass both. A zero limit is off. Each limit is one :class:`RiskLimitCheck`; its refusal
reads ``risk (<scope>): <rule>: <the numbers>``.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Annotated, ClassVar

import msgspec

from terminal.domain.events import AccountEvent
from terminal.domain.instrument import price_text
from terminal.domain.orders import Account, OrderRequest
from terminal.engine.bus import EventBus
from terminal.engine.orders.checks import CannotCheck, PreTradeCheck, PreTradeView

GLOBAL = "global"


Limit = Annotated[float, msgspec.Meta(ge=0, le=1e300)]
"""A limit: a finite number >= 0, 0 meaning off (NaN or infinity would switch it off
silently: comparisons with NaN are all false)."""


class RiskLimits(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    max_order_quantity: Limit = 0.0
    max_order_notional: Limit = 0.0
    max_position: Limit = 0.0
    max_open_orders: Annotated[int, msgspec.Meta(ge=0)] = 0
    max_orders_per_second: Limit = 0.0
    price_band_pct: Limit = 0.0
    """Limit and stop prices must lie within this percentage of the last price."""
    daily_loss_limit: Limit = 0.0
    """Refuse orders once the day's loss (equity below its start-of-day value) exceeds this."""
    session_check: bool = False
    """Refuse orders while the instrument's exchange is closed."""


class RiskSection(RiskLimits, kw_only=True, frozen=True):
    brokers: dict[str, RiskLimits] = msgspec.field(default_factory=dict)
    funds_check: bool = True
    """Refuse what the broker's account cannot pay for: cash, collateral or margin
    (:mod:`terminal.engine.orders.funds`). Global only."""


class RiskLimitCheck(PreTradeCheck):
    """The limit named ``setting`` (a field of :class:`RiskLimits`), checked against ``[risk]``
    ("global"), then the order broker's own limits; a limit of 0 (or false) is off there."""

    setting: ClassVar[str]

    def __init__(self, section: RiskSection) -> None:
        self._section = section

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        for scope, limits in self._scopes(request.broker):
            limit = getattr(limits, self.setting)
            reason = self.breach(request, view, limit, scope) if limit else ""
            if reason:
                return f"risk ({scope}): {self.rule}: {reason}"
        return ""

    def _scopes(self, broker: str) -> Iterator[tuple[str, RiskLimits]]:
        yield GLOBAL, self._section
        limits = self._section.brokers.get(broker)
        if limits is not None:
            yield f"broker {broker}", limits

    def breach(self, request: OrderRequest, view: PreTradeView, limit: float, scope: str) -> str:
        """"" or how ``request`` breaks ``limit``, with the numbers (``check`` adds the scope
        and the rule)."""
        raise NotImplementedError


def last_price(symbol: str, view: PreTradeView, why: str) -> float:
    """The last price of ``symbol``; without a usable one the rule cannot decide, and the
    order is refused (a NaN would make every comparison false, i.e. let it through)."""
    last = view.market.last_price(symbol)
    if last is None or not math.isfinite(last) or last <= 0:
        shown = "none yet" if last is None else f"{last:g}"
        raise CannotCheck(f"no usable last price of {symbol} ({shown}) {why}")
    return last


def _price(request: OrderRequest, view: PreTradeView) -> float:
    """The order's price; a market order's is the last price."""
    return request.price or last_price(request.symbol, view, "to value a market order")


class MaxOrderQuantity(RiskLimitCheck):
    rule, setting = "max order quantity", "max_order_quantity"
    on_modify = True

    def breach(self, request: OrderRequest, view: PreTradeView, limit: float, scope: str) -> str:
        return f"{request.quantity:g} > limit {limit:g}" if request.quantity > limit else ""


class MaxOrderNotional(RiskLimitCheck):
    rule, setting = "max order notional", "max_order_notional"
    on_modify = True

    def breach(self, request: OrderRequest, view: PreTradeView, limit: float, scope: str) -> str:
        instrument = view.market.instruments.get(request.symbol)
        multiplier = instrument.multiplier if instrument else 1.0
        notional = request.quantity * _price(request, view) * multiplier
        return f"{notional:,.2f} > limit {limit:,.2f}" if notional > limit else ""


class MaxPosition(RiskLimitCheck):
    rule, setting = "max position", "max_position"

    def breach(self, request: OrderRequest, view: PreTradeView, limit: float, scope: str) -> str:
        position = view.position(request.broker, request.symbol)
        after = (position.quantity if position else 0.0) + request.side.sign * request.quantity
        if abs(after) > limit:
            return f"{request.symbol} would be {after:g}, limit ±{limit:g}"
        return ""


class MaxOpenOrders(RiskLimitCheck):
    rule, setting = "max open orders", "max_open_orders"

    def breach(self, request: OrderRequest, view: PreTradeView, limit: float, scope: str) -> str:
        working = [
            o for o in view.working_orders() if scope == GLOBAL or o.broker == request.broker
        ]
        return f"{len(working)} working, limit {limit:g}" if len(working) >= limit else ""


class OrderRate(RiskLimitCheck):
    """Orders sent in the last second, all brokers ("global") or the order's broker."""

    rule, setting = "order rate", "max_orders_per_second"

    def __init__(self, section: RiskSection) -> None:
        super().__init__(section)
        self._recent: dict[str, deque[int]] = {}  # "*" (all) or broker → times, ns
        # The engine's clock, not the machine's: a backtest on a simulated clock counts its
        # own seconds (and stays deterministic); live, the engine's clock is the wall clock.
        self._now_ns: Callable[[], int] = time.time_ns

    def watch(self, bus: EventBus, view: PreTradeView) -> None:
        self._now_ns = view.now_ns

    def breach(self, request: OrderRequest, view: PreTradeView, limit: float, scope: str) -> str:
        recent = self._recent.setdefault("*" if scope == GLOBAL else request.broker, deque())
        now = view.now_ns()
        while recent and now - recent[0] > 1_000_000_000:
            recent.popleft()
        if len(recent) >= limit:
            return f"{len(recent)} orders in the last second, limit {limit:g}/s"
        return ""

    def accepted(self, request: OrderRequest) -> None:
        now = self._now_ns()
        self._recent.setdefault(request.broker, deque()).append(now)
        self._recent.setdefault("*", deque()).append(now)


class PriceBand(RiskLimitCheck):
    """Limit and trigger prices within ``price_band_pct`` of the last price (refused while
    there is none to compare with)."""

    rule, setting = "price band", "price_band_pct"
    on_modify = True

    def breach(self, request: OrderRequest, view: PreTradeView, limit: float, scope: str) -> str:
        if not (request.price or request.trigger_price):
            return ""  # a market order: nothing to compare
        last = last_price(request.symbol, view, "to compare the price with")
        for name, value in (("price", request.price), ("trigger", request.trigger_price)):
            if value and abs(value / last - 1.0) * 100.0 > limit:
                instrument = view.market.instruments.get(request.symbol)
                decimals = instrument.price_decimals if instrument else 0
                return (
                    f"{name} {price_text(value, decimals)} is "
                    f"{(value / last - 1.0) * 100.0:+.2f}% from last "
                    f"{price_text(last, decimals)}, limit ±{limit:g}%"
                )
        return ""


class DailyLoss(RiskLimitCheck):
    """The day's loss: each broker's equity below its first equity seen that day."""

    rule, setting = "daily loss limit", "daily_loss_limit"

    def __init__(self, section: RiskSection) -> None:
        super().__init__(section)
        self._day_start_equity: dict[str, tuple[str, float]] = {}
        self._day = ("", 0, 0)  # the UTC day last seen, the ns it starts and ends at

    def watch(self, bus: EventBus, view: PreTradeView) -> None:
        bus.subscribe(AccountEvent, lambda event: self.observe(event.account, view.now_ns()))

    def _today(self, now_ns: int) -> str:
        day, starts, ends = self._day
        if not starts <= now_ns < ends:  # a date per order would cost more than the rule
            starts = now_ns - now_ns % 86_400_000_000_000
            day = datetime.fromtimestamp(starts / 1e9, tz=UTC).date().isoformat()
            self._day = day, starts, starts + 86_400_000_000_000
        return day

    def observe(self, account: Account, now_ns: int) -> None:
        """Remember each broker's first equity of the day (call on every account update)."""
        today = self._today(now_ns)
        if self._day_start_equity.get(account.broker, ("", 0.0))[0] != today:
            self._day_start_equity[account.broker] = (today, account.equity)

    def breach(self, request: OrderRequest, view: PreTradeView, limit: float, scope: str) -> str:
        account = view.account(request.broker)
        if account is None:
            raise CannotCheck(f"broker {request.broker} has no account yet")
        if not math.isfinite(account.equity):
            raise CannotCheck(f"equity of broker {request.broker} is {account.equity:g}")
        self.observe(account, view.now_ns())
        loss = self._day_start_equity[request.broker][1] - account.equity
        return f"lost {loss:,.2f} today, limit {limit:,.2f}" if loss > limit else ""


class TradingSession(RiskLimitCheck):
    """With ``session_check`` on: no orders while the instrument's exchange is closed."""

    rule, setting = "trading session", "session_check"

    def breach(self, request: OrderRequest, view: PreTradeView, limit: float, scope: str) -> str:
        if request.symbol not in view.market.instruments:
            return ""
        sessions = view.market.session_of(request.symbol)
        if not sessions.is_open(datetime.fromtimestamp(view.now_ns() / 1e9, tz=UTC)):
            return f"{request.symbol} ({sessions.name}) is closed"
        return ""
