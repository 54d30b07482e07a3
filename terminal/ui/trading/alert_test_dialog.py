"""Tools ▸ Test email…: send a test email through a mail broker and show what happened."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.alerts import AlertTestRequest, AlertTestResult
from terminal.ui.bridge import EngineBridge
from terminal.ui.trading.mail_alerts import AlertRelay


class AlertTestDialog(QDialog):
    """Pick a mail broker, press Send; the answer is the broker's: sent, or the SMTP error."""

    def __init__(
        self,
        bridge: EngineBridge,
        relay: AlertRelay,
        mail_brokers: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Test email"))
        self._bridge = bridge
        self.broker_box = QComboBox()
        self.broker_box.addItems(mail_brokers)
        self.send_button = QPushButton(self.tr("Send test email"))
        self.send_button.setEnabled(bool(mail_brokers))
        self.result_label = QLabel(
            ""
            if mail_brokers
            else self.tr('No mail broker is configured: add [[brokers]] plugin = "mail".')
        )
        self.result_label.setWordWrap(True)
        self.result_label.setMinimumWidth(420)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Mail broker"), self.broker_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.send_button)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)
        self.send_button.clicked.connect(self.send)
        relay.test_result.connect(self._on_result)

    def send(self) -> None:
        broker = self.broker_box.currentText()
        self.send_button.setEnabled(False)
        self._show(self.tr("Sending through {broker}…").format(broker=broker), ok=True)
        self._bridge.send(AlertTestRequest(broker))

    def _on_result(self, result: AlertTestResult) -> None:
        if result.broker != self.broker_box.currentText():
            return
        self.send_button.setEnabled(True)
        if result.ok:
            self._show(f"✔ {result.broker}: {result.detail}", ok=True)
        else:
            self._show(f"✘ {result.broker}: {result.detail}", ok=False)

    def _show(self, text: str, ok: bool) -> None:
        self.result_label.setObjectName("okLabel" if ok else "errorLabel")
        self.result_label.style().unpolish(self.result_label)  # the colour follows the object name
        self.result_label.style().polish(self.result_label)
        self.result_label.setText(text)
