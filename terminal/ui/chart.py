"""The live candle chart: candles and volume by bar index, a last-price line, a crosshair."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar
from terminal.ui import formatting as fmt
from terminal.ui.bridge import EngineBridge
from terminal.ui.chart_items import CandleItem, TimeAxis, VolumeItem
from terminal.ui.theme import Theme

VISIBLE_BARS = 120
TIMEFRAMES = ["1m"]


class CandleChart(QWidget):
    """One chart on one symbol and timeframe, following the latest bar unless scrolled back."""

    def __init__(
        self,
        bridge: EngineBridge,
        instruments: dict[str, Instrument],
        theme: Theme,
        symbol: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._instruments = instruments
        self._theme = theme
        self.symbol = ""
        self._closed: list[Bar] = []
        self._highs = self._lows = np.empty(0)
        self._follow = True
        self._build_toolbar()
        self._build_plots()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self._toolbar)
        layout.addWidget(self.graphics, 1)
        bridge.refreshed.connect(self.refresh)
        self.set_symbol(symbol if symbol in instruments else next(iter(sorted(instruments)), ""))

    # ---- construction ----------------------------------------------------------------
    def _build_toolbar(self) -> None:
        self.symbol_box = QComboBox()
        self.symbol_box.setEditable(True)
        self.symbol_box.addItems(sorted(self._instruments))
        self.symbol_box.setMinimumWidth(170)
        completer = QCompleter(sorted(self._instruments), self.symbol_box)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.symbol_box.setCompleter(completer)
        self.symbol_box.activated.connect(lambda _: self.set_symbol(self.symbol_box.currentText()))
        self.timeframe_box = QComboBox()
        self.timeframe_box.addItems(TIMEFRAMES)
        self.readout = QLabel()
        self.readout.setObjectName("chartReadout")
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self._toolbar = QHBoxLayout()
        self._toolbar.setContentsMargins(4, 2, 4, 0)
        self._toolbar.addWidget(self.symbol_box)
        self._toolbar.addWidget(self.timeframe_box)
        self._toolbar.addWidget(self.readout, 1)

    def _build_plots(self) -> None:
        theme = self._theme
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.background)
        self.time_axis = TimeAxis()
        self.price_plot = self.graphics.addPlot(row=0, col=0, axisItems={"bottom": self.time_axis})
        self.volume_axis = TimeAxis()
        self.volume_plot = self.graphics.addPlot(
            row=1, col=0, axisItems={"bottom": self.volume_axis}
        )
        self.graphics.ci.layout.setRowStretchFactor(0, 4)
        self.graphics.ci.layout.setRowStretchFactor(1, 1)
        self.graphics.ci.setSpacing(0)
        for plot in (self.price_plot, self.volume_plot):
            plot.showAxis("right")
            plot.hideAxis("left")
            plot.showGrid(x=True, y=True, alpha=0.15)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.getAxis("right").setWidth(70)
            plot.getViewBox().setMouseEnabled(x=True, y=False)
            for name in ("right", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(theme.grid)
                axis.setTextPen(theme.foreground)
        self.price_plot.getAxis("bottom").setStyle(showValues=False)
        self.price_plot.getAxis("bottom").setHeight(0)
        self.volume_plot.setXLink(self.price_plot)
        self.candles = CandleItem(theme.color("up"), theme.color("down"))
        self.volume = VolumeItem(theme.color("up"), theme.color("down"))
        self.price_plot.addItem(self.candles)
        self.volume_plot.addItem(self.volume)
        self.last_line = pg.InfiniteLine(
            angle=0,
            movable=False,
            pen=pg.mkPen(theme.accent, style=Qt.PenStyle.DashLine),
            label="{value:.2f}",
            labelOpts={"position": 0.93, "color": theme.accent, "fill": theme.background},
        )
        self.price_plot.addItem(self.last_line, ignoreBounds=True)
        cross_pen = pg.mkPen(theme.foreground, width=1, style=Qt.PenStyle.DotLine)
        self.cross_v = pg.InfiniteLine(angle=90, movable=False, pen=cross_pen)
        self.cross_h = pg.InfiniteLine(angle=0, movable=False, pen=cross_pen)
        self.volume_cross = pg.InfiniteLine(angle=90, movable=False, pen=cross_pen)
        self.price_plot.addItem(self.cross_v, ignoreBounds=True)
        self.price_plot.addItem(self.cross_h, ignoreBounds=True)
        self.volume_plot.addItem(self.volume_cross, ignoreBounds=True)
        self.price_plot.sigXRangeChanged.connect(self._on_x_range)
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse)

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.graphics.setBackground(theme.background)
        self.candles.set_colors(theme.color("up"), theme.color("down"))
        self.volume.set_colors(theme.color("up"), theme.color("down"))
        for plot in (self.price_plot, self.volume_plot):
            for name in ("right", "bottom"):
                plot.getAxis(name).setPen(theme.grid)
                plot.getAxis(name).setTextPen(theme.foreground)

    # ---- data ---------------------------------------------------------------------------
    def set_symbol(self, symbol: str) -> None:
        if symbol not in self._instruments or symbol == self.symbol:
            return
        self.symbol = symbol
        self.symbol_box.setCurrentText(symbol)
        decimals = self._instruments[symbol].price_decimals
        self.last_line.label.setFormat(f"{{value:.{decimals}f}}")
        self._closed = []
        self._load_closed()
        self.go_latest()

    def refresh(self) -> None:
        """Called once per GUI frame: pick up closed bars and redraw the forming one."""
        if not self.symbol:
            return
        closed = self._bridge.closed_bars(self.symbol)
        if len(closed) != len(self._closed) or (closed and closed[-1] is not self._closed[-1]):
            self._load_closed(closed)
        forming = self._bridge.forming_bar(self.symbol)
        if forming is not None and (not self._closed or forming.start > self._closed[-1].start):
            self.candles.set_forming(
                (forming.open, forming.high, forming.low, forming.close, forming.volume)
            )
            self.volume.set_forming(
                (forming.open, forming.high, forming.low, forming.close, forming.volume)
            )
            times = self.time_axis.times
            if len(times) == len(self._closed):
                self._set_times(np.append(times, forming.start))
        tick = self._bridge.latest(self.symbol)
        if tick is not None:
            self.last_line.setValue(tick.last)
        if self._follow:
            self._scroll_to_latest()
        self._fit_y()

    def _load_closed(self, closed: list[Bar] | None = None) -> None:
        self._closed = closed if closed is not None else self._bridge.closed_bars(self.symbol)
        bars = self._closed
        o = np.fromiter((b.open for b in bars), float, len(bars))
        h = np.fromiter((b.high for b in bars), float, len(bars))
        low = np.fromiter((b.low for b in bars), float, len(bars))
        c = np.fromiter((b.close for b in bars), float, len(bars))
        v = np.fromiter((b.volume for b in bars), float, len(bars))
        self._highs, self._lows = h, low
        self.candles.set_bars(o, h, low, c, v)
        self.volume.set_bars(o, h, low, c, v)
        self.candles.set_forming(None)
        self.volume.set_forming(None)
        self._set_times(np.fromiter((b.start for b in bars), np.int64, len(bars)))

    def _set_times(self, times: np.ndarray) -> None:
        self.time_axis.times = times
        self.volume_axis.times = times

    # ---- navigation -----------------------------------------------------------------------
    def go_latest(self) -> None:
        self._follow = True
        count = max(self.candles.count, 1)
        self.price_plot.setXRange(count - VISIBLE_BARS, count + 2, padding=0)
        self._fit_y()

    def _scroll_to_latest(self) -> None:
        left, right = self.price_plot.viewRange()[0]
        count = self.candles.count
        if right < count + 1:
            width = right - left
            self.price_plot.setXRange(count + 2 - width, count + 2, padding=0)

    def _on_x_range(self, *_: object) -> None:
        right = self.price_plot.viewRange()[0][1]
        self._follow = right >= self.candles.count - 1
        self._fit_y()

    def _fit_y(self) -> None:
        """Fit the price axis to the visible bars only (a slice, never a scan of all bars)."""
        left, right = self.price_plot.viewRange()[0]
        start = max(0, int(left))
        stop = max(start, int(right) + 1)
        highs, lows = self._highs[start:stop], self._lows[start:stop]
        top = float(highs.max()) if len(highs) else -np.inf
        bottom = float(lows.min()) if len(lows) else np.inf
        forming = self._bridge.forming_bar(self.symbol) if self.symbol else None
        if forming is not None and stop > len(self._highs):
            top, bottom = max(top, forming.high), min(bottom, forming.low)
        if np.isfinite(top) and np.isfinite(bottom):
            pad = (top - bottom) * 0.06 or abs(top) * 0.001 or 1.0
            self.price_plot.setYRange(bottom - pad, top + pad, padding=0)
        volumes = self.volume._v[start:stop]
        vmax = float(volumes.max()) if len(volumes) else 0.0
        if forming is not None:
            vmax = max(vmax, forming.volume)
        self.volume_plot.setYRange(0, vmax * 1.1 or 1.0, padding=0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Home:
            self.go_latest()
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.go_latest()
        super().mouseDoubleClickEvent(event)

    # ---- crosshair ---------------------------------------------------------------------------
    def _on_mouse(self, position: QPointF) -> None:
        if not self.price_plot.sceneBoundingRect().contains(position) and not (
            self.volume_plot.sceneBoundingRect().contains(position)
        ):
            return
        point = self.price_plot.getViewBox().mapSceneToView(position)
        index = round(point.x())
        self.cross_v.setValue(index)
        self.volume_cross.setValue(index)
        self.cross_h.setValue(point.y())
        self.show_readout(index)

    def show_readout(self, index: int) -> None:
        bar = self._bar_at(index)
        if bar is None:
            self.readout.setText("")
            return
        decimals = self._instruments[self.symbol].price_decimals
        previous = self._closed[index - 1].close if 0 < index <= len(self._closed) else bar.open
        change = (bar.close / previous - 1.0) * 100.0 if previous else 0.0
        color = self._theme.up if bar.close >= bar.open else self._theme.down
        parts = (
            [fmt.clock_time(bar.start)[:5]]
            + [
                f"{name} <span style='color:{color}'>{fmt.price(value, decimals)}</span>"
                for name, value in (
                    ("O", bar.open),
                    ("H", bar.high),
                    ("L", bar.low),
                    ("C", bar.close),
                )
            ]
            + [f"V {fmt.big(bar.volume)}", f"<span style='color:{color}'>{change:+.2f}%</span>"]
        )
        self.readout.setText("&nbsp;&nbsp;".join(parts))

    def _bar_at(self, index: int) -> Bar | None:
        if 0 <= index < len(self._closed):
            return self._closed[index]
        if index == len(self._closed):
            return self._bridge.forming_bar(self.symbol)
        return None
