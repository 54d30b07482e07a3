"""The report's charts: equity beside buy and hold, the drawdown under it, the price with every
fill marked, in one graphics view with the x axis shared. The x axis is the bar index (no gaps
for nights), labelled in time."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from terminal.engine.backtest.result import BacktestResult
from terminal.engine.backtest.stats import axis_number, drawdown
from terminal.ui.i18n.dates import datetime_text, day_text
from terminal.ui.theme import Theme

MAX_POINTS = 4000


class IndexTimeAxis(pg.AxisItem):
    """Labels bar indices with their times (in the exchange's zone)."""

    def __init__(self, times: np.ndarray, tz: str, **kwargs: Any) -> None:
        super().__init__(orientation="bottom", **kwargs)
        self._stamps = pd.DatetimeIndex(times.view("datetime64[ns]"), tz="UTC").tz_convert(tz)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        stamps, labels = self._stamps, []
        span_days = (stamps[-1] - stamps[0]).days if len(stamps) > 1 else 0
        for value in values:
            i = round(value)
            if not 0 <= i < len(stamps):
                labels.append("")
            elif span_days > 3:
                labels.append(day_text(stamps[i].date()))
            else:  # within a few days: the time too
                labels.append(datetime_text(stamps[i].to_pydatetime()))
        return labels


class ValueAxis(pg.AxisItem):
    """Left axis reading 1.05M, 950k, 1,480 or -5% (no exponent, no SI prefix)."""

    def __init__(self, percent: bool = False, **kwargs: Any) -> None:
        super().__init__(orientation="left", **kwargs)
        self.enableAutoSIPrefix(False)
        self.percent = percent
        self.setWidth(64)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.percent:
            return [f"{v:.0f}%" if spacing >= 1 else f"{v:.1f}%" for v in values]
        return [axis_number(v) for v in values]


def _thin(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most about MAX_POINTS (index, value) pairs; pyqtgraph draws the rest for nothing."""
    step = max(1, len(values) // MAX_POINTS)
    index = np.arange(0, len(values), step)
    if len(values) and index[-1] != len(values) - 1:
        index = np.r_[index, len(values) - 1]
    return index, values[index]


class ReportCharts(QWidget):
    """Three plots over the same bars of one backtest."""

    def __init__(self, result: BacktestResult, theme: Theme, parent: QWidget | None = None):
        super().__init__(parent)
        self.result = result
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.background)
        self.graphics.setFrameShape(QFrame.Shape.NoFrame)
        self.graphics.ci.setSpacing(2)
        ink = theme.foreground
        strategy, benchmark = theme.accent, theme.muted
        self.equity_plot = self._plot(0, 3, theme, self.tr(
            "Equity: <span style='color:{strategy}'>strategy</span> and "
            "<span style='color:{benchmark}'>buy and hold</span>"
        ).format(strategy=strategy, benchmark=benchmark))  # fmt: skip
        self.drawdown_plot = self._plot(1, 1, theme, self.tr("Drawdown"), percent=True)
        symbol = result.symbols[0]
        self.price_plot = self._plot(2, 3, theme, self.tr(
            "{symbol}: <span style='color:{up}'>buys</span>, <span style='color:{down}'>sells"
            "</span>"
        ).format(symbol=symbol, up=theme.up, down=theme.down))  # fmt: skip
        for plot in (self.drawdown_plot, self.price_plot):
            plot.setXLink(self.equity_plot)
        equity = self.equity_plot
        self.equity_curve = equity.plot(*_thin(result.equity), pen=pg.mkPen(strategy, width=1.6))
        self.benchmark_curve = equity.plot(*_thin(result.benchmark), pen=pg.mkPen(benchmark))
        curve = drawdown(result.equity, result.capital) * 100.0
        self.drawdown_curve = self.drawdown_plot.plot(
            *_thin(curve), pen=pg.mkPen(theme.down, width=1.0), fillLevel=0.0,
            brush=pg.mkBrush(theme.down + "55"),
        )  # fmt: skip
        _, closes = result.prices[symbol]
        self.price_curve = self.price_plot.plot(*_thin(closes), pen=pg.mkPen(ink, width=1.0))
        self.buys, self.sells = self._markers(symbol, theme)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)

    def _plot(
        self, row: int, stretch: int, theme: Theme, title: str, percent: bool = False
    ) -> pg.PlotItem:
        times, tz = self.result.times, self.result.timezone
        axes: dict[str, pg.AxisItem] = {"left": ValueAxis(percent)}
        if len(times) > 1:
            axes["bottom"] = IndexTimeAxis(times, tz)
        plot = self.graphics.addPlot(row=row, col=0, axisItems=axes)
        plot.setTitle(title, color=theme.foreground, size="9pt")
        plot.showGrid(x=False, y=True, alpha=0.2)
        plot.setMenuEnabled(False)
        self.graphics.ci.layout.setRowStretchFactor(row, stretch)
        return plot

    def _markers(self, symbol: str, theme: Theme) -> tuple[pg.ScatterPlotItem, pg.ScatterPlotItem]:
        times = self.result.times
        fills = [f for f in self.result.fills if f.symbol == symbol]
        at = np.maximum(np.searchsorted(times, [f.ts for f in fills], side="right") - 1, 0)
        made = []
        for buy, shape, color in ((True, "t1", theme.up), (False, "t", theme.down)):
            chosen = [k for k, f in enumerate(fills) if (f.side.sign > 0) == buy]
            item = pg.ScatterPlotItem(
                x=at[chosen].astype(float), y=[fills[k].price for k in chosen], symbol=shape,
                size=9, brush=pg.mkBrush(color), pen=pg.mkPen(None),
            )  # fmt: skip
            self.price_plot.addItem(item)
            made.append(item)
        return made[0], made[1]
