"""The chart's axes: bar times along the bottom in the exchange's zone (or the machine's), values
on the right with tags (last price, crosshair); no two labels overlap, none is cut at a pane's
edge, and none peeks out from under a tag."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter

from terminal.ui.chart.data import BarBuffer


class TimeAxis(pg.AxisItem):
    """Bottom axis that labels bar indices with their start times in ``tz`` (the exchange's
    zone, or None for the machine's own; set by the chart); the format follows zoom, the
    spacing the labels' width."""

    def __init__(self, buffer: BarBuffer, **kwargs: Any) -> None:
        super().__init__(orientation="bottom", **kwargs)
        self.buffer = buffer
        self.bar_seconds = 60.0
        self.tz: tzinfo | None = UTC

    def set_time(self, bar_seconds: float, tz: tzinfo | None) -> None:
        self.bar_seconds, self.tz = bar_seconds, tz
        self.picture = None  # pyqtgraph's cached labels
        self.update()

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        fmt = time_format(spacing * self.bar_seconds, self.bar_seconds)
        labels = []
        for value in values:
            start = self.buffer.start_at(round(value))
            labels.append("" if start is None else self.time_text(start, fmt))
        return labels

    def time_text(self, start_ns: int, fmt: str) -> str:
        return datetime.fromtimestamp(start_ns / 1e9, self.tz).strftime(fmt)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        """One level of labels, a whole number of bars apart and far enough apart for their
        text (pyqtgraph's own spacing suits short numbers, and time labels are long)."""
        if maxVal <= minVal or size <= 0:
            return super().tickSpacing(minVal, maxVal, size)
        metrics = QFontMetrics(self.style["tickFont"] or self.font())
        per_bar = size / (maxVal - minVal)
        step = 1.0
        for step in _label_steps():
            fmt = time_format(step * self.bar_seconds, self.bar_seconds)
            width = metrics.horizontalAdvance(SAMPLE_TIME.strftime(fmt)) + LABEL_GAP_PX
            if step * per_bar >= width:
                break
        return [(step, 0.0)]


SAMPLE_TIME = datetime(2024, 12, 28, 23, 58, 58)  # wide digits: the widest label of a format
LABEL_GAP_PX = 16


def _label_steps() -> list[float]:
    """Bars between labels: 1, 2, 4, 5, 8, 10, 20, 25, 40 … up to 8 million."""
    steps = {m * 10**e for e in range(7) for m in (1, 2, 4, 5, 8)} | {25 * 10**e for e in range(6)}
    return [float(step) for step in sorted(steps)]


def time_format(seconds_between_labels: float, bar_seconds: float) -> str:
    # Daily bars 25 or more apart are over a month apart: a month names each label, and the
    # shorter labels let more of them in.
    daily_months = bar_seconds >= 86_400 and seconds_between_labels >= 25 * 86_400
    if bar_seconds >= 28 * 86_400 or seconds_between_labels >= 300 * 86_400 or daily_months:
        return "%Y-%m"
    if bar_seconds >= 86_400 or seconds_between_labels >= 86_400:
        return "%Y-%m-%d"
    if seconds_between_labels >= 4 * 3_600:
        return "%m-%d %H:%M"
    if bar_seconds < 60:
        return "%H:%M:%S"
    return "%H:%M"


def value_step(span: float, pixels: float, pitch_px: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k putting ``pitch_px`` or more between labels when
    ``span`` value units take ``pixels``."""
    if span <= 0 or pixels <= 0 or not math.isfinite(span):
        return 1.0
    wanted = span * pitch_px / pixels
    base = 10.0 ** math.floor(math.log10(wanted))
    return next(m * base for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * base >= wanted * 0.999)


class PriceAxis(pg.AxisItem):
    """Right value axis of a pane; can show tagged values (last price, crosshair) on it.

    Labels are one level, a round step apart and ``LABEL_PITCH`` line heights or more, none
    cut at the pane's edge and none peeking out from under a tag. ``compact`` labels big
    numbers with K/M/B (volume). A tag wider than the axis asks ``widen`` (the chart: every
    pane's axis, so they stay aligned) for the room, rather than being cut."""

    LABEL_PITCH = (1.5, 2.5)  # line heights from one label to the next: least, most

    def __init__(self, compact: bool = False, **kwargs: Any) -> None:
        super().__init__(orientation="right", **kwargs)
        self.setStyle(hideOverlappingLabels=True)  # not past the pane's edge, into the next
        self.compact = compact
        self.markers: dict[str, tuple[float, str, QColor, QColor]] = {}
        self._font = QFont()
        self._font.setPointSizeF(8.5)
        self.widen: Callable[[int], None] = lambda width: None
        self.text_rects: list[QRectF] = []  # the tick labels last drawn (tests read them)
        self._label_rects: list[QRectF] = []  # every label, before the tags left some out
        self._hidden: frozenset[int] = frozenset()  # which of them the tags covered then

    def set_marker(
        self, key: str, value: float | None, text: str = "", fill: str = "", ink: str = ""
    ) -> None:
        old = self.markers.get(key)
        if value is None:
            self.markers.pop(key, None)
        else:
            self.markers[key] = (value, text, QColor(fill), QColor(ink))
            if self.text_width(text) > (self.fixedWidth or self.width()):
                self.widen(self.text_width(text))
        # The tick labels a tag covers are left out: draw them anew only when a tag leaves or
        # reaches one, not on every move of the last price (pyqtgraph's labels cost ~1 ms).
        if (old is None or value is None or old[0] != value) and self._covered() != self._hidden:
            self.picture = None
        self.update()

    def _covered(self) -> frozenset[int]:
        """Which of the labels (all of them, as last laid out) a tag covers now."""
        tags = self._tag_rects([value for value, *_ in self.markers.values()])
        return frozenset(number for number, rect in enumerate(self._label_rects)
                         if any(rect.intersects(tag) for tag in tags))  # fmt: skip

    def text_width(self, text: str) -> int:
        """Pixels a tag showing ``text`` takes, margins included."""
        return QFontMetrics(self._font).horizontalAdvance(text) + 8

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        line = QFontMetrics(self.style["tickFont"] or self.font()).height()
        least, most = self.LABEL_PITCH
        pitch = min(max(size / 5, least * line), most * line)  # a small pane: closer labels
        return [(value_step(abs(maxVal - minVal), size, pitch), 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.compact:
            return [_compact(v, spacing) for v in values]
        places = max(0, math.ceil(-math.log10(spacing))) if spacing > 0 else 0
        return [f"{v:.{places}f}" for v in values]

    def generateDrawSpecs(self, p: QPainter) -> Any:
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return None
        axis, ticks, texts = specs
        self._label_rects = [spec[0] for spec in texts]
        self._hidden = self._covered()
        kept: list[Any] = []
        for number, spec in enumerate(texts):
            if number in self._hidden or (kept and spec[0].intersects(kept[-1][0])):
                continue
            kept.append(spec)
        self.text_rects = [spec[0] for spec in kept]
        return axis, ticks, kept

    def _tag_rects(self, values: list[float]) -> list[QRectF]:
        """Where a tag at each of ``values`` is drawn, in the axis's coordinates."""
        view = self.linkedView()
        if view is None:
            return []
        height = QFontMetrics(self._font).height() + 2
        rects = []
        for value in values:
            y = self.mapFromScene(view.mapViewToScene(QPointF(0.0, value))).y()
            rects.append(QRectF(1.0, y - height / 2, self.width() - 1.0, height))
        return rects

    def paint(self, painter: QPainter, *args: Any) -> None:
        super().paint(painter, *args)
        if not self.markers:
            return
        painter.setFont(self._font)
        tags = self._tag_rects([value for value, *_ in self.markers.values()])
        for rect, (_, text, fill, ink) in zip(tags, self.markers.values(), strict=True):
            if not 0 <= rect.center().y() <= self.height():
                continue
            painter.fillRect(rect, fill)
            painter.setPen(ink)
            painter.drawText(rect.adjusted(3, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)


def _compact(value: float, spacing: float) -> str:
    """20K, 1.5M: as few digits as tell labels ``spacing`` apart."""
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= scale or spacing >= scale:
            places = max(0, math.ceil(-math.log10(spacing / scale))) if spacing > 0 else 0
            return f"{value / scale:.{places}f}{suffix}"
    places = max(0, math.ceil(-math.log10(spacing))) if spacing > 0 else 0
    return f"{value:.{places}f}"
