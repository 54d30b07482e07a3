"""The health dock: the circuit breakers (armed, or tripped with a Re-arm button), red/amber/
green per feed and broker with the reason, latency per path with a small sparkline, and the
engine's counters — refreshed from the 1 Hz health snapshot."""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.enums import PluginKind
from terminal.engine.monitoring.health import HealthLevel
from terminal.engine.monitoring.metrics import PATHS, HealthSnapshot, LatencySummary
from terminal.ui.i18n import QT_TRANSLATE_NOOP, names, translate
from terminal.ui.monitors.breakers_box import BreakersBox
from terminal.ui.theme import Theme

LEVEL_COLORS = {  # the Theme field each verdict is drawn in
    HealthLevel.GREEN: "good",
    HealthLevel.AMBER: "warning",
    HealthLevel.RED: "bad",
}
PATH_TITLES = {  # translated where shown, in the context "HealthPanel"
    "tick_to_strategy": QT_TRANSLATE_NOOP("HealthPanel", "tick → bars → strategies"),
    "bar_to_strategy": QT_TRANSLATE_NOOP("HealthPanel", "bar close → strategies"),
    "order_to_ack": QT_TRANSLATE_NOOP("HealthPanel", "order → broker ack"),
    "order_to_fill": QT_TRANSLATE_NOOP("HealthPanel", "order → fill"),
}
HISTORY = 120  # sparkline points: two minutes of snapshots
COLUMNS = ["", QT_TRANSLATE_NOOP("HealthPanel", "Kind"), QT_TRANSLATE_NOOP("HealthPanel", "Name"),
           QT_TRANSLATE_NOOP("HealthPanel", "Status"), QT_TRANSLATE_NOOP("HealthPanel", "Why"),
           QT_TRANSLATE_NOOP("HealthPanel", "Ticks/s"),
           QT_TRANSLATE_NOOP("HealthPanel", "Last tick")]  # fmt: skip


