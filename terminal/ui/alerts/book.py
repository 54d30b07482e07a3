"""The alerts for the widgets, and how an alert reads in the window's language.

:class:`AlertBook` rides on the bridge: it starts from ``bridge.alerts()``, keeps up from the
engine's ``AlertEvent``s and hands changes and firings to the widgets once per refresh (so a
burst of firings repaints once). Every text here goes through Qt's translation.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from terminal.domain.market_alerts import (
    Alert,
    AlertCondition,
    AlertDirection,
    AlertEvent,
    AlertField,
    AlertFired,
    AlertStatus,
)
from terminal.ui import formatting as fmt
from terminal.ui.bridge import EngineBridge
from terminal.ui.i18n import translate

PriceText = Callable[[float], str]


def field_name(field: AlertField) -> str:
    return {
        AlertField.LAST: translate("Alerts", "Last"),
        AlertField.BID: translate("Alerts", "Bid"),
        AlertField.ASK: translate("Alerts", "Ask"),
    }[field]


def condition_names() -> dict[AlertCondition, str]:
    return {
        AlertCondition.PRICE: translate("Alerts", "Price"),
        AlertCondition.DAY_MOVE: translate("Alerts", "Move on the day"),
        AlertCondition.BAR_CLOSE: translate("Alerts", "Bar close against an indicator"),
    }


def direction_names(condition: AlertCondition) -> dict[AlertDirection, str]:
    """How each direction reads for ``condition`` (the dialog's choices)."""
    if condition is AlertCondition.DAY_MOVE:
        return {
            AlertDirection.UP: translate("Alerts", "up by"),
            AlertDirection.DOWN: translate("Alerts", "down by"),
            AlertDirection.CROSS: translate("Alerts", "up or down by"),
        }
    if condition is AlertCondition.BAR_CLOSE:
        return {
            AlertDirection.UP: translate("Alerts", "closes above"),
            AlertDirection.DOWN: translate("Alerts", "closes below"),
            AlertDirection.CROSS: translate("Alerts", "closes across"),
        }
    return {
        AlertDirection.UP: translate("Alerts", "rises to"),
        AlertDirection.DOWN: translate("Alerts", "falls to"),
        AlertDirection.CROSS: translate("Alerts", "crosses"),
    }


def condition_text(alert: Alert, price: PriceText, at: float | None = None) -> str:
    """``Last crosses 10.50``; ``at`` puts another price in (a line being dragged)."""
    way = direction_names(alert.condition)[alert.direction]
    if alert.condition is AlertCondition.DAY_MOVE:
        return translate("Alerts", "{way} {percent}% on the day").format(
            way=way, percent=f"{alert.percent:g}"
        )
    if alert.condition is AlertCondition.BAR_CLOSE:
        label = alert.indicator.label if alert.indicator else "?"
        return translate("Alerts", "{timeframe} bar {way} {indicator}").format(
            timeframe=alert.timeframe, way=way, indicator=label
        )
    return translate("Alerts", "{field} {way} {price}").format(
        field=field_name(alert.field), way=way, price=price(alert.price if at is None else at)
    )


def value_text(alert: Alert, value: float, price: PriceText) -> str:
    """The watched value that made ``alert`` fire, as its condition measures it."""
    if alert.condition is AlertCondition.DAY_MOVE:
        return fmt.percent(value)
    return price(value)


def status_text(alert: Alert) -> str:
    if alert.status is AlertStatus.FIRED:
        return translate("Alerts", "fired")
    return translate("Alerts", "armed, re-arms") if alert.rearm else translate("Alerts", "armed")


class AlertBook(QObject):
    """Every alert by id, kept from the engine's events; ``changed`` and ``fired`` once per
    bridge refresh."""

    changed = Signal(object)  # list[Alert]: all of them, when any changed
    fired = Signal(object)  # list[AlertFired] since the last refresh

    def __init__(self, bridge: EngineBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.alerts: dict[str, Alert] = {a.alert_id: a for a in bridge.alerts()}
        self._dirty = False
        self._fired: list[AlertFired] = []
        self._unsubscribers = [
            bridge.subscribe(AlertEvent, self._on_alert),
            bridge.subscribe(AlertFired, self._fired.append),
        ]
        self._bridge = bridge
        bridge.refreshed.connect(self.flush)

    def close(self) -> None:
        """Stop following the engine (again: nothing; a window may be closed twice)."""
        if not self._unsubscribers:
            return
        for unsubscribe in self._unsubscribers:
            unsubscribe()
        self._unsubscribers = []
        self._bridge.refreshed.disconnect(self.flush)

    def of_symbol(self, symbol: str) -> list[Alert]:
        return [alert for alert in self.alerts.values() if alert.symbol == symbol]

    def _on_alert(self, event: AlertEvent) -> None:
        if event.removed:
            self.alerts.pop(event.alert.alert_id, None)
        else:
            self.alerts[event.alert.alert_id] = event.alert
        self._dirty = True

    def flush(self) -> None:
        if self._dirty:
            self._dirty = False
            self.changed.emit(list(self.alerts.values()))
        if self._fired:
            fired, self._fired[:] = list(self._fired), []
            self.fired.emit(fired)
