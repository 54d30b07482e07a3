"""Telling the person an alert fired: a desktop notification from the system tray where the
desktop has one, else a toast in the window; and a sound (the system's beep: the multimedia
module is not part of PySide6-Essentials), unless ``ui.alert_sound`` is off."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon, QWidget

from terminal.domain.market_alerts import AlertFired
from terminal.ui.alerts.book import condition_text, value_text
from terminal.ui.alerts.toast import SHOWN_MS, Toast
from terminal.ui.formatting import PriceDecimals
from terminal.ui.theme import Theme


class AlertNotifier(QObject):
    """Shows each fired alert; one sound per batch (alerts firing together beep once)."""

    def __init__(
        self, window: QWidget, prices: PriceDecimals, theme: Theme, sound: bool = True
    ) -> None:
        super().__init__(window)
        self.toast = Toast(window)
        self.set_theme(theme)
        self.sound = sound
        self.beeps = 0
        self._prices = prices
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip(self.tr("Terminal alerts"))

    def set_theme(self, theme: Theme) -> None:
        self.toast.set_colors(theme.background, theme.foreground, theme.warning)

    def texts(self, event: AlertFired) -> tuple[str, str]:
        """The notification's title and text."""
        alert = event.alert

        def price(value: float) -> str:
            return self._prices.exact(alert.symbol, value)

        title = self.tr("Alert: {symbol}").format(symbol=alert.symbol)
        text = self.tr("{condition} — now {value}").format(
            condition=condition_text(alert, price), value=value_text(alert, event.value, price)
        )
        return title, f"{text}\n{alert.note}" if alert.note else text

    def notify(self, fired: list[AlertFired]) -> None:
        for event in fired:
            title, text = self.texts(event)
            if self.tray is not None:
                self.tray.show()
                self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information,
                                      SHOWN_MS)  # fmt: skip
            else:
                self.toast.show_message(title, text)
        if fired and self.sound:
            self.beeps += 1
            QApplication.beep()
