"""Circuit breakers: limits that trip by themselves, stop trading and stay tripped until a
person re-arms them.

Four breakers (``[breakers]`` in the config, each a ``limit`` — 0 is off — and a ``scope``):

- ``daily_loss``: a broker account's equity this far below its first equity of the day (UTC);
- ``drawdown``: equity this far below the day's peak;
- ``rejects_per_minute``: more rejected orders than this in 60 s (per strategy, or all orders);
- ``orders_per_second``: a strategy placing more orders than this in one second.

A trip with scope ``strategy`` stops the offending strategy (for the account breakers: every
strategy trading that account) and cancels its working orders; scope ``all`` stops every
strategy and cancels every working order, as the kill switch does. Either way it is published
(``BreakerTripped``, shown in the status bar and the Health dock), logged with the figures and
recorded in the trading store, so a restart keeps it. While tripped, the strategies in its
scope cannot start and their orders are refused (a person may still trade by hand, e.g. to
close positions); only ``RearmBreaker`` — a person, from the Health dock or a remote GUI —
lifts it. Re-armed, an account breaker counts from the equity at that moment.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import deque
from datetime import UTC, datetime
from typing import Literal, Protocol

import msgspec

from terminal.domain.enums import OrderStatus
from terminal.domain.events import (
    AccountEvent,
    BreakerRearmed,
    BreakerTripped,
    OrderEvent,
)
from terminal.domain.orders import Account, Order
from terminal.engine.bus import EventBus
from terminal.engine.clock import Clock
from terminal.engine.orders.risk import Limit

log = logging.getLogger("terminal.breakers")

Scope = Literal["strategy", "all"]
STRATEGY_ORIGIN = "strategy:"
EVERYTHING = "*"  # the target of a breaker that counts all orders
CHECK_EVERY_S = 1.0  # equity moves with prices between fills: look at it this often


class Breaker(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    limit: Limit = 0.0
    """0: off."""
    scope: Scope = "strategy"
    """``strategy``: stop what offended; ``all``: stop every strategy, cancel every order."""


class BreakersSection(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    daily_loss: Breaker = Breaker(scope="all")
    drawdown: Breaker = Breaker(scope="all")
    rejects_per_minute: Breaker = Breaker()
    orders_per_second: Breaker = Breaker()


class TripLog(Protocol):
    """Where trips are kept across restarts (the trading store)."""

    def record_trip(self, trip: BreakerTripped) -> None: ...
    def record_rearm(self, breaker: str, target: str, ts: int) -> None: ...
    def active_trips(self) -> list[BreakerTripped]: ...


class BreakerActions(Protocol):
    """What a trip does to the engine."""

    def stop_strategies(self, scope: Scope, target: str, reason: str) -> None: ...
    def accounts(self) -> list[Account]: ...


class CircuitBreakers:
    """Watches orders and accounts on ``bus``; trips, blocks and re-arms."""

    def __init__(
        self,
        section: BreakersSection,
        bus: EventBus,
        clock: Clock,
        actions: BreakerActions,
        trips: TripLog | None = None,
    ) -> None:
        self.section = section
        self._bus = bus
        self._clock = clock
        self._actions = actions
        self._log = trips
        self.tripped: dict[tuple[str, str], BreakerTripped] = {}
        self._orders: dict[str, deque[int]] = {}  # strategy → creation times (ns)
        self._rejects: dict[str, deque[int]] = {}  # strategy or EVERYTHING → rejection times
        self._day: dict[str, tuple[str, float, float]] = {}  # broker → (day, first, peak)
        bus.subscribe(OrderEvent, self._on_order)
        bus.subscribe(AccountEvent, lambda event: self._watch_account(event.account))

    # ---- state -------------------------------------------------------------------------
    def restore(self) -> None:
        """Take back the trips a person had not re-armed before the last stop."""
        for trip in self._log.active_trips() if self._log is not None else []:
            self.tripped[(trip.breaker, trip.target)] = trip
            log.warning("breaker %s (%s) still tripped from %s: %s", trip.breaker, trip.target,
                        _clock_text(trip.ts), trip.reason)  # fmt: skip
            self._bus.publish(trip)

    def active(self) -> list[BreakerTripped]:
        return list(self.tripped.values())

    def blocking(self, strategy: str, broker: str) -> BreakerTripped | None:
        """The trip that keeps strategy ``strategy`` (trading at ``broker``) stopped, if any."""
        for trip in self.tripped.values():
            if trip.scope == "all" or trip.target in (strategy, broker):
                return trip
        return None

    def refusal(self, strategy: str, broker: str) -> str:
        """Why ``strategy`` may not start or trade now ("" when it may)."""
        trip = self.blocking(strategy, broker)
        if trip is None:
            return ""
        return (
            f"circuit breaker: {trip.breaker} ({trip.target}) tripped at {_clock_text(trip.ts)}"
            f", {trip.reason}; a person must re-arm it (Health dock) first"
        )

    def admit(self, strategy: str, broker: str) -> str:
        """A strategy's order at the pre-trade check: refused while a trip stops the
        strategy; counted for ``orders_per_second``, and the one over the limit trips it
        (refused too: it never reaches a broker)."""
        refusal = self.refusal(strategy, broker)
        spec = self.section.orders_per_second
        if refusal or not spec.limit:
            return refusal
        self._count(self._orders, strategy, self._clock.now_ns(), 1_000_000_000,
                    "orders_per_second", spec, "orders in the last second")  # fmt: skip
        return self.refusal(strategy, broker)

    def rearm(self, breaker: str, target: str) -> None:
        """Lift a trip (a person's decision). Raises ValueError when it is not tripped."""
        trip = self.tripped.pop((breaker, target), None)
        if trip is None:
            tripped = ", ".join(f"{b} ({t})" for b, t in self.tripped) or "none"
            raise ValueError(f"breaker {breaker} ({target}) is not tripped; tripped: {tripped}")
        now = self._clock.now_ns()
        if breaker in ("daily_loss", "drawdown"):
            self._day.pop(target, None)  # count from the equity now
        else:
            self._rejects.pop(target, None)
            self._orders.pop(target, None)
        if self._log is not None:
            self._log.record_rearm(breaker, target, now)
        log.warning("breaker %s (%s) re-armed by a person", breaker, target)
        self._bus.publish(BreakerRearmed(breaker, target, now))

    # ---- watching ----------------------------------------------------------------------
    async def run(self) -> None:
        """Look at every account's equity once a second (it moves with prices)."""
        while True:
            await asyncio.sleep(CHECK_EVERY_S)
            for account in self._actions.accounts():
                self._watch_account(account)

    def _on_order(self, event: OrderEvent) -> None:
        order = event.order
        spec = self.section.rejects_per_minute
        if order.status is not OrderStatus.REJECTED or not spec.limit:
            return
        target = EVERYTHING if spec.scope == "all" else _strategy_of(order)
        if target:
            self._count(self._rejects, target, self._clock.now_ns(), 60_000_000_000,
                        "rejects_per_minute", spec,
                        f"orders rejected in the last minute (last: {order.reason})")  # fmt: skip

    def _count(
        self,
        windows: dict[str, deque[int]],
        target: str,
        now: int,
        span_ns: int,
        breaker: str,
        spec: Breaker,
        what: str,
    ) -> None:
        times = windows.setdefault(target, deque())
        times.append(now)
        while times and now - times[0] >= span_ns:
            times.popleft()
        if len(times) > spec.limit:
            scope: Scope = "all" if target == EVERYTHING else spec.scope
            self._trip(breaker, target, scope, f"{len(times)} {what}, limit {spec.limit:g}")

    def _watch_account(self, account: Account) -> None:
        equity, broker = account.equity, account.broker
        if not math.isfinite(equity):  # nothing to compare (the pre-trade checks refuse)
            return
        today = datetime.fromtimestamp(self._clock.now_ns() / 1e9, UTC).date().isoformat()
        day, first, peak = self._day.get(broker, ("", equity, equity))
        if day != today:
            first = peak = equity
        peak = max(peak, equity)
        self._day[broker] = (today, first, peak)
        loss, drop = first - equity, peak - equity
        for breaker, spec, amount, words in (
            ("daily_loss", self.section.daily_loss, loss, f"lost {loss:,.2f} today (equity "
             f"{equity:,.2f}, day's first {first:,.2f})"),
            ("drawdown", self.section.drawdown, drop, f"{drop:,.2f} below the day's peak "
             f"(equity {equity:,.2f}, peak {peak:,.2f})"),
        ):  # fmt: skip
            if spec.limit and amount > spec.limit:
                self._trip(breaker, broker, spec.scope,
                           f"broker {broker} {words}, limit {spec.limit:,.2f}")  # fmt: skip

    # ---- tripping ----------------------------------------------------------------------
    def _trip(self, breaker: str, target: str, scope: Scope, figures: str) -> None:
        if (breaker, target) in self.tripped:
            return
        trip = BreakerTripped(breaker, target, scope, figures, self._clock.now_ns())
        self.tripped[(breaker, target)] = trip
        if self._log is not None:
            self._log.record_trip(trip)
        what = "every strategy, every working order" if scope == "all" else target
        log.error("circuit breaker %s tripped: %s; stopping %s", breaker, figures, what)
        self._bus.publish(trip)
        self._actions.stop_strategies(scope, target, f"circuit breaker {breaker}: {figures}")


def _strategy_of(order: Order) -> str:
    origin = order.origin
    return origin[len(STRATEGY_ORIGIN) :] if origin.startswith(STRATEGY_ORIGIN) else ""


def _clock_text(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
