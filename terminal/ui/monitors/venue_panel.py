"""The Venue dock: each venue's account as it reports it (balances per currency, derivatives
positions beside the terminal's), and what reconciling the terminal with it found."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from terminal.domain.orders import Position
from terminal.domain.venue import Balance, ReconcileNotice, VenuePosition
from terminal.ui import formatting as fmt
from terminal.ui.i18n import names, translate
from terminal.ui.monitors.monitor import Monitor
from terminal.ui.monitors.record_table import Column
from terminal.ui.theme import Theme


def amount(value: float) -> str:
    """A crypto amount in full (up to 8 decimals, as venues print them), "" when missing."""
    if value is None or math.isnan(value):
        return ""
    return f"{value:,.8f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class PositionRow:
    """One derivatives position: what the venue holds beside what the terminal's fills make."""

    broker: str
    symbol: str
    venue: float
    terminal: float
    average_price: float
    unrealized_pnl: float

    @property
    def difference(self) -> float:
        return self.venue - self.terminal


def balance_columns() -> list[Column]:
    return [
        Column(translate("VenuePanel", "Broker"), lambda b: b.broker),
        Column(translate("VenuePanel", "Currency"), lambda b: b.currency),
        Column(
            translate("VenuePanel", "Free"),
            lambda b: amount(b.free),
            numeric=True,
            sort_key=lambda b: b.free,
        ),
        Column(
            translate("VenuePanel", "In orders"),
            lambda b: amount(b.used),
            numeric=True,
            sort_key=lambda b: b.used,
        ),
        Column(
            translate("VenuePanel", "Total"),
            lambda b: amount(b.total),
            numeric=True,
            sort_key=lambda b: b.total,
        ),
    ]


def position_columns(theme: Theme) -> list[Column]:
    bad = theme.color("bad")
    return [
        Column(translate("VenuePanel", "Broker"), lambda r: r.broker),
        Column(translate("VenuePanel", "Symbol"), lambda r: r.symbol),
        Column(translate("VenuePanel", "Venue"), lambda r: amount(r.venue), numeric=True),
        Column(translate("VenuePanel", "Terminal"), lambda r: amount(r.terminal), numeric=True),
        Column(
            translate("VenuePanel", "Difference"),
            lambda r: amount(r.difference) if r.difference else "",
            numeric=True,
            color=lambda r: bad if r.difference else None,
        ),
        Column(
            translate("VenuePanel", "Entry"),
            lambda r: f"{r.average_price:.6g}" if r.venue else "",
            numeric=True,
        ),
        Column(
            translate("VenuePanel", "Unrealized P&L"),
            lambda r: fmt.money(r.unrealized_pnl),
            numeric=True,
        ),
    ]


def notice_columns(theme: Theme) -> list[Column]:
    warning = theme.color("warning")
    return [
        Column(
            translate("VenuePanel", "Time"), lambda n: fmt.clock_time(n.ts), sort_key=lambda n: n.ts
        ),
        Column(translate("VenuePanel", "Broker"), lambda n: n.broker),
        Column(
            translate("VenuePanel", "Found"), lambda n: names.name(n.kind), color=lambda n: warning
        ),
        Column(translate("VenuePanel", "About"), lambda n: n.subject),
        Column(translate("VenuePanel", "What"), lambda n: n.message),
    ]


class VenuePanel(QWidget):
    """Balances, venue positions and reconciliation notices, each a filterable monitor."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.balances = Monitor(balance_columns(), key=lambda b: (b.broker, b.currency))
        self.positions = Monitor(position_columns(theme), key=lambda r: (r.broker, r.symbol))
        self.notices = Monitor(
            notice_columns(theme), key=lambda n: (n.ts, n.kind, n.subject), max_rows=1000
        )
        self._venue_positions: list[VenuePosition] = []
        self._terminal_positions: dict[tuple[str, str], Position] = {}
        splitter = QSplitter(Qt.Orientation.Horizontal, self)  # side by side: the dock is wide
        self.parts: list[QWidget] = []
        for title, monitor, stretch in (
            (self.tr("Balances, as the venues report them"), self.balances, 3),
            (self.tr("Derivatives positions, venue and terminal"), self.positions, 3),
            (self.tr("Reconciliation: what the venues said"), self.notices, 5),
        ):
            part = QWidget()
            column = QVBoxLayout(part)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(QLabel(title))
            column.addWidget(monitor)
            splitter.addWidget(part)
            splitter.setStretchFactor(len(self.parts), stretch)
            self.parts.append(part)
        self.parts[1].hide()  # until a venue reports derivatives positions
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def show_venue(self, balances: list[Balance], positions: list[VenuePosition]) -> None:
        """The venues' latest reports (a currency or position gone from them goes here too)."""
        self.balances.model.replace_all(sorted(balances, key=lambda b: (b.broker, b.currency)))
        self._venue_positions = positions
        self.parts[1].setVisible(bool(positions))
        self._show_positions()

    def show_terminal_positions(self, positions: list[Position]) -> None:
        """The portfolio's positions, to show beside the venue's."""
        self._terminal_positions = {(p.broker, p.symbol): p for p in positions}
        if self._venue_positions:
            self._show_positions()

    def add_notices(self, notices: list[ReconcileNotice]) -> None:
        self.notices.upsert(notices)

    def _show_positions(self) -> None:
        reported = {p.broker for p in self._venue_positions}
        venue = {(p.broker, p.symbol): p for p in self._venue_positions}
        ours = {k: p for k, p in self._terminal_positions.items() if k[0] in reported}
        rows = []
        for broker, symbol in sorted(set(venue) | set(ours)):
            held, mine = venue.get((broker, symbol)), ours.get((broker, symbol))
            rows.append(
                PositionRow(
                    broker,
                    symbol,
                    held.quantity if held else 0.0,
                    mine.quantity if mine else 0.0,
                    held.average_price if held else 0.0,
                    held.unrealized_pnl if held else 0.0,
                )
            )
        self.positions.model.replace_all(rows)
