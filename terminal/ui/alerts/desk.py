"""The window's alerts, wired: the Alerts dock and the notifications over one alert book, and
the dialog opened from wherever an alert is asked for (the dock, a chart's line or menu, a
market-watch row)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from terminal.domain.market_alerts import Alert
from terminal.engine.alerts.rules import mail_key
from terminal.ui.alerts.book import AlertBook
from terminal.ui.alerts.dialog import AlertDialog
from terminal.ui.alerts.notifier import AlertNotifier
from terminal.ui.alerts.panel import AlertsPanel
from terminal.ui.bridge import EngineBridge
from terminal.ui.chart.chart import CandleChart
from terminal.ui.formatting import PriceDecimals
from terminal.ui.theme import Theme


class AlertsDesk(QObject):
    """Alerts for ``window``. ``mail_text`` tells how a mail stands, by its outbox key."""

    def __init__(
        self,
        window: QWidget,
        bridge: EngineBridge,
        theme: Theme,
        mail_text: Callable[[str], str],
    ) -> None:
        super().__init__(window)
        self._window, self._bridge, self._theme = window, bridge, theme
        self.book = AlertBook(bridge, self)
        self.panel = AlertsPanel(bridge, theme, lambda a: mail_text(mail_key(a)) if a.mail else "")
        prices = PriceDecimals(bridge.instrument)
        self.notifier = AlertNotifier(window, prices, theme, bridge.config().ui.alert_sound)
        self.dialog: AlertDialog | None = None
        self.book.changed.connect(self.panel.show_alerts)
        self.book.fired.connect(self.notifier.notify)
        self.panel.edit_requested.connect(self.open_dialog)

    def add_chart(self, chart: CandleChart) -> None:
        """Open the dialog when ``chart``'s alert lines or menu ask for it."""
        chart.alerts.dialog_requested.connect(self.open_dialog)

    def alert_symbol(self, symbol: str) -> AlertDialog:
        """"Alert…" on a market-watch row: a new alert at the symbol's last price (before
        the day's first trade, the previous close)."""
        tick = self._bridge.latest(symbol)
        price = (tick.last if tick.traded else tick.prev_close) if tick is not None else 0.0
        return self.open_dialog(Alert(symbol=symbol, price=price))

    def open_dialog(self, alert: Alert) -> AlertDialog:
        """Add ``alert`` (no id) or edit it, in a dialog over the window."""
        self.dialog = AlertDialog(self._bridge, alert, self._theme.bad, self._window)
        self.dialog.open()
        return self.dialog

    def reshow_mail(self) -> None:
        """A mail changed state: redraw the rows (their Mail column)."""
        self.panel.show_alerts(list(self.book.alerts.values()))

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.panel.set_theme(theme)
        self.notifier.set_theme(theme)

    def close(self) -> None:
        self.book.close()
