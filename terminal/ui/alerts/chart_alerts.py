"""Alerts on a chart: a line per price alert of the chart's symbol, dragged to move the alert
(``ModifyAlert``, which arms it again), with Edit, Re-arm and Remove on its right button; and
the price pane's right-click menu: an alert at the price under the pointer, or the dialog (and
the symbol's price ladder, ``CandleChart.ladder_requested``)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import msgspec
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMenu

from terminal.domain.market_alerts import (
    AddAlert,
    Alert,
    AlertCondition,
    AlertStatus,
    ModifyAlert,
    RearmAlert,
    RemoveAlert,
)
from terminal.ui import formatting as fmt
from terminal.ui.alerts.book import AlertBook, condition_text
from terminal.ui.chart.price_line import LineAction, PriceLine, snap_to_tick

if TYPE_CHECKING:
    from terminal.ui.chart.chart import CandleChart


class ChartAlerts(QObject):
    """The price alerts of ``chart``'s symbol as draggable lines; asks for the dialog by
    ``dialog_requested`` (an alert to edit, or a new one without an id)."""

    dialog_requested = Signal(object)  # Alert

    def __init__(self, chart: CandleChart) -> None:
        super().__init__(chart)
        self.chart = chart
        self._bridge = chart.bridge
        self.book = AlertBook(chart.bridge, self)
        self.lines: dict[str, PriceLine] = {}
        self.open_menu: QMenu | None = None
        self.book.changed.connect(lambda _: self.redraw())
        chart.symbol_changed.connect(lambda _: self.redraw(rebuild=True))
        chart.price_plot.scene().sigMouseClicked.connect(self._on_click)
        self.redraw()

    def close(self) -> None:
        self.book.close()

    # ---- the lines -------------------------------------------------------------------------
    def redraw(self, rebuild: bool = False) -> None:
        """One line per price alert of the chart's symbol (``rebuild``: all anew, e.g. for
        another symbol's tick size)."""
        chart, theme = self.chart, self.chart.theme
        shown = {a.alert_id: a for a in self.book.of_symbol(chart.symbol)
                 if a.condition is AlertCondition.PRICE}  # fmt: skip
        for alert_id in list(self.lines):
            if rebuild or alert_id not in shown:
                chart.line_labels.remove(self.lines.pop(alert_id))
        for alert_id, alert in shown.items():
            armed = alert.status is AlertStatus.ARMED
            # A colour of its own: not the last price's, an order's, a position's or a drawing's.
            color = theme.series[2] if armed else theme.muted
            line = self.lines.get(alert_id)
            if line is None:
                line = PriceLine(
                    alert.price, color, partial(self._text, alert_id), draggable=True,
                    tick_size=chart.tick_size(), style=Qt.PenStyle.DashDotLine, parent=self,
                    actions=self._actions(alert_id),
                )  # fmt: skip
                line.moved.connect(partial(self._moved, alert_id))
                self.lines[alert_id] = chart.line_labels.add(line)
            line.set_color(color)
            line.set_text(partial(self._text, alert_id))
            if line.pending is None and line.price != alert.price:
                line.set_price(alert.price)

    def _actions(self, alert_id: str) -> list[LineAction]:
        def alert() -> Alert | None:
            return self.book.alerts.get(alert_id)

        def edit() -> None:
            if (found := alert()) is not None:
                self.dialog_requested.emit(found)

        def rearm() -> None:
            if (found := alert()) is not None and found.status is AlertStatus.FIRED:
                self._bridge.send(RearmAlert(alert_id))

        def remove() -> None:
            self._bridge.send(RemoveAlert(alert_id))

        return [
            LineAction(self.tr("Edit alert…"), edit, Qt.Key.Key_E),
            LineAction(self.tr("Re-arm alert"), rearm, Qt.Key.Key_R),
            LineAction(self.tr("Remove alert"), remove, Qt.Key.Key_Delete),
        ]

    def _text(self, alert_id: str, price: float) -> str:
        alert = self.book.alerts.get(alert_id)
        if alert is None:
            return ""
        said = condition_text(alert, self._price, at=price)
        if alert.status is AlertStatus.FIRED:
            return self.tr("Alert (fired): {condition}").format(condition=said)
        return self.tr("Alert: {condition}").format(condition=said)

    def _price(self, value: float) -> str:
        return fmt.exact_price(value, self.chart.price_decimals())

    def _moved(self, alert_id: str, price: float) -> None:
        alert = self.book.alerts.get(alert_id)
        if alert is not None:
            self._bridge.send(ModifyAlert(msgspec.structs.replace(alert, price=price)))

    # ---- the price pane's menu ---------------------------------------------------------------
    def _on_click(self, ev: Any) -> None:
        if ev.button() != Qt.MouseButton.RightButton or ev.isAccepted():
            return  # a line's, a drawing's or a placing tool's click
        view = self.chart.price_plot.getViewBox()
        if not view.sceneBoundingRect().contains(ev.scenePos()) or not self.chart.symbol:
            return
        ev.accept()
        price = snap_to_tick(float(view.mapSceneToView(ev.scenePos()).y()), self.chart.tick_size())
        self.open_menu = self.menu_at(price)
        self.open_menu.popup(ev.screenPos().toPoint())

    def menu_at(self, price: float) -> QMenu:
        """The right-click menu of the price pane at ``price``."""
        symbol = self.chart.symbol
        menu = QMenu()
        quick = menu.addAction(
            self.tr("Alert when last crosses {price}").format(price=self._price(price))
        )
        quick.triggered.connect(
            lambda: self._bridge.send(AddAlert(Alert(symbol=symbol, price=price)))
        )
        menu.addAction(self.tr("Alert…")).triggered.connect(
            lambda: self.dialog_requested.emit(Alert(symbol=symbol, price=price))
        )
        menu.addSeparator()
        menu.addAction(self.tr("Ladder")).triggered.connect(
            lambda: self.chart.ladder_requested.emit(symbol)
        )
        return menu
