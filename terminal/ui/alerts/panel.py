"""The Alerts dock: every alert, its condition and state, when it last fired and at what, and
its mail; "New alert…", and on a row (right button, keys) edit, re-arm and remove."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QPushButton, QWidget

from terminal.domain.market_alerts import Alert, AlertStatus, RearmAlert, RemoveAlert
from terminal.ui import formatting as fmt
from terminal.ui.alerts.book import condition_text, status_text, value_text
from terminal.ui.bridge import EngineBridge
from terminal.ui.formatting import PriceDecimals
from terminal.ui.monitors.monitor import Monitor
from terminal.ui.monitors.record_table import Column
from terminal.ui.theme import Theme


class AlertsPanel(Monitor):
    """The alerts, newest first; double-click or Enter edits one, Delete removes it."""

    edit_requested = Signal(object)  # Alert: a new one has no id yet

    def __init__(
        self,
        bridge: EngineBridge,
        theme: Theme,
        mail_state: Callable[[Alert], str],
        parent: QWidget | None = None,
    ) -> None:
        """``mail_state``: how the mail of an alert's last firing stands (sent, retrying…)."""
        self._bridge = bridge
        self._prices = PriceDecimals(bridge.instrument)
        self._theme = theme
        super().__init__(self._columns(mail_state), key=lambda a: a.alert_id, parent=parent)
        self.new_button = QPushButton(self.tr("New alert…"))
        self.new_button.clicked.connect(lambda: self.edit_requested.emit(self.draft()))
        self.bar.addWidget(self.new_button)
        self.add_record_action(self.tr("Edit alert…"), self.edit_requested.emit)
        self.add_record_action(self.tr("Re-arm"), self.rearm)
        self.add_record_action(self.tr("Remove alert"), self.remove)
        self.record_activated.connect(self.edit_requested.emit)
        self.table.installEventFilter(self)
        self.show_alerts(bridge.alerts())

    def _columns(self, mail_state: Callable[[Alert], str]) -> list[Column]:
        def price(alert: Alert) -> Callable[[float], str]:
            return lambda value: self._prices.exact(alert.symbol, value)

        def fired(alert: Alert) -> str:
            if not alert.fired_count:
                return ""
            return f"{fmt.clock_time(alert.fired_ns)} (×{alert.fired_count})"

        def at(alert: Alert) -> str:
            return value_text(alert, alert.fired_value, price(alert)) if alert.fired_count else ""

        def status_color(alert: Alert) -> QColor | None:
            fired_once = alert.status is AlertStatus.FIRED
            return self._theme.color("warning") if fired_once else self._theme.color("good")

        return [
            Column(self.tr("Symbol"), lambda a: a.symbol),
            Column(self.tr("Condition"), lambda a: condition_text(a, price(a))),
            Column(self.tr("State"), status_text, color=status_color),
            Column(self.tr("Last fired"), fired, sort_key=lambda a: a.fired_ns),
            Column(self.tr("At"), at, numeric=True),
            Column(self.tr("Mail"), mail_state),
            Column(self.tr("Note"), lambda a: a.note),
        ]

    def show_alerts(self, alerts: list[Alert]) -> None:
        """Show exactly ``alerts`` (removed ones go)."""
        self.model.replace_all(reversed(alerts))
        self.fit_columns()

    def set_theme(self, theme: Theme) -> None:
        """Colours of the State column (redrawn)."""
        self._theme = theme
        self.show_alerts(self.model.records()[::-1])

    def draft(self) -> Alert:
        """A new alert on the selected row's symbol (or the first listed one)."""
        row = self.table.currentIndex().row()
        symbol = self.record_at(row).symbol if row >= 0 else next(iter(self._bridge.symbols()), "")
        tick = self._bridge.latest(symbol)
        return Alert(symbol=symbol, price=tick.last if tick is not None else 0.0)

    def rearm(self, alert: Alert) -> None:
        if alert.status is AlertStatus.FIRED:
            self._bridge.send(RearmAlert(alert.alert_id))

    def remove(self, alert: Alert) -> None:
        self._bridge.send(RemoveAlert(alert.alert_id))

    def eventFilter(self, watched: object, event: object) -> bool:
        if watched is self.table and isinstance(event, QKeyEvent) and (
            event.type() == QKeyEvent.Type.KeyPress
        ):
            row = self.table.currentIndex().row()
            key = event.key()
            if row >= 0 and key == Qt.Key.Key_Delete:
                self.remove(self.record_at(row))
                return True
            if row >= 0 and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.edit_requested.emit(self.record_at(row))
                return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]
