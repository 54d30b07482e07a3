"""Mail alerts: the state of an order's alert email, and the commands about mail-alert orders.

An alert's state is not an order state: the order says what the market knows (submitted,
accepted, filled…), the alert says whether the person who must act has been told. It travels
as its own event, keyed by broker and order id, so the Order struct stays the order book's.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec


class AlertState(StrEnum):
    """Where a mail alert stands in the outbox, as the orders monitor's Alert column shows."""

    QUEUED = "queued"
    SENDING = "sending"
    RETRYING = "retrying"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_pending(self) -> bool:
        """Not yet delivered to the mail server and still going to be tried."""
        return self in (AlertState.QUEUED, AlertState.SENDING, AlertState.RETRYING)


class MailAlertEvent(msgspec.Struct, frozen=True):
    """The alert email of one order changed state. ``detail`` carries the SMTP error, if any."""

    broker: str
    order_id: str
    state: AlertState
    attempts: int = 0
    detail: str = ""
    next_attempt_in_s: float = 0.0
    ts: int = 0


class MarkAlertOrder(msgspec.Struct, frozen=True):
    """Command: the person reports what they did with a mail-alert order.

    ``filled`` True records a fill of ``quantity`` at ``price``; False cancels the order.
    """

    broker: str
    order_id: str
    filled: bool
    quantity: float = 0.0
    price: float = 0.0


class AlertTestRequest(msgspec.Struct, frozen=True):
    """Command: send a test email through mail broker ``broker``."""

    broker: str


class AlertTestResult(msgspec.Struct, frozen=True):
    """The outcome of :class:`AlertTestRequest`: ``detail`` is the exact SMTP error on failure."""

    broker: str
    ok: bool
    detail: str
