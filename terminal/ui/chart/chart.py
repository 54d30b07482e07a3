"""The live candle chart: candles and volume by bar index, live updates, navigation.

Bars come from the bridge as numpy blocks (never one Bar object per row); closed bars are
appended as the engine closes them, the forming bar is redrawn once per GUI refresh, and the
y range is fitted to the visible candles only (the level-of-detail buckets, so at most about
one value per pixel column is scanned).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, tzinfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar
from terminal.engine.bars.timeframes import SUPPORTED, parse_timeframe
from terminal.ui.alerts.chart_alerts import ChartAlerts
from terminal.ui.bridge import EngineBridge
from terminal.ui.chart.crosshair import Crosshair
from terminal.ui.chart.data import BarBuffer
from terminal.ui.chart.drawing_store import DrawingStore
from terminal.ui.chart.drawing_tools import ChartDrawings
from terminal.ui.chart.indicator_dialog import IndicatorMenu
from terminal.ui.chart.indicators import ChartIndicators
from terminal.ui.chart.items import CandleItem, VolumeItem, visible_span
from terminal.ui.chart.legend import ChartLegends
from terminal.ui.chart.line_labels import LineLabels
from terminal.ui.chart.panes import ChartPanes
from terminal.ui.chart.toolbar import ChartToolbar
from terminal.ui.chart.trades import ChartTrades
from terminal.ui.theme import Theme

VISIBLE_BARS = 150
HISTORY_CHUNK = 100_000  # bars taken from the engine at once; older ones load at the left edge
LOAD_MARGIN = 20  # bars from the left edge at which older history is fetched
TIMEFRAMES = [tf for tf in SUPPORTED if tf != "1s"]
PERIOD_SECONDS = {"day": 86_400.0, "week": 7 * 86_400.0, "month": 30 * 86_400.0}


class CandleChart(QWidget):
    """One chart on one symbol and timeframe, following the latest bar unless scrolled back.

    ``symbol`` if the bridge lists it, else the first listed symbol."""

    symbol_changed = Signal(str)
    timeframe_changed = Signal(str)
    ladder_requested = Signal(str)  # symbol: "Ladder" on the price pane's right-click menu

    def __init__(
        self,
        bridge: EngineBridge,
        theme: Theme,
        symbol: str,
        parent: QWidget | None = None,
        *,
        timeframe: str = "1m",
        history_chunk: int = HISTORY_CHUNK,
        drawings: DrawingStore | None = None,
    ) -> None:
        """``drawings``: where the drawings are kept (default: the user's data folder)."""
        super().__init__(parent)
        self._bridge = bridge
        self._theme = theme
        self.symbol = ""
        self.timeframe = timeframe if timeframe in TIMEFRAMES else "1m"
        self.history_chunk = history_chunk
        self.buffer = BarBuffer()
        self._offset = 0  # engine index of our bar 0: older bars are still in the engine
        self._synced = 0  # engine bar count at the last sync
        self._unsubscribe: Callable[[], None] = lambda: None
        self._follow = True
        self._loading_older = False
        self._dropped: int | None = None  # start of a held bar that is in fact still forming
        self.bar_seconds = 60.0
        self.local_time = False  # times in the machine's zone rather than the exchange's
        self.after_refresh: list[Callable[[], None]] = []  # indicator and trade layers
        self.price_extents: list[Callable[[], tuple[float, float] | None]] = []
        """Lowest and highest visible value of each overlay: the price fit includes them."""
        self.toolbar = ChartToolbar(self, bridge.symbols())
        self.symbol_box, self.timeframe_box = self.toolbar.symbol_box, self.toolbar.timeframe_box
        self.timeframe_box.addItems(TIMEFRAMES)
        self.timeframe_box.setCurrentText(self.timeframe)
        self.history_status = self.toolbar.history_status
        self._build_plots(drawings or DrawingStore())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.graphics, 1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        bridge.refreshed.connect(self.refresh)
        self.set_symbol(symbol if symbol in self.instruments else next(iter(bridge.symbols()), ""))

    # ---- construction ----------------------------------------------------------------
    def _build_plots(self, store: DrawingStore) -> None:
        theme = self._theme
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.background)
        self.graphics.ci.setSpacing(0)
        self.pane_set = ChartPanes(self.graphics, self.buffer, theme)
        self.price_plot, self.volume_plot = self.pane_set.price, self.pane_set.volume
        self.price_axis, self.time_axis = self.pane_set.price_axis, self.pane_set.time_axis
        self.volume_axis = self.pane_set.volume_axis
        self.candles = CandleItem(self.buffer, theme.color("up"), theme.color("down"))
        self.volume = VolumeItem(
            self.buffer, theme.color("up"), theme.color("down"), theme.color("background")
        )
        self.price_plot.addItem(self.candles)
        self.volume_plot.addItem(self.volume)
        self.last_line = pg.InfiniteLine(
            angle=0, movable=False, pen=pg.mkPen(theme.accent, style=Qt.PenStyle.DashLine)
        )
        self.last_line.hide()
        self.price_plot.addItem(self.last_line, ignoreBounds=True)
        self.price_plot.sigXRangeChanged.connect(self._on_x_range)
        self.line_labels = LineLabels(self.price_plot.getViewBox(), theme.background)
        self.legends = ChartLegends(self)
        self.crosshair = Crosshair(self)
        self.indicators = ChartIndicators(self)
        self.indicator_menu = IndicatorMenu(self.indicators)
        self.drawings = ChartDrawings(self, store)
        self.toolbar.finish(self.indicator_menu, self.drawings.button)
        self.trades = ChartTrades(self, self._bridge)
        self.alerts = ChartAlerts(self)
        self.after_refresh.append(self.legends.refresh)  # last: the indicators are up to date

    def add_indicator_pane(self) -> pg.PlotItem:
        """A new pane at the bottom for an oscillator; it takes over the time labels."""
        return self.pane_set.add_indicator_pane()

    def remove_pane(self, pane: pg.PlotItem) -> None:
        self.pane_set.remove(pane)

    def panes(self) -> list[pg.PlotItem]:
        """The plots top to bottom: price, volume, then indicator panes."""
        return self.pane_set.all()

    @property
    def theme(self) -> Theme:
        return self._theme

    @property
    def bridge(self) -> EngineBridge:
        return self._bridge

    @property
    def instruments(self) -> dict[str, Instrument]:
        """The instruments the chart may show (those the bridge lists)."""
        return self._bridge.instruments()

    def price_decimals(self) -> int:
        instrument = self._bridge.instrument(self.symbol)
        return instrument.price_decimals if instrument else 2

    def tick_size(self) -> float:
        instrument = self._bridge.instrument(self.symbol)
        return instrument.tick_size if instrument else 0.01

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.pane_set.set_theme(theme)
        self.candles.set_colors(theme.color("up"), theme.color("down"))
        self.volume.background = theme.color("background")
        self.volume.set_colors(theme.color("up"), theme.color("down"))
        self.indicators.set_theme(theme)
        self.legends.set_theme()
        self.line_labels.set_background(theme.background)
        self.trades.redraw()
        self.drawings.load()

    # ---- the clock of the time axis -----------------------------------------------------------
    def exchange_tz(self) -> tzinfo:
        return self._bridge.exchange_tz(self.symbol) if self.symbol else UTC

    def set_local_time(self, local: bool) -> None:
        """Times on the axis and in the legend in the machine's zone (``local``) or the
        exchange's."""
        self.local_time = local
        self.pane_set.set_time(self.bar_seconds, None if local else self.exchange_tz())
        self.toolbar.zone_button.show_state()
        self.legends.show(self.legends.index)

    # ---- symbol and timeframe ---------------------------------------------------------------
    def set_symbol(self, symbol: str) -> None:
        symbol = symbol.strip()
        if symbol not in self.instruments or symbol == self.symbol:
            self.symbol_box.setCurrentText(self.symbol)
            return
        self.symbol = symbol
        self.symbol_box.setCurrentText(symbol)
        editor = self.symbol_box.lineEdit()
        if editor is not None:
            editor.setCursorPosition(0)  # if cut, cut the exchange suffix
        self._reload()
        self.symbol_changed.emit(symbol)

    def set_timeframe(self, timeframe: str) -> None:
        parse_timeframe(timeframe)  # a clear error naming the value
        if timeframe == self.timeframe:
            return
        self.timeframe = timeframe
        self.timeframe_box.setCurrentText(timeframe)
        self._reload()
        self.timeframe_changed.emit(timeframe)

    def _reload(self) -> None:
        self._unsubscribe()
        self._unsubscribe = self._bridge.subscribe_bars(self.symbol, self.timeframe)
        fetching = self._bridge.request_history(self.symbol, self.timeframe)  # in the background
        self.history_status.follow(self.symbol, self.timeframe, fetching)
        tf = parse_timeframe(self.timeframe)
        self.bar_seconds = tf.length_ns / 1e9 if tf.intraday else PERIOD_SECONDS[tf.kind]
        self.set_local_time(self.local_time)
        self.price_axis.set_marker("last", None)
        self.last_line.hide()
        self.load_history()
        self.go_latest()
        self.legends.show(None)

    def load_history(self) -> None:
        """Take the newest ``history_chunk`` closed bars from the engine as numpy blocks."""
        total = self._bridge.bar_count(self.symbol, self.timeframe)
        self._offset = max(0, total - self.history_chunk)
        self._dropped = None
        self.buffer.load(*self._bridge.bar_arrays(self.symbol, self.timeframe, self._offset))
        self._synced = total
        self._apply_forming(self._bridge.forming_bar(self.symbol, self.timeframe))
        self._update_limits()

    def load_older(self) -> int:
        """Prepend the next chunk of older bars; the view keeps showing the same bars."""
        if self._offset == 0:
            return 0
        first = max(0, self._offset - self.history_chunk)
        added = self._offset - first
        self._offset = first
        arrays = self._bridge.bar_arrays(self.symbol, self.timeframe, first, self._synced)
        self.buffer.prepend(*arrays)
        self._update_limits()
        (left, right), _ = self.price_plot.viewRange()
        self.price_plot.setXRange(left + added, right + added, padding=0)
        return added

    def _update_limits(self) -> None:
        count = self.buffer.count
        self.price_plot.setLimits(xMin=-VISIBLE_BARS, xMax=count + VISIBLE_BARS, minXRange=8)

    # ---- live ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Called once per GUI frame: pick up closed bars and redraw the forming one."""
        if not self.symbol:
            return
        self._sync_closed()
        self._apply_forming(self._bridge.forming_bar(self.symbol, self.timeframe))
        tick = self._bridge.latest(self.symbol)
        if tick is not None and tick.traded:  # no line at 0 before the day's first trade
            self.set_last_price(tick.last)
        if self._follow:
            self._scroll_to_latest()
        self.fit_y()
        for callback in self.after_refresh:
            callback()

    def _sync_closed(self) -> None:
        total = self._bridge.bar_count(self.symbol, self.timeframe)
        if self._dropped is not None:
            forming = self._bridge.forming_bar(self.symbol, self.timeframe)
            if forming is None or forming.start != self._dropped:  # that period has closed
                self._dropped = None
                arrays = self._bridge.bar_arrays(self.symbol, self.timeframe, self._offset)
                self.buffer.extend(*arrays)
                self._synced = total
        if total == self._synced:
            return
        size = self.buffer.size
        held_last = int(self.buffer.starts[size - 1]) if size else None
        engine_last = (
            self._bridge.bar_start(self.symbol, self.timeframe, self._synced - 1)
            if 0 < self._synced <= total
            else None
        )
        if total > self._synced and held_last == engine_last:
            self.buffer.extend(*self._bridge.bar_arrays(self.symbol, self.timeframe, self._offset))
            self._synced = total
            self._update_limits()
        else:  # history was merged or replaced under us: start over
            self.load_history()

    def _apply_forming(self, bar: Bar | None) -> None:
        size = self.buffer.size
        if bar is not None and size and bar.start == self.buffer.starts[size - 1]:
            # History derived from finer bars when this timeframe was subscribed already holds
            # a partial bar for the period still forming: show the live one in its place.
            self.buffer.drop_last()
            self._dropped = bar.start
            size -= 1
        if bar is None or (size and bar.start <= self.buffer.starts[size - 1]):
            self.buffer.set_forming(None)
        else:
            self.buffer.set_forming(
                (bar.start, bar.open, bar.high, bar.low, bar.close, bar.volume)
            )
        self.candles.update()
        self.volume.update()

    def apply_forming(self, bar: Bar) -> None:
        """Show ``bar`` as the forming bar now (the benchmark and tests drive this directly)."""
        self._apply_forming(bar)
        self.set_last_price(bar.close)
        if self._follow:
            self._scroll_to_latest()
        self.fit_y()

    def set_last_price(self, price: float) -> None:
        decimals = self.price_decimals()
        self.last_line.setValue(price)
        self.last_line.show()
        self.price_axis.set_marker(
            "last", price, f"{price:.{decimals}f}", self._theme.accent, self._theme.background
        )

    # ---- navigation -----------------------------------------------------------------------
    def go_latest(self) -> None:
        self._follow = True
        count = max(self.buffer.count, 1)
        self.price_plot.setXRange(count - VISIBLE_BARS, count + 2, padding=0)
        self.fit_y()

    def show_all(self) -> None:
        self.price_plot.setXRange(-1, self.buffer.count + 1, padding=0)

    def zoom(self, factor: float, center: float | None = None) -> None:
        """Scale the visible bar count by ``factor`` around ``center`` (default: right edge
        when following, else the middle)."""
        (left, right), _ = self.price_plot.viewRange()
        if center is None:
            center = right if self._follow else (left + right) / 2
        self.price_plot.setXRange(
            center - (center - left) * factor, center + (right - center) * factor, padding=0
        )

    def pan(self, bars: float) -> None:
        (left, right), _ = self.price_plot.viewRange()
        self.price_plot.setXRange(left + bars, right + bars, padding=0)

    def _scroll_to_latest(self) -> None:
        (left, right), _ = self.price_plot.viewRange()
        count = self.buffer.count
        if right < count + 1.5:  # keep two bars of room after the latest
            self.price_plot.setXRange(count + 2 - (right - left), count + 2, padding=0)

    def _on_x_range(self, *_: object) -> None:
        (left, right), _ = self.price_plot.viewRange()
        self._follow = right >= self.buffer.count - 1
        if left < LOAD_MARGIN and self._offset > 0 and not self._loading_older:
            self._loading_older = True
            QTimer.singleShot(0, self._load_older_now)  # not inside pyqtgraph's range signal
        self.fit_y()

    def _load_older_now(self) -> None:
        try:
            self.load_older()
        finally:
            self._loading_older = False

    def fit_y(self) -> None:
        """Fit price and volume to the visible candles (buckets when zoomed out), and to the
        overlays drawn over them (a Bollinger band is often wider than the candles)."""
        buckets = self.candles.visible() if self.candles.getViewBox() else None
        if buckets is None or not len(buckets):
            return
        top, bottom = float(buckets.high.max()), float(buckets.low.min())
        for extent in self.price_extents:
            span = extent()
            if span is not None:
                bottom, top = min(bottom, span[0]), max(top, span[1])
        pad = (top - bottom) * 0.06 or abs(top) * 0.001 or 1.0
        self.price_plot.setYRange(bottom - pad, top + pad, padding=0)
        self.volume_plot.setYRange(0, float(buckets.volume.max()) * 1.1 or 1.0, padding=0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, width = event.key(), np.diff(self.price_plot.viewRange()[0])[0]
        actions = {
            Qt.Key.Key_Home: self.go_latest,
            Qt.Key.Key_End: self.show_all,
            Qt.Key.Key_Left: lambda: self.pan(-width / 10),
            Qt.Key.Key_Right: lambda: self.pan(width / 10),
            Qt.Key.Key_Up: lambda: self.zoom(0.8),
            Qt.Key.Key_Plus: lambda: self.zoom(0.8),
            Qt.Key.Key_Down: lambda: self.zoom(1.25),
            Qt.Key.Key_Minus: lambda: self.zoom(1.25),
        }
        if key == Qt.Key.Key_Escape:
            self.drawings.cancel()
        action = actions.get(Qt.Key(key))
        if action is None:
            super().keyPressEvent(event)
            return
        action()

    def close_chart(self) -> None:
        """Let go of the engine: bar subscription and bridge signals."""
        self._unsubscribe()
        self.trades.close()
        self.alerts.close()
        self._bridge.refreshed.disconnect(self.refresh)

    # ---- crosshair support ------------------------------------------------------------------
    def visible_range(self) -> tuple[int, int, int]:
        return visible_span(self.price_plot.getViewBox())
