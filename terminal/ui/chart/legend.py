"""A legend in the top-left corner of every pane: what the pane shows and its values at the bar
under the crosshair (the latest bar when the crosshair is away).

The price pane reads the bar's time, open, high, low, close and change, then a line per
overlay; the volume pane its volume; each oscillator pane its indicator's lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter

from terminal.ui import formatting as fmt
from terminal.ui.i18n import translate

if TYPE_CHECKING:
    from terminal.ui.chart.chart import CandleChart

Field = tuple[str, str, str]  # name, value text, colour of the value
Row = list[Field]
LEGEND_Z = 900.0
VCENTER = Qt.AlignmentFlag.AlignVCenter


class PaneLegend(pg.GraphicsObject):
    """Rows of named values, drawn in pixels at the corner of a view box."""

    FONT_POINTS = 8.5

    def __init__(self, view: pg.ViewBox, ink: str, background: str) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.lines: list[Row] = []  # the rows as drawn: wrapped to the pane's width
        self._view = view
        self.ink, self.background = QColor(ink), QColor(background)
        self.background.setAlpha(170)  # readable over candles, which still show through
        self._font = QFont()
        self._font.setPointSizeF(self.FONT_POINTS)
        self._metrics = QFontMetrics(self._font)
        self._rect = QRectF()
        self.setParentItem(view)
        self.setPos(4.0, 2.0)
        self.setZValue(LEGEND_Z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        # Drawn again only when its text changes, not with every frame of the candles.
        self.setCacheMode(self.CacheMode.DeviceCoordinateCache)
        view.sigResized.connect(lambda *_: self._wrap())

    def set_colors(self, ink: str, background: str) -> None:
        self.ink, self.background = QColor(ink), QColor(background)
        self.background.setAlpha(170)
        self.update()

    def set_rows(self, rows: list[Row]) -> None:
        if rows == self.rows:
            return
        self.rows = rows
        self._wrap()

    def _wrap(self) -> None:
        """Break rows wider than the pane into lines, between fields."""
        room = max(float(self._view.width()) - 12.0, 1.0)
        self.lines = []
        for row in self.rows:
            line: Row = []
            for field in row:
                if line and self._row_width([*line, field]) > room:
                    self.lines.append(line)
                    line = []
                line.append(field)
            self.lines.append(line)
        width = max((self._row_width(line) for line in self.lines), default=0)
        self.prepareGeometryChange()
        self._rect = QRectF(-2.0, 0.0, width + 2.0, len(self.lines) * self._metrics.height())
        self.update()

    def text(self) -> str:
        """The legend as plain text, one line per row."""
        return "\n".join("  ".join(f"{n} {v}".strip() for n, v, _ in row) for row in self.rows)

    def _row_width(self, row: Row) -> float:
        return float(sum(self._field_width(field) for field in row))

    def _field_width(self, field: Field) -> int:
        name, value, _ = field
        gap = self._metrics.horizontalAdvance("  ")
        name_width = self._metrics.horizontalAdvance(name + " ") if name else 0
        return name_width + self._metrics.horizontalAdvance(value) + gap

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, *_: Any) -> None:
        painter.setFont(self._font)
        line = self._metrics.height()
        for number, row in enumerate(self.lines):
            y = number * line
            painter.fillRect(QRectF(-2.0, y, self._row_width(row) + 2.0, line), self.background)
            x = 0.0
            for name, value, color in row:
                for text, ink in ((name + " ", self.ink), (value + "  ", QColor(color))):
                    if text.strip():
                        painter.setPen(ink)
                        painter.drawText(QRectF(x, y, 1000.0, line), VCENTER, text)
                        x += self._metrics.horizontalAdvance(text)


class ChartLegends:
    """One legend per pane of ``chart``, following the crosshair or the latest bar."""

    def __init__(self, chart: CandleChart) -> None:
        self.chart = chart
        self.legends: dict[int, PaneLegend] = {}
        self.index: int | None = None  # the bar shown; None: the latest

    def refresh(self) -> None:
        """Read the bars again (after the indicators have taken the refresh's bars)."""
        self.show(self.index)

    def legend(self, pane: pg.PlotItem) -> PaneLegend:
        """The legend of ``pane`` (made on first use)."""
        key = id(pane)
        if key not in self.legends or self.legends[key].scene() is None:
            theme = self.chart.theme
            self.legends[key] = PaneLegend(pane.getViewBox(), theme.foreground, theme.background)
        return self.legends[key]

    def set_theme(self) -> None:
        theme = self.chart.theme
        for legend in self.legends.values():
            legend.set_colors(theme.foreground, theme.background)

    def show(self, index: int | None) -> None:
        """Every pane's values at bar ``index`` (None: the latest bar)."""
        self.index = index
        chart = self.chart
        at = chart.buffer.count - 1 if index is None else index
        rows: dict[int, list[Row]] = {id(pane): [] for pane in chart.panes()}
        bar, volume = self._bar_fields(at)
        rows[id(chart.price_plot)].append(bar)
        rows[id(chart.volume_plot)].append(volume)
        for pane, row in chart.indicators.legend_rows(at):
            rows.setdefault(id(pane), []).append(row)
        for pane in chart.panes():
            self.legend(pane).set_rows([row for row in rows[id(pane)] if row])

    def text(self) -> str:
        """Every legend as plain text, top pane first."""
        legends = [self.legends.get(id(pane)) for pane in self.chart.panes()]
        return "\n".join(legend.text() for legend in legends if legend is not None)

    def _bar_fields(self, index: int) -> tuple[Row, Row]:
        chart = self.chart
        row = chart.buffer.row(index)
        if row is None:
            return [], []
        start, o, h, low, c, v = row
        decimals = chart.price_decimals()
        previous = chart.buffer.row(index - 1)
        base = previous[4] if previous is not None else o
        change = (c / base - 1.0) * 100.0 if base else 0.0
        theme = chart.theme
        color = theme.up if c >= o else theme.down
        when = chart.time_axis.time_text(start, "%Y-%m-%d %H:%M")
        bar: Row = [("", when, theme.foreground)]
        bar += [
            (name, fmt.price(value, decimals), color)
            for name, value in (
                (translate("ChartLegends", "O"), o),
                (translate("ChartLegends", "H"), h),
                (translate("ChartLegends", "L"), low),
                (translate("ChartLegends", "C"), c),
            )
        ]
        bar.append(("", fmt.percent(change), color))
        return bar, [(translate("ChartLegends", "Vol"), fmt.big(v), color)]
