"""The report's charts: equity beside buy and hold, the drawdown under it (x linked), the price
with every fill marked. The x axis is the bar index (no gaps for nights), labelled in time."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from terminal.engine.backtest.result import BacktestResult
from terminal.engine.backtest.stats import drawdown
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
        fmt = "%Y-%m-%d" if span_days > 3 else "%m-%d %H:%M"
        for value in values:
            i = round(value)
            labels.append(stamps[i].strftime(fmt) if 0 <= i < len(stamps) else "")
        return labels


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
        times, tz = result.times, result.timezone
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.equity_plot = self._plot(times, tz, theme, "Equity")
        self.drawdown_plot = self._plot(times, tz, theme, "Drawdown")
        self.price_plot = self._plot(times, tz, theme, result.symbols[0])
        self.drawdown_plot.setXLink(self.equity_plot)
        self.price_plot.setXLink(self.equity_plot)
        self.equity_plot.addLegend(offset=(10, 5))
        self.equity_curve = self.equity_plot.plot(*_thin(result.equity),
                                                  pen=pg.mkPen(theme.accent, width=1.6),
                                                  name="strategy")  # fmt: skip
        self.benchmark_curve = self.equity_plot.plot(*_thin(result.benchmark),
                                                     pen=pg.mkPen(theme.muted, width=1.0),
                                                     name="buy and hold")  # fmt: skip
        curve = drawdown(result.equity, result.capital) * 100.0
        self.drawdown_curve = self.drawdown_plot.plot(
            *_thin(curve), pen=pg.mkPen(theme.down, width=1.0), fillLevel=0.0,
            brush=pg.mkBrush(theme.down + "55"),
        )  # fmt: skip
        symbol = result.symbols[0]
        _, closes = result.prices[symbol]
        self.price_curve = self.price_plot.plot(*_thin(closes), pen=pg.mkPen(theme.foreground))
        self.buys, self.sells = self._markers(symbol, theme)
        layout.addWidget(self.equity_plot, 3)
        layout.addWidget(self.drawdown_plot, 1)
        layout.addWidget(self.price_plot, 3)

    def _plot(self, times: np.ndarray, tz: str, theme: Theme, title: str) -> pg.PlotWidget:
        axis = IndexTimeAxis(times, tz) if len(times) > 1 else None
        plot = pg.PlotWidget(axisItems={"bottom": axis} if axis else {})
        plot.setBackground(theme.background)
        plot.setTitle(title, color=theme.foreground, size="9pt")
        plot.showGrid(x=False, y=True, alpha=0.25)
        plot.setMinimumHeight(90)
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
