"""The P&L dock: equity and realised, unrealised and net P&L through the day, for all accounts
together, one account or one strategy instance; in the total view each strategy's net P&L
too. Redrawn when the engine's recorder has a new sample (on fills, at most once a second on
prices), never per tick."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from terminal.engine.pnl.recorder import start_of_day_ns
from terminal.engine.pnl.series import TOTAL, PnlSeries
from terminal.ui import formatting as fmt
from terminal.ui.bridge import EngineBridge
from terminal.ui.i18n.dates import day_text
from terminal.ui.theme import Theme

LINES = ("realized", "unrealized", "net")
DAY_S = 86_400
EQUITY_ROOM_PX = 300  # a lower dock shows the P&L plot only (the equity is in the summary)


class MoneyAxis(pg.AxisItem):
    """Amounts as people write them (``1,000,057``), not ``1.0001e+06``."""

    def __init__(self) -> None:
        super().__init__("left")
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        decimals = min(4, max(0, -math.floor(math.log10(spacing)))) if spacing > 0 else 0
        return [f"{value * scale:,.{decimals}f}" for value in values]


class LocaleTimeAxis(pg.DateAxisItem):
    """Times of day (24-hour) while ticks are under a day apart, else dates in the language's
    form (2024/1/5, 1/5/2024): pyqtgraph's own writes English month and day names."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        labels = []
        for value in values:
            try:
                moment = datetime.fromtimestamp(value * scale)
            except (OverflowError, OSError, ValueError):
                labels.append("")
                continue
            if spacing >= DAY_S:
                labels.append(day_text(moment.date()))
            else:
                labels.append(moment.strftime("%H:%M" if spacing >= 60 else "%H:%M:%S"))
        return labels


