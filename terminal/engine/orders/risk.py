"""Pre-trade risk checks: every order passes them before it reaches a broker.

Limits are configured globally (``[risk]``) and per broker (``[risk.brokers.NAME]``); an order
must pass both. A zero limit is off. A refusal names the rule and the numbers.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec

from terminal.domain.enums import Side
from terminal.domain.instrument import Instrument, TradingSessions
from terminal.domain.orders import Account, Order, OrderRequest


class RiskLimits(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    max_order_quantity: float = 0.0
    max_order_notional: float = 0.0
    max_position: float = 0.0
    max_open_orders: int = 0
    max_orders_per_second: float = 0.0
    price_band_pct: float = 0.0
    """Limit and stop prices must lie within this percentage of the last price."""
    daily_loss_limit: float = 0.0
    """Refuse orders once the day's loss (equity below its start-of-day value) exceeds this."""
    session_check: bool = False
    """Refuse orders while the instrument's exchange is closed."""


class RiskSection(RiskLimits, kw_only=True, frozen=True):
    brokers: dict[str, RiskLimits] = msgspec.field(default_factory=dict)


@dataclass(slots=True)
class RiskView:
    """What the checks read from the engine."""

    instrument: Callable[[str], Instrument | None]
    last_price: Callable[[str], float | None]
    position: Callable[[str, str], float]
    working_orders: Callable[[], list[Order]]
    account: Callable[[str], Account | None]
    sessions: Callable[[str], TradingSessions]
    now_ns: Callable[[], int]


class RiskManager:
    """Runs the configured checks; ``check`` returns "" or the reason for refusal."""

    def __init__(self, section: RiskSection, view: RiskView) -> None:
        self._section = section
        self._view = view
        self._recent: dict[str, deque[float]] = {}
        self._day_start_equity: dict[str, tuple[str, float]] = {}

    def check(self, request: OrderRequest) -> str:
        for scope, limits in (
            ("global", self._section),
            (f"broker {request.broker}", self._section.brokers.get(request.broker)),
        ):
            if limits is None:
                continue
            reason = self._check(request, limits, scope)
            if reason:
                return reason
        self._recent.setdefault(request.broker, deque()).append(time.monotonic())
        self._recent.setdefault("*", deque()).append(time.monotonic())
        return ""

    def _check(self, request: OrderRequest, limits: RiskLimits, scope: str) -> str:
        view = self._view
        instrument = view.instrument(request.symbol)
        multiplier = instrument.multiplier if instrument else 1.0
        last = view.last_price(request.symbol)
        price = request.price or (last if last is not None else 0.0)
        prefix = f"risk ({scope}):"
        if limits.max_order_quantity and request.quantity > limits.max_order_quantity:
            return (
                f"{prefix} max order quantity: {request.quantity:g} > "
                f"limit {limits.max_order_quantity:g}"
            )
        notional = request.quantity * price * multiplier
        if limits.max_order_notional and notional > limits.max_order_notional:
            return (
                f"{prefix} max order notional: {notional:,.2f} > "
                f"limit {limits.max_order_notional:,.2f}"
            )
        if limits.max_position:
            after = view.position(request.broker, request.symbol) + (
                request.quantity if request.side is Side.BUY else -request.quantity
            )
            if abs(after) > limits.max_position:
                return (
                    f"{prefix} max position: {request.symbol} would be {after:g}, "
                    f"limit ±{limits.max_position:g}"
                )
        if limits.max_open_orders:
            working = [
                o for o in view.working_orders() if scope == "global" or o.broker == request.broker
            ]
            if len(working) >= limits.max_open_orders:
                return (
                    f"{prefix} max open orders: {len(working)} working, "
                    f"limit {limits.max_open_orders}"
                )
        if limits.max_orders_per_second:
            recent = self._recent.setdefault("*" if scope == "global" else request.broker, deque())
            now = time.monotonic()
            while recent and now - recent[0] > 1.0:
                recent.popleft()
            if len(recent) >= limits.max_orders_per_second:
                return (
                    f"{prefix} order rate: {len(recent)} orders in the last second, "
                    f"limit {limits.max_orders_per_second:g}/s"
                )
        if limits.price_band_pct and last:
            for name, value in (("price", request.price), ("trigger", request.trigger_price)):
                if value and abs(value / last - 1.0) * 100.0 > limits.price_band_pct:
                    return (
                        f"{prefix} price band: {name} {value:g} is "
                        f"{(value / last - 1.0) * 100.0:+.2f}% from last {last:g}, "
                        f"limit ±{limits.price_band_pct:g}%"
                    )
        if limits.daily_loss_limit:
            loss = self._day_loss(request.broker)
            if loss > limits.daily_loss_limit:
                return (
                    f"{prefix} daily loss limit: lost {loss:,.2f} today, "
                    f"limit {limits.daily_loss_limit:,.2f}"
                )
        if limits.session_check and instrument is not None:
            sessions = view.sessions(instrument.sessions)
            when = datetime.fromtimestamp(view.now_ns() / 1e9, tz=UTC)
            if not sessions.is_open(when):
                return f"{prefix} trading session: {request.symbol} ({sessions.name}) is closed"
        return ""

    def observe(self, account: Account) -> None:
        """Remember each broker's first equity of the day (call on every account update)."""
        today = self._today()
        if self._day_start_equity.get(account.broker, ("", 0.0))[0] != today:
            self._day_start_equity[account.broker] = (today, account.equity)

    def _day_loss(self, broker: str) -> float:
        account = self._view.account(broker)
        if account is None or math.isnan(account.equity):
            return 0.0
        self.observe(account)
        return self._day_start_equity[broker][1] - account.equity

    def _today(self) -> str:
        return datetime.fromtimestamp(self._view.now_ns() / 1e9, tz=UTC).date().isoformat()
