"""A read-only copy of alerts kept by someone else (a server's engine; none in a replay)."""

from __future__ import annotations

from terminal.domain.market_alerts import Alert, AlertEvent
from terminal.engine.bus import EventBus


class AlertsMirror:
    """The latest state of every alert, from the alert events on ``bus``; read it with
    ``alerts`` as the live engine's :class:`~terminal.engine.alerts.service.AlertService`."""

    def __init__(self, bus: EventBus) -> None:
        self._alerts: dict[str, Alert] = {}
        bus.subscribe(AlertEvent, self._on_alert)

    def alerts(self) -> list[Alert]:
        return list(self._alerts.values())

    def replace(self, alerts: list[Alert]) -> None:
        """Start over from a whole list (a remote engine's session)."""
        self._alerts = {alert.alert_id: alert for alert in alerts}

    def _on_alert(self, event: AlertEvent) -> None:
        if event.removed:
            self._alerts.pop(event.alert.alert_id, None)
        else:
            self._alerts[event.alert.alert_id] = event.alert
