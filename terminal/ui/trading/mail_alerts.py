"""Mail alert states for the widgets: a relay beside the bridge, and how a state reads.

The relay listens to the mail brokers' own bus events and hands them to the GUI once per
bridge refresh (it rides on ``EngineBridge.refreshed``), so alert traffic never repaints more
often than quotes do, and the shared bridge needs no mail-specific code.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from terminal.domain.alerts import AlertState, AlertTestResult, MailAlertEvent
from terminal.ui import formatting as fmt
from terminal.ui.bridge import EngineBridge
from terminal.ui.i18n import names, translate


def alert_text(event: MailAlertEvent | None) -> str:
    """What the orders monitor's Alert column says about one order's email."""
    if event is None:
        return ""
    state = event.state
    if state is AlertState.SENT:
        return (
            translate("AlertRelay", "sent {time}").format(time=fmt.clock_time(event.ts))
            if event.ts else names.name(state)
        )  # fmt: skip
    if state is AlertState.SENDING:
        return translate("AlertRelay", "sending (attempt {attempt})").format(
            attempt=event.attempts)
    if state is AlertState.RETRYING:
        return translate(
            "AlertRelay", "retrying in {seconds} s (attempt {attempt} failed: {detail})"
        ).format(seconds=f"{event.next_attempt_in_s:.0f}", attempt=event.attempts,
                 detail=event.detail)  # fmt: skip
    if state is AlertState.FAILED:
        return translate("AlertRelay", "failed: {detail}").format(detail=event.detail)
    return names.name(state)


class AlertRelay(QObject):
    """Latest alert per order, and the answers to test emails, for the widgets."""

    alerts_changed = Signal(object)  # list[MailAlertEvent], once per refresh
    test_result = Signal(object)  # AlertTestResult

    def __init__(self, bridge: EngineBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.latest: dict[str, MailAlertEvent] = {}
        self._changed: dict[str, MailAlertEvent] = {}
        self._unsubscribers: list[Callable[[], None]] = [
            bridge.subscribe(MailAlertEvent, self._on_alert),
            bridge.subscribe(AlertTestResult, self.test_result.emit),
        ]
        bridge.refreshed.connect(self.flush)

    def text(self, order_id: str) -> str:
        return alert_text(self.latest.get(order_id))

    def is_mail_order(self, order_id: str) -> bool:
        return order_id in self.latest

    def close(self) -> None:
        for unsubscribe in self._unsubscribers:
            unsubscribe()
        self._unsubscribers = []

    def _on_alert(self, event: MailAlertEvent) -> None:
        self.latest[event.order_id] = event
        self._changed[event.order_id] = event

    def flush(self) -> None:
        if self._changed:
            changed, self._changed = list(self._changed.values()), {}
            self.alerts_changed.emit(changed)