def format_seconds(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def latency_text(summary: LatencySummary, total: tuple[int, float], window_s: float) -> str:
    """The window's percentiles; when it holds none, whether any came before it."""
    count, seconds = total
    if not summary.count and count:
        return translate(
            "HealthPanel", "none in the last {window} s · {count} before, mean {mean}"
        ).format(window=f"{window_s:g}", count=f"{count:,}", mean=format_seconds(seconds / count))
    if not summary.count:
        return translate("HealthPanel", "no samples yet")
    return translate(
        "HealthPanel", "p50 {p50} · p90 {p90} · p99 {p99} · max {max} ({count})"
    ).format(
        p50=format_seconds(summary.p50), p90=format_seconds(summary.p90),
        p99=format_seconds(summary.p99), max=format_seconds(summary.max), count=summary.count,
    )  # fmt: skip


class HealthPanel(QWidget):
    """Shows one :class:`HealthSnapshot` at a time; keeps a short p99 history per path."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(title) for title in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.history = {path: deque[float](maxlen=HISTORY) for path in PATHS}
        self.latency_labels: dict[str, QLabel] = {}
        self.sparklines: dict[str, pg.PlotDataItem] = {}
        grid = QGridLayout()
        for row, path in enumerate(PATHS):
            grid.addWidget(QLabel(self.tr(PATH_TITLES[path])), row, 0)
            label = self.latency_labels[path] = QLabel(self.tr("no samples yet"))
            grid.addWidget(label, row, 1)
            plot = pg.PlotWidget(background=theme.background)
            plot.setFixedHeight(28)
            plot.setMinimumWidth(120)
            plot.hideAxis("left")
            plot.hideAxis("bottom")
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            plot.setToolTip(self.tr("p99 of {path}, last {seconds} s").format(
                path=self.tr(PATH_TITLES[path]), seconds=HISTORY))  # fmt: skip
            self.sparklines[path] = plot.plot(pen=pg.mkPen(theme.accent, width=1))
            grid.addWidget(plot, row, 2)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(PATHS), 1)
        self.breakers = BreakersBox(theme)
        self.figures = QLabel(self.tr("waiting for the first snapshot…"))
        self.figures.setWordWrap(True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Side by side: the dock is short, and both halves are read at a glance.
        columns = QHBoxLayout()
        columns.addWidget(self.table, 3)
        columns.addLayout(grid, 2)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(2, 2, 2, 2)
        inner.addWidget(self.breakers)
        inner.addLayout(columns, 1)
        inner.addWidget(self.figures)
        # Scrolls rather than raise the window's minimum height (the dock shares its row).
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        # Let the dock's themed background show through (the viewport paints its own).
        scroll.viewport().setAutoFillBackground(False)
        content.setAutoFillBackground(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def show_snapshot(self, snap: HealthSnapshot) -> None:
        self._fill_table(snap)
        for path in PATHS:
            summary = snap.latency.get(path, LatencySummary())
            total = snap.latency_totals.get(path, (0, 0.0))
            self.latency_labels[path].setText(latency_text(summary, total, snap.latency_window_s))
            points = self.history[path]
            points.append(summary.p99 * 1e3 if summary.count else math.nan)  # a gap, not a 0
            self.sparklines[path].setData(np.asarray(points, dtype=float), connect="finite")
        self.figures.setText(figures_text(snap))

    def _fill_table(self, snap: HealthSnapshot) -> None:
        rows: list[tuple[str, str, HealthLevel, str, str, str, str]] = []
        for feed in snap.feeds:
            age = "—" if feed.last_tick_age_s is None else self.tr("{seconds} s ago").format(
                seconds=f"{feed.last_tick_age_s:.0f}")  # fmt: skip
            health = feed.health
            rows.append(
                (
                    names.name(PluginKind.FEED),
                    feed.name,
                    health.level,
                    health.status,
                    health.reason,
                    f"{feed.ticks_per_s:,.0f}",
                    age,
                )
            )
        for broker in snap.brokers:
            health = broker.health
            why = health.reason
            if broker.outbox > 0:
                waiting = self.tr("{count} alert(s) waiting").format(count=broker.outbox)
                why = f"{why} · {waiting}" if why else waiting
            rows.append(
                (
                    names.name(PluginKind.BROKER),
                    broker.name,
                    health.level,
                    health.status,
                    why,
                    "",
                    "",
                )
            )
        self.table.setRowCount(len(rows))
        for row, (kind, name, level, status, why, rate, age) in enumerate(rows):
            dot = QTableWidgetItem("●")
            dot.setForeground(QBrush(self._theme.color(LEVEL_COLORS[level])))
            dot.setToolTip(names.name(level))
            dot.setData(Qt.ItemDataRole.UserRole, level.value)
            self.table.setItem(row, 0, dot)
            for column, text in enumerate((kind, name, status, why, rate, age), start=1):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def rows(self) -> list[tuple[str, ...]]:
        """What the table shows, level first (for tests and copying)."""
        out = []
        for row in range(self.table.rowCount()):
            items = [self.table.item(row, c) for c in range(self.table.columnCount())]
            level = str(items[0].data(Qt.ItemDataRole.UserRole)) if items[0] else ""
            out.append((level, *(item.text() if item else "" for item in items[1:])))
        return out


def figures_text(snap: HealthSnapshot) -> str:
    errors = sum(snap.handler_errors.values())
    worst = max(snap.handler_errors.items(), key=lambda item: item[1], default=None)
    parts = [
        translate("HealthPanel", "ticks {count}").format(count=f"{snap.ticks_total:,}"),
        translate("HealthPanel", "queued {count}").format(count=f"{snap.backlog:,}")
        + (translate("HealthPanel", " — SHEDDING LOAD") if snap.shedding else ""),
        translate("HealthPanel", "conflated {count}").format(count=f"{snap.conflated:,}"),
        translate("HealthPanel", "handler errors {count}").format(count=errors)
        + (
            translate("HealthPanel", " (most: {name} ×{count})").format(
                name=worst[0], count=worst[1]
            )
            if worst
            else ""
        ),
        translate(
            "HealthPanel",
            "bars dropped: {outside} outside sessions, {late} late, {duplicate} duplicate",
        ).format(
            outside=f"{snap.bars_outside_sessions:,}", late=f"{snap.bars_late:,}",
            duplicate=f"{snap.bars_duplicates:,}"),
        translate("HealthPanel", "tasks {count}").format(count=snap.tasks),
        translate("HealthPanel", "CPU {percent}%").format(percent=f"{snap.cpu_percent:.0f}"),
        translate("HealthPanel", "memory {mb} MB").format(mb=f"{snap.rss_bytes / 1e6:,.0f}"),
    ]  # fmt: skip
    return " · ".join(parts)
