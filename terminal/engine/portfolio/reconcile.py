"""Reconciliation: on every connect and reconnect of a broker, what its venue says is compared
with what the terminal holds, and every difference is shown, never silently overwritten.

The venue is the truth for its balances, positions and open orders; the order book is the
truth for what this terminal sent. For a broker that can report (``Broker.account_report``):

* an open order the venue knows and the terminal does not is **adopted**: created in the order
  book (origin ``venue``, its venue id as ``client_id``) with the fills it already has;
* an order the terminal thinks working that the venue does not list as open is **resolved** by
  querying it: missing fills are applied, then it is closed as the venue closed it;
* balances are compared with what the last report plus the fills since then make expected,
  and derivatives positions with the portfolio's: a difference becomes a
  :class:`ReconcileNotice` (on the bus for the window, and a log line with both figures).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from terminal.domain.enums import OrderStatus, ReconcileKind
from terminal.domain.events import FillEvent
from terminal.domain.instrument import Instrument
from terminal.domain.orders import Fill, Order, OrderRequest
from terminal.domain.venue import (
    AccountReport,
    Balance,
    BalancesEvent,
    ReconcileNotice,
    VenueOrder,
    VenuePositionsEvent,
)
from terminal.engine.broker import Broker
from terminal.engine.bus import EventBus
from terminal.engine.clock import Clock
from terminal.engine.orders.book import OrderBook
from terminal.engine.portfolio.book import Portfolio
from terminal.engine.portfolio.venues import VenueMirror

log = logging.getLogger("terminal.reconcile")

EPSILON = 1e-9


def differs(a: float, b: float) -> bool:
    """Whether two venue figures differ by more than rounding (venues print 8 decimals)."""
    return abs(a - b) > 1e-8 + EPSILON * max(abs(a), abs(b))


class Reconciler:
    """Reconciles brokers with their venues; what they last reported is in ``venue``."""

    def __init__(
        self,
        bus: EventBus,
        order_book: OrderBook,
        portfolio: Portfolio,
        instrument: Callable[[str], Instrument | None],
        clock: Clock,
        spawn: Callable[[Coroutine[Any, Any, Any], str], asyncio.Task[Any]],
    ) -> None:
        self._bus = bus
        self._book = order_book
        self._portfolio = portfolio
        self._instrument = instrument
        self._clock = clock
        self._spawn = spawn
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._again: set[str] = set()
        self.venue = VenueMirror(bus)
        self._baseline: dict[str, dict[str, float]] = {}  # totals at the last reconcile
        # What the fills since the last reconcile did to each broker's currencies, folded
        # as they come (a running sum, not a list: a day of fills on a broker that never
        # reconnects would otherwise pile up).
        self._since: dict[str, _FillTally] = defaultdict(_FillTally)
        self.notices: list[ReconcileNotice] = []
        bus.subscribe(FillEvent, self._on_fill)

    def show_balances(self, broker: str, balances: list[Balance]) -> None:
        """A broker's live balance update (shown; the reconciliation baseline stays)."""
        known = self.venue.balances_of(broker)
        known.update((b.currency, b) for b in balances)
        self._bus.publish(BalancesEvent(broker, list(known.values())))

    # ---- running ---------------------------------------------------------------------------
    def request(self, name: str, broker: Broker, reason: str) -> None:
        """Reconcile ``broker`` soon; a request while one runs makes it run once more after."""
        running = self._tasks.get(name)
        if running is not None and not running.done():
            self._again.add(name)
            return
        self._tasks[name] = self._spawn(self._run(name, broker, reason), f"reconcile {name}")

    async def _run(self, name: str, broker: Broker, reason: str) -> None:
        while True:
            try:
                await self.reconcile(name, broker, reason)
            except Exception as exc:  # the venue failed to answer: the next connect retries
                log.error(
                    "reconciling %s (%s) failed: %s: %s", name, reason, type(exc).__name__, exc
                )
            if name not in self._again:
                return
            self._again.discard(name)
            reason = "asked again while reconciling"

    async def stop(self) -> None:
        """Cancel reconciliations still running (before the brokers stop)."""
        tasks = [task for task in self._tasks.values() if not task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def reconcile(self, name: str, broker: Broker, reason: str) -> list[ReconcileNotice]:
        """Compare ``broker``'s venue with the terminal once; returns what it found."""
        started = self._clock.now_ns()
        report = await broker.account_report()
        if report is None:
            return []
        notices = await self._orders(name, broker, report, started)
        notices += self._balance_differences(name, report)
        notices += self._position_differences(name, report)
        for notice in notices:
            self.notices.append(notice)
            log.warning("reconcile %s: %s", name, notice.message)
            self._bus.publish(notice)
        log.info(
            "reconciled %s (%s): %d open order(s) at the venue, %d finding(s)",
            name,
            reason,
            len(report.open_orders),
            len(notices),
        )
        return notices

    # ---- orders ----------------------------------------------------------------------------
    async def _orders(
        self, name: str, broker: Broker, report: AccountReport, started: int
    ) -> list[ReconcileNotice]:
        ours = {o.client_id or o.order_id: o for o in self._book.all() if o.broker == name}
        notices: list[ReconcileNotice] = []
        listed = set()
        for venue in report.open_orders:
            listed.add(venue.client_order_id)
            order = ours.get(venue.client_order_id)
            if order is None:
                notices += await self._adopt(name, broker, venue)
            else:
                notices += await self._catch_up(broker, order, venue)
        for order in self._book.working():
            key = order.client_id or order.order_id
            if order.broker != name or key in listed or order.created_ns >= started:
                continue  # created while the report was on its way: its broker is sending it
            venue_order = await broker.query_order(order)
            notices += await self._resolve(name, broker, order, venue_order)
        return notices

    async def _adopt(self, name: str, broker: Broker, venue: VenueOrder) -> list[ReconcileNotice]:
        order_id = self._book.next_order_id()
        request = OrderRequest(
            broker=name,
            symbol=venue.symbol,
            side=venue.side,
            quantity=venue.quantity,
            order_type=venue.order_type,
            price=venue.price,
            time_in_force=venue.time_in_force,
            origin="venue",
            trigger_price=venue.trigger_price,
            client_id=venue.client_order_id,
            note="placed at the venue outside this terminal",
            post_only=venue.post_only,
        )
        self._book.create(order_id, request)
        self._book.update_status(order_id, OrderStatus.ACCEPTED, "adopted from the venue")
        order = self._book.get(order_id)
        found = self._notice(
            name,
            ReconcileKind.ORDER_ADOPTED,
            order_id,
            f"adopted {venue.side.value} {venue.quantity:g} {venue.symbol} "
            f"{venue.order_type.value} order {venue.client_order_id} (venue id "
            f"{venue.venue_order_id}), placed at the venue outside this terminal, as {order_id}",
        )
        assert order is not None
        return [found, *await self._catch_up(broker, order, venue)]

    async def _catch_up(
        self, broker: Broker, order: Order, venue: VenueOrder
    ) -> list[ReconcileNotice]:
        """Apply the fills the venue has and the terminal lacks; mark it accepted if the venue
        has it open while the terminal still waits for the acknowledgement."""
        notices = []
        if venue.filled_quantity > order.filled_quantity + EPSILON:
            notices += await self._recover_fills(broker, order, venue)
        current = self._book.get(order.order_id)
        if (
            current is not None
            and current.status is OrderStatus.SUBMITTED
            and venue.status.is_working
        ):
            self._book.update_status(order.order_id, OrderStatus.ACCEPTED)
        return notices

    async def _recover_fills(
        self, broker: Broker, order: Order, venue: VenueOrder
    ) -> list[ReconcileNotice]:
        applied = [f for f in await broker.order_fills(order, venue) if self._book.apply_fill(f)]
        if not applied:
            return []
        quantity = sum(f.quantity for f in applied)
        return [
            self._notice(
                order.broker,
                ReconcileKind.FILLS_RECOVERED,
                order.order_id,
                f"{len(applied)} fill(s) of order {order.order_id} ({quantity:g} {order.symbol}) "
                "happened at the venue while the terminal did not hear: applied",
                order.filled_quantity,
                venue.filled_quantity,
            )
        ]

    async def _resolve(
        self, name: str, broker: Broker, order: Order, venue: VenueOrder | None
    ) -> list[ReconcileNotice]:
        if venue is None:
            return self._unknown_at_venue(name, order)
        notices = await self._catch_up(broker, order, venue)
        current = self._book.get(order.order_id)
        if current is None or not current.status.is_working or venue.status.is_working:
            return notices
        if venue.status is OrderStatus.FILLED:  # its fills should have finished it
            text = (
                f"order {order.order_id} is filled at the venue, but only "
                f"{current.filled_quantity:g} of {current.quantity:g} came as fills"
            )
            figures = (current.filled_quantity, venue.filled_quantity)
        else:
            why = venue.reason or f"{venue.status.value} at the venue while the terminal was away"
            self._book.update_status(order.order_id, venue.status, why)
            text = (
                f"order {order.order_id} ({order.symbol}) was {venue.status.value} at the "
                f"venue: closed here ({why})"
            )
            figures = (float("nan"), float("nan"))
        notices.append(
            self._notice(name, ReconcileKind.ORDER_RESOLVED, order.order_id, text, *figures)
        )
        return notices

    def _unknown_at_venue(self, name: str, order: Order) -> list[ReconcileNotice]:
        current = self._book.get(order.order_id)
        if current is None or not current.status.is_working:
            return []
        never_arrived = current.status is OrderStatus.SUBMITTED
        status = OrderStatus.REJECTED if never_arrived else OrderStatus.CANCELLED
        text = "the venue does not know this order"
        self._book.update_status(order.order_id, status, text)
        message = f"order {order.order_id} ({order.symbol}): {text}; now {status.value}"
        return [self._notice(name, ReconcileKind.ORDER_RESOLVED, order.order_id, message)]

    # ---- balances and positions --------------------------------------------------------------
    def _on_fill(self, event: FillEvent) -> None:
        if event.fill.broker in self._baseline:
            self._fold(self._since[event.fill.broker], event.fill)

    def _balance_differences(self, name: str, report: AccountReport) -> list[ReconcileNotice]:
        totals = {b.currency: b.total for b in report.balances}
        self._bus.publish(BalancesEvent(name, list(report.balances)))
        baseline = self._baseline.get(name)
        since = self._since.pop(name, _FillTally())
        self._baseline[name] = totals
        if baseline is None:
            shown = ", ".join(f"{c} {t:g}" for c, t in sorted(totals.items()))
            log.info("%s balances at connect: %s", name, shown or "none")
            return []
        expected = dict(baseline)
        unknown = since.unknown
        for currency, change in since.changes.items():
            expected[currency] = expected.get(currency, 0.0) + change
        last = since.fills

        def text(currency: str, want: float, have: float) -> str:
            before = baseline.get(currency, 0.0)
            return (
                f"{currency}: the venue reports {have:.8g}, the terminal expected {want:.8g} "
                f"(last report {before:.8g} and {last} fill(s) since): difference "
                f"{have - want:+.8g}"
            )

        comparable = (set(expected) | set(totals)) - unknown
        return self._compare(
            name,
            ReconcileKind.BALANCE_DIFFERENCE,
            text,
            {c: expected.get(c, 0.0) for c in comparable},
            {c: totals.get(c, 0.0) for c in comparable},
        )

    def balance_changes(self, fills: Iterable[Fill]) -> tuple[dict[str, float], set[str]]:
        """What ``fills`` do to the account's currencies, and the currencies they move in a
        way that cannot be told from the fill alone (derivatives: margin and realised P&L).
        A currency pair moves its base and quote currency; another cash instrument (a stock)
        moves only the cash."""
        tally = _FillTally()
        for fill in fills:
            self._fold(tally, fill)
        return dict(tally.changes), tally.unknown

    def _fold(self, tally: _FillTally, fill: Fill) -> None:
        tally.fills += 1
        instrument = self._instrument(fill.symbol)
        if instrument is None:
            return
        if instrument.margin_rate:
            tally.unknown.add(instrument.currency)
            return
        changes = tally.changes
        signed = fill.side.sign * fill.quantity * instrument.multiplier
        if instrument.base_currency:
            changes[instrument.base_currency] += signed
        changes[instrument.currency] -= signed * fill.price
        if fill.fee_currency:
            changes[fill.fee_currency] -= fill.fee
        else:
            changes[instrument.currency] -= fill.commission

    def _position_differences(self, name: str, report: AccountReport) -> list[ReconcileNotice]:
        if report.positions is None:
            return []
        self._bus.publish(VenuePositionsEvent(name, list(report.positions)))
        venue = {p.symbol: p.quantity for p in report.positions}
        ours = {p.symbol: p.quantity for p in self._portfolio.positions() if p.broker == name}

        def text(symbol: str, want: float, have: float) -> str:
            return (
                f"{symbol}: the venue holds {have:+g}, the terminal's fills make {want:+g}: "
                f"difference {have - want:+g}"
            )

        return self._compare(name, ReconcileKind.POSITION_DIFFERENCE, text, ours, venue)

    def _compare(
        self,
        name: str,
        kind: ReconcileKind,
        text: Callable[[str, float, float], str],
        terminal: dict[str, float],
        venue: dict[str, float],
    ) -> list[ReconcileNotice]:
        """A notice for each subject whose two figures differ (a missing one counts as 0)."""
        notices = []
        for subject in sorted(set(terminal) | set(venue)):
            want, have = terminal.get(subject, 0.0), venue.get(subject, 0.0)
            if differs(want, have):
                notices.append(
                    self._notice(name, kind, subject, text(subject, want, have), want, have)
                )
        return notices

    def _notice(
        self,
        broker: str,
        kind: ReconcileKind,
        subject: str,
        message: str,
        terminal: float = float("nan"),
        venue: float = float("nan"),
    ) -> ReconcileNotice:
        return ReconcileNotice(
            broker, kind, subject, message, terminal, venue, self._clock.now_ns()
        )


class _FillTally:
    """The fills since a broker's last reconcile, folded: per-currency change, the currencies
    no fill can tell (margin), and how many fills."""

    __slots__ = ("changes", "fills", "unknown")

    def __init__(self) -> None:
        self.changes: defaultdict[str, float] = defaultdict(float)
        self.unknown: set[str] = set()
        self.fills = 0
