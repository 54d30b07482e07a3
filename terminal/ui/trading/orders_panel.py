"""The orders dock: all or working orders, double-click to cancel one, "Cancel all"."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

from terminal.domain.orders import Order
from terminal.ui.dialogs import Confirm
from terminal.ui.formatting import PriceDecimals
from terminal.ui.monitors.blotters import order_columns, working_only
from terminal.ui.monitors.monitor import Monitor
from terminal.ui.theme import Theme


class OrdersPanel(Monitor):
    """Orders blotter with a filter and a "Cancel all" button (confirmed)."""

    cancel_requested = Signal(object)  # list[Order]

    def __init__(
        self,
        theme: Theme,
        prices: PriceDecimals,
        confirm: Confirm,
        alert: Callable[[Order], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            order_columns(theme, prices, alert),
            key=lambda o: o.order_id,
            max_rows=5000,
            parent=parent,
        )
        self._confirm = confirm
        self.filter_box = QComboBox()
        self.filter_box.addItems([self.tr("All"), self.tr("Working")])
        # By index: the text is translated (in Chinese "Working" is 挂单).
        self.filter_box.currentIndexChanged.connect(
            lambda index: self.proxy.set_predicate(working_only if index == 1 else None)
        )
        self.cancel_all_button = QPushButton(self.tr("Cancel all"))
        self.cancel_all_button.clicked.connect(self.cancel_all)
        self.bar.insertWidget(0, self.filter_box)
        self.bar.addWidget(self.cancel_all_button)
        self.actions_for_record.append((self.tr("Cancel order"), self._cancel_one))
        self.record_activated.connect(self._cancel_one)

    def reshow(self, order_ids: set[str]) -> None:
        """Redraw the rows of these orders (a column read from elsewhere, their alert, moved)."""
        self.upsert([order for order in self.model.records() if order.order_id in order_ids])

    def hide_cancel_all(self) -> None:
        """No "Cancel all" button (a replay, whose orders go to no broker)."""
        self.cancel_all_button.hide()

    def cancel_all(self) -> None:
        working = [o for o in self.model.records() if o.status.is_working]
        if not working:
            return
        self._confirm(
            self.tr("Cancel all {count} working orders?").format(count=len(working)),
            lambda: self.cancel_requested.emit(working),
        )

    def _cancel_one(self, order: Order) -> None:
        if order.status.is_working:
            self.cancel_requested.emit([order])
