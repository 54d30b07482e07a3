"""The selected strategy instance per symbol: position, last price, P&L and working orders."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.events import StrategyLeg, StrategyStateEvent
from terminal.ui import formatting as fmt
from terminal.ui.formatting import PriceDecimals
from terminal.ui.i18n import translate
from terminal.ui.monitors.record_table import Column, RecordTableModel


def leg_columns(prices: PriceDecimals) -> list[Column]:
    """Symbol, position, last price (on the symbol's tick grid), P&L, working orders."""
    return [
        Column(translate("Legs", "Symbol"), lambda leg: leg.symbol),
        Column(translate("Legs", "Position"), lambda leg: fmt.amount(leg.position), numeric=True),
        Column(
            translate("Legs", "Last"),
            lambda leg: prices.price(leg.symbol, leg.last_price) if leg.last_price else "",
            numeric=True,
        ),
        Column(translate("Legs", "P&L"), lambda leg: fmt.money(leg.pnl), numeric=True),
        Column(translate("Legs", "Working"), lambda leg: str(leg.working), numeric=True),
    ]


MOST_ROWS = 4  # beyond this many symbols the table scrolls


class StrategyLegsView(QWidget):
    """A title naming the instance and a row per symbol, as tall as its rows."""

    def __init__(self, prices: PriceDecimals, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RecordTableModel(leg_columns(prices), key=lambda leg: leg.symbol)
        self.title = QLabel(self.tr("Per symbol (selected)"))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        self._fit()

    def show_state(self, state: StrategyStateEvent | None) -> None:
        """Show ``state``'s legs (none: nothing selected)."""
        legs: list[StrategyLeg] = list(state.legs) if state is not None else []
        if [leg.symbol for leg in legs] != [leg.symbol for leg in self.model.records()]:
            self.model.replace_all(legs)
            self._fit()
        else:
            self.model.upsert(legs)
        self.title.setText(
            self.tr("Per symbol: {instance}").format(instance=state.instance)
            if state is not None else self.tr("Per symbol (selected)")
        )  # fmt: skip

    def _fit(self) -> None:
        """As tall as its rows (up to MOST_ROWS): no half-hidden leg."""
        table = self.table
        rows = min(max(self.model.rowCount(), 1), MOST_ROWS)
        table.setFixedHeight(
            table.horizontalHeader().sizeHint().height()
            + rows * table.verticalHeader().defaultSectionSize()
            + table.horizontalScrollBar().sizeHint().height()
            + 2 * table.frameWidth()
        )