class PnlPanel(QWidget):
    """Two plots over the time of day: equity above, P&L below, for the chosen key."""

    def __init__(self, bridge: EngineBridge, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._theme = theme
        self._version = -1
        self.choice = QComboBox()
        self.choice.setMinimumContentsLength(18)
        self.choice.currentIndexChanged.connect(lambda _: self.redraw())
        self.summary = QLabel()
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A long line is cut, never a reason for the window to be wider.
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.graphics = pg.GraphicsLayoutWidget()
        self.equity_plot = self.graphics.addPlot(
            0, 0, axisItems={"bottom": LocaleTimeAxis(), "left": MoneyAxis()}
        )
        self.pnl_plot = self.graphics.addPlot(
            1, 0, axisItems={"bottom": LocaleTimeAxis(), "left": MoneyAxis()}
        )
        self.pnl_plot.setXLink(self.equity_plot)
        self.graphics.ci.layout.setRowStretchFactor(1, 2)
        for plot in (self.equity_plot, self.pnl_plot):
            plot.setMenuEnabled(False)
            plot.showGrid(x=True, y=True, alpha=0.25)
        self.equity_plot.setLabel("left", self.tr("Equity"))
        self.pnl_plot.setLabel("left", self.tr("P&L"))
        self.legend = self.pnl_plot.addLegend(offset=(8, 4), colCount=4)
        self.zero = pg.InfiniteLine(0.0, angle=0, movable=False)
        self.pnl_plot.addItem(self.zero, ignoreBounds=True)
        self.equity = self.equity_plot.plot(name=self.tr("Equity"))
        names = {"realized": self.tr("Realised"), "unrealized": self.tr("Unrealised"),
                 "net": self.tr("Net")}  # fmt: skip
        self.curves = {line: self.pnl_plot.plot(name=names[line]) for line in LINES}
        self.strategy_curves: dict[str, pg.PlotDataItem] = {}
        top = QHBoxLayout()
        top.setContentsMargins(4, 2, 4, 0)
        top.addWidget(self.choice)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.graphics, 1)
        self.set_theme(theme)
        bridge.refreshed.connect(self.refresh)
        self.refresh()

    def key(self) -> str:
        return str(self.choice.currentData() or TOTAL)

    def choose(self, key: str) -> None:
        self.choice.setCurrentIndex(max(0, self.choice.findData(key)))

    # ---- following the recorder ------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw if the recorder took a sample since the last look."""
        pnl = self._bridge.pnl()
        if pnl.version == self._version:
            return
        self._version = pnl.version
        self._offer(pnl.series_keys())
        self.redraw()

    def _offer(self, keys: list[str]) -> None:
        shown = [self.choice.itemData(i) for i in range(self.choice.count())]
        if shown == keys:
            return
        chosen = self.key()
        self.choice.blockSignals(True)
        self.choice.clear()
        for key in keys:
            self.choice.addItem(self.title(key), key)
        self.choice.setCurrentIndex(max(0, self.choice.findData(chosen)))
        self.choice.blockSignals(False)

    def title(self, key: str) -> str:
        kind, _, name = key.partition(":")
        if kind == "account":
            return self.tr("Account {name}").format(name=name)
        if kind == "strategy":
            return self.tr("Strategy {name}").format(name=name)
        return self.tr("All accounts")

    def today(self, key: str) -> PnlSeries:
        """``key``'s samples of the latest sample's day."""
        series = self._bridge.pnl().series(key)
        if not len(series.ts):
            return series
        first = int(np.searchsorted(series.ts, start_of_day_ns(int(series.ts[-1]))))
        return PnlSeries(*(column[first:] for column in series))

    def redraw(self) -> None:
        key = self.key()
        series = self.today(key)
        x = series.ts / 1e9
        strategy = key.startswith("strategy:")
        self.equity_plot.setVisible(not strategy and self.height() >= EQUITY_ROOM_PX)
        self.equity.setData(x, series.equity)
        for line, curve in self.curves.items():
            curve.setData(x, getattr(series, line))
        self._draw_strategies(key == TOTAL)
        self.summary.setText(self._summary(series, strategy))

    def _draw_strategies(self, shown: bool) -> None:
        every = self._bridge.pnl().series_keys() if shown else []
        keys = [key for key in every if key.startswith("strategy:")]
        for key in list(self.strategy_curves):
            if key not in keys:
                curve = self.strategy_curves.pop(key)
                self.pnl_plot.removeItem(curve)
                self.legend.removeItem(curve)
        for number, key in enumerate(keys):
            series = self.today(key)
            curve = self.strategy_curves.get(key)
            if curve is None:
                curve = self.strategy_curves[key] = self.pnl_plot.plot(name=key.partition(":")[2])
            color = self._theme.series[(number + 2) % len(self._theme.series)]
            curve.setPen(pg.mkPen(color, width=1, style=Qt.PenStyle.DashLine))
            curve.setData(series.ts / 1e9, series.net)

    def _summary(self, series: PnlSeries, strategy: bool) -> str:
        if not len(series.ts):
            return self.tr("No P&L yet: it is sampled on fills and as prices move")
        equity, realized, unrealized, net = (
            float(series.equity[-1]),
            float(series.realized[-1]),
            float(series.unrealized[-1]),
            float(series.net[-1]),
        )
        parts = [] if strategy or math.isnan(equity) else [
            self.tr("Equity {value}").format(value=fmt.money(equity))]  # fmt: skip
        parts += [
            self.tr("Realised {value}").format(value=fmt.signed_money(realized)),
            self.tr("Unrealised {value}").format(value=fmt.signed_money(unrealized)),
            self.tr("Net {value}").format(value=fmt.signed_money(net)),
            self.tr("at {time}").format(time=fmt.clock_time(int(series.ts[-1]))),
        ]
        return " · ".join(parts)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        room = event.size().height() >= EQUITY_ROOM_PX
        if room != (event.oldSize().height() >= EQUITY_ROOM_PX):
            self.redraw()

    # ---- theme -----------------------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.graphics.setBackground(theme.background)
        for plot in (self.equity_plot, self.pnl_plot):
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setPen(pg.mkPen(theme.grid))
                axis.setTextPen(pg.mkPen(theme.foreground))
        self.legend.setLabelTextColor(theme.foreground)
        self.zero.setPen(pg.mkPen(theme.muted, width=1, style=Qt.PenStyle.DotLine))
        self.equity.setPen(pg.mkPen(theme.accent, width=2))
        colors = {"realized": theme.series[1], "unrealized": theme.series[0],
                  "net": theme.foreground}  # fmt: skip
        for line, curve in self.curves.items():
            curve.setPen(pg.mkPen(colors[line], width=2 if line == "net" else 1.5))
        self._draw_strategies(self.key() == TOTAL)
