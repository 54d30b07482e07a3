"""The mail broker: every order routed to it becomes an email to a person, who trades by hand.

Each order is written to the SQLite outbox before anything else happens, then sent by one
background task per broker (``smtplib`` on the executor, so the loop never waits). The order
stays SUBMITTED until the mail server has taken the email; then it is ACCEPTED and either
filled at once at the alert price (``fill_on_alert = true``, so a strategy's position follows
what the person was told) or left open until the user marks it filled or cancelled.
Connection errors and 4xx replies are retried with exponential back-off; a 5xx reply, an
authentication or TLS failure rejects the order with the server's words. Alerts still unsent
at shutdown are sent on the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path

from terminal.adapters.mail.message import (
    alert_price,
    build_message,
    local_time,
    notification_html,
    option_problems,
    order_facts,
    render,
)
from terminal.adapters.mail.options import MailBrokerOptions
from terminal.adapters.mail.outbox import Outbox, OutboxEntry
from terminal.adapters.mail.smtp import SendResult, deliver, send_test_email
from terminal.domain.alerts import (
    AlertState,
    AlertTestRequest,
    AlertTestResult,
    MailAlertEvent,
    MarkAlertOrder,
)
from terminal.domain.enums import ConnectionStatus, OrderStatus
from terminal.domain.events import CommandRejected
from terminal.domain.orders import Order
from terminal.engine.broker import Broker, BrokerContext
from terminal.engine.paths import user_data_dir
from terminal.engine.secrets import get_secret

log = logging.getLogger("terminal.mail")

STOP_GRACE_S = 3.0  # how long stop() lets an email already on the wire finish


def outbox_path(options: MailBrokerOptions) -> Path:
    return (
        Path(options.outbox).expanduser()
        if options.outbox
        else user_data_dir() / "mail_outbox.sqlite"
    )


def backoff_s(options: MailBrokerOptions, attempts: int) -> float:
    """Delay before attempt ``attempts + 1``: doubling from ``retry_initial_s`` up to the cap."""
    return min(options.retry_max_s, options.retry_initial_s * 2 ** max(0, attempts - 1))


class MailBroker(Broker):
    """Turns orders into alert emails; see the module docstring for the order's life. Also
    mails notifications (price and condition alerts that fired) through the same outbox."""

    plugin_name = "mail"
    Options = MailBrokerOptions
    notifies = True

    @classmethod
    def check_options(cls, options: MailBrokerOptions) -> list[str]:
        return option_problems(options)

    def __init__(self, name: str, context: BrokerContext, options: MailBrokerOptions) -> None:
        super().__init__(name, context, options)
        self.options: MailBrokerOptions = options
        self._outbox: Outbox | None = None
        self._orders: dict[str, Order] = {}  # open orders of this session, by id
        self._entry_of: dict[str, int] = {}  # order id → outbox row
        self._filled: dict[str, float] = {}
        self._marks = 0
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = False
        self._sender: asyncio.Task[None] | None = None
        self._unsubscribers: list[Callable[[], None]] = []

    @property
    def outbox(self) -> Outbox:
        if self._outbox is None:
            raise RuntimeError(f"mail broker {self.name} is not started")
        return self._outbox

    # ---- lifecycle ---------------------------------------------------------------------
    async def start(self) -> None:
        options = self.options
        problems = option_problems(options)
        if problems:
            raise ValueError("; ".join(problems))
        if options.username:  # fail now, not on the first order, when the password is missing
            await asyncio.get_running_loop().run_in_executor(
                None, get_secret, options.password_env, options.keyring_service
            )
        self._outbox = Outbox(outbox_path(options))
        self._unsubscribers = [
            self.context.subscribe(MarkAlertOrder, self._on_mark),
            self.context.subscribe(AlertTestRequest, self._on_test_request),
        ]
        self.context.open_account(options.initial_cash, options.currency)
        self._take_back(self.context.working_orders())
        resumed = self.outbox.pending(self.name)
        if resumed:
            log.info(
                "mail broker %s resumes %d unsent alert(s) from an earlier run: %s",
                self.name,
                len(resumed),
                ", ".join(entry.order_id for entry in resumed),
            )
        self._set_live()
        self._sender = self.context.spawn(self._send_loop(), "mail sender")

    async def stop(self) -> None:
        self._stopping = True
        for unsubscribe in self._unsubscribers:
            unsubscribe()
        self._unsubscribers = []
        if not self._idle.is_set():
            try:
                await asyncio.wait_for(self._idle.wait(), STOP_GRACE_S)
            except TimeoutError:
                log.warning("mail broker %s: an email was still being sent at stop", self.name)
        if self._sender is not None:
            self._sender.cancel()
            await asyncio.gather(self._sender, return_exceptions=True)
            self._sender = None
        if self._outbox is not None:
            self._outbox.close()
            self._outbox = None
        self.context.set_status(ConnectionStatus.DISCONNECTED, "stopped")

    def _take_back(self, orders: list[Order]) -> None:
        """Open orders of an earlier run become markable and cancellable again, each as far
        as its alert got: what a crash left half-done (sent but the order not told, cancelled
        or failed but the order still open) is finished now."""
        for order in orders:
            order_id = order.order_id
            entry = self.outbox.of_order(self.name, order_id)
            if entry is None:
                # Never queued: nobody was told, and an alert sent now would be stale.
                self.context.update_order(
                    order_id, OrderStatus.REJECTED,
                    "no alert was queued before the terminal stopped; nothing was sent",
                )  # fmt: skip
                continue
            if entry.state is AlertState.CANCELLED:
                self.context.update_order(
                    order_id, OrderStatus.CANCELLED, "cancelled; the alert was not sent"
                )
                continue
            if entry.state is AlertState.FAILED:
                self.context.update_order(
                    order_id, OrderStatus.REJECTED, f"mail alert failed: {entry.last_error}"
                )
                continue
            self._orders[order_id] = order
            self._entry_of[order_id] = entry.id
            self._filled[order_id] = order.filled_quantity
            self._publish(entry, entry.state, entry.attempts, entry.last_error)
            if entry.state is AlertState.SENT:
                self._told(entry, order.status is OrderStatus.SUBMITTED)
        if orders:
            log.info(
                "mail broker %s took back %d open order(s) from an earlier run: %s",
                self.name, len(orders), ", ".join(o.order_id for o in orders),
            )  # fmt: skip

    # ---- orders ------------------------------------------------------------------------
    def submit(self, order: Order) -> None:
        now = self.context.clock.now_ns()
        tick = self.context.latest_tick(order.symbol)
        price = alert_price(order, tick)
        facts = order_facts(order, self.context.instrument(order.symbol), tick, price, now)
        subject, text, html_body = render(self.options, facts)
        tag = f"{self.name}.{order.order_id}.{now}"
        message = build_message(self.options, subject, text, html_body, tag, now)
        entry = self.outbox.add(
            self.name,
            order.order_id,
            self.options.sender,
            list(self.options.recipients),
            message.as_bytes(policy=SMTP_POLICY),
            order.quantity,
            price,
            now,
        )
        self._orders[order.order_id] = order
        self._entry_of[order.order_id] = entry.id
        self._filled[order.order_id] = 0.0
        log.info("mail broker %s queued alert for order %s: %s", self.name, order.order_id, subject)
        self._publish(entry, AlertState.QUEUED)
        self._wake.set()

    def notify(self, subject: str, text: str, key: str) -> None:
        """Queue a notification email (``key``, e.g. ``alert-<id>-<n>``, is its outbox
        order id: it is sent and retried as an order's alert, and fills no order)."""
        now = self.context.clock.now_ns()
        tag = f"{self.name}.{key}.{now}"
        message = build_message(
            self.options, subject, text, notification_html(subject, text), tag, now
        )
        raw = message.as_bytes(policy=SMTP_POLICY)
        options = self.options
        entry = self.outbox.add(self.name, key, options.sender, list(options.recipients), raw,
                                0.0, 0.0, now)  # fmt: skip
        log.info("mail broker %s queued notification %s: %s", self.name, key, subject)
        self._publish(entry, AlertState.QUEUED)
        self._wake.set()

    def cancel(self, order: Order) -> None:
        self._cancel(order.order_id, "cancelled by user")

    def _cancel(self, order_id: str, why: str) -> None:
        entry = self._entry(order_id)
        if entry is None:
            self._refuse("CancelOrder", f"order {order_id} is not open at mail broker {self.name}")
            return
        if entry.state is AlertState.SENDING:
            self._refuse(
                "CancelOrder", f"order {order_id}: its alert is being sent right now; try again"
            )
            return
        if entry.state.is_pending:
            self.outbox.update(entry.id, AlertState.CANCELLED, self.context.clock.now_ns())
            self._publish(entry, AlertState.CANCELLED, detail="not sent")
            reason = f"{why}; the alert was not sent"
        else:
            reason = f"{why} after the alert was sent"
        self.context.update_order(order_id, OrderStatus.CANCELLED, reason)
        self._forget(order_id)

    def _on_mark(self, command: MarkAlertOrder) -> None:
        if command.broker != self.name:
            return
        if not command.filled:
            self._cancel(command.order_id, "marked cancelled by user")
            return
        entry = self._entry(command.order_id)
        if entry is None:
            self._refuse(
                "MarkAlertOrder",
                f"order {command.order_id} is not open at mail broker {self.name}",
            )
            return
        if entry.state is not AlertState.SENT:
            self._refuse(
                "MarkAlertOrder",
                f"order {command.order_id}: its alert is {entry.state.value}, not sent; "
                "nobody was told to trade it (cancel it instead)",
            )
            return
        remaining = entry.quantity - self._filled[command.order_id]
        if not (0 < command.quantity <= remaining + 1e-9):
            self._refuse(
                "MarkAlertOrder",
                f"quantity = {command.quantity:g}: must be more than 0 and at most the "
                f"remaining {remaining:g}",
            )
            return
        if not (command.price > 0 and math.isfinite(command.price)):
            self._refuse("MarkAlertOrder", f"price = {command.price:g}: must be positive")
            return
        self._marks += 1
        self._fill(
            command.order_id,
            f"{self.name}-M{entry.id}-{self._marks}",
            command.quantity,
            command.price,
        )

    def _fill(self, order_id: str, fill_id: str, quantity: float, price: float) -> None:
        self._filled[order_id] += quantity
        done = self._filled[order_id] >= self._orders[order_id].quantity - 1e-9
        self.context.add_fill(order_id, fill_id, quantity, price, 0.0)
        if done:
            self._forget(order_id)

    def _forget(self, order_id: str) -> None:
        self._orders.pop(order_id, None)
        self._entry_of.pop(order_id, None)
        self._filled.pop(order_id, None)

    def _entry(self, order_id: str) -> OutboxEntry | None:
        entry_id = self._entry_of.get(order_id)
        return self.outbox.get(entry_id) if entry_id is not None else None

    # ---- sending -----------------------------------------------------------------------
    async def _send_loop(self) -> None:
        while not self._stopping:
            entries = self.outbox.pending(self.name)
            now = time.time_ns()
            due = [entry for entry in entries if entry.next_attempt_ns <= now]
            if not due:
                wait = (entries[0].next_attempt_ns - now) / 1e9 if entries else None
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                continue
            for entry in due:
                current = self.outbox.get(entry.id)  # a cancel may have come in meanwhile
                if self._stopping or current is None or not current.state.is_pending:
                    continue
                await self._send(current)

    async def _send(self, entry: OutboxEntry) -> None:
        attempts = entry.attempts + 1
        self.outbox.update(entry.id, AlertState.SENDING, self.context.clock.now_ns(), attempts)
        self._publish(entry, AlertState.SENDING, attempts)
        self._idle.clear()
        try:
            result = await deliver(self.options, entry.sender, entry.recipients, entry.message)
        finally:
            self._idle.set()
        if self._outbox is None:
            return  # stopped while sending; the row stays 'sending' and goes out on next start
        if result.ok:
            self._on_sent(entry, attempts, result)
        elif result.permanent:
            self._on_failed(entry, attempts, result.detail)
        else:
            self._on_retry(entry, attempts, result.detail)

    def _on_sent(self, entry: OutboxEntry, attempts: int, result: SendResult) -> None:
        now = self.context.clock.now_ns()
        self.outbox.update(entry.id, AlertState.SENT, now, attempts, result.refused)
        detail = f"sent {local_time(now)}" + (
            f"; refused: {result.refused}" if result.refused else ""
        )
        self._publish(entry, AlertState.SENT, attempts, detail)
        log.info(
            "mail broker %s: alert for order %s sent to %s%s",
            self.name,
            entry.order_id,
            ", ".join(entry.recipients),
            f" (refused: {result.refused})" if result.refused else "",
        )
        self._set_live()
        if entry.order_id in self._orders:  # else: its order was closed meanwhile
            self._told(entry, accept=True)

    def _told(self, entry: OutboxEntry, accept: bool) -> None:
        """The person has the alert: the order is accepted (if it is not yet) and, with
        ``fill_on_alert``, filled at the alert's price (once: the fill id is the alert's)."""
        order_id = entry.order_id
        if accept:
            self.context.update_order(order_id, OrderStatus.ACCEPTED, "alert sent")
        if self.options.fill_on_alert and self._filled[order_id] == 0:
            self._fill(order_id, f"{self.name}-A{entry.id}", entry.quantity, entry.price)

    def _on_failed(self, entry: OutboxEntry, attempts: int, detail: str) -> None:
        self.outbox.update(
            entry.id, AlertState.FAILED, self.context.clock.now_ns(), attempts, detail
        )
        self._publish(entry, AlertState.FAILED, attempts, detail)
        log.error(
            "mail broker %s: alert for order %s failed, not retrying: %s",
            self.name,
            entry.order_id,
            detail,
        )
        self.context.set_status(ConnectionStatus.ERROR, detail)
        if entry.order_id in self._orders:
            self.context.update_order(
                entry.order_id, OrderStatus.REJECTED, f"mail alert failed: {detail}"
            )
            self._forget(entry.order_id)

    def _on_retry(self, entry: OutboxEntry, attempts: int, detail: str) -> None:
        delay = backoff_s(self.options, attempts)
        next_ns = time.time_ns() + int(delay * 1e9)
        self.outbox.update(
            entry.id, AlertState.RETRYING, self.context.clock.now_ns(), attempts, detail, next_ns
        )
        self._publish(entry, AlertState.RETRYING, attempts, detail, delay)
        log.warning(
            "mail broker %s: alert for order %s not sent (attempt %d): %s; retrying in %.1f s",
            self.name,
            entry.order_id,
            attempts,
            detail,
            delay,
        )
        self.context.set_status(ConnectionStatus.STALE, f"retrying: {detail}")

    # ---- test email and helpers ---------------------------------------------------------
    def _on_test_request(self, command: AlertTestRequest) -> None:
        if command.broker == self.name:
            self.context.spawn(self._send_test(), "test email")

    async def _send_test(self) -> None:
        when = local_time(self.context.clock.now_ns())
        result = await send_test_email(self.name, self.options, when)
        recipients = ", ".join(self.options.recipients)
        detail = f"test email sent to {recipients}" if result.ok else result.detail
        (log.info if result.ok else log.error)("mail broker %s: %s", self.name, detail)
        self.context.publish(AlertTestResult(self.name, result.ok, detail))

    def _publish(
        self,
        entry: OutboxEntry,
        state: AlertState,
        attempts: int = 0,
        detail: str = "",
        next_in_s: float = 0.0,
    ) -> None:
        self.context.publish(
            MailAlertEvent(
                broker=self.name,
                order_id=entry.order_id,
                state=state,
                attempts=attempts,
                detail=detail,
                next_attempt_in_s=next_in_s,
                ts=self.context.clock.now_ns(),
            )
        )

    def _refuse(self, command: str, reason: str) -> None:
        log.warning("%s refused: %s", command, reason)
        self.context.publish(CommandRejected(command, reason))

    def _set_live(self) -> None:
        options = self.options
        self.context.set_status(
            ConnectionStatus.LIVE,
            f"alerts to {', '.join(options.recipients)} via "
            f"{options.host}:{options.effective_port} ({options.security})",
        )
