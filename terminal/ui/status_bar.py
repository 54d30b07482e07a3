"""The main window's status bar: plugins that failed, tripped circuit breakers, each feed's
and broker's connection with the age of its latest tick, load shedding and GUI loop lag, and
the tick rate."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from terminal.domain.enums import ConnectionStatus
from terminal.domain.events import BreakerTripped, FeedStatus
from terminal.ui.bridge import EngineBridge
from terminal.ui.heartbeat import LoopHeartbeat
from terminal.ui.i18n import names, translate
from terminal.ui.i18n.dates import next_poll_text
from terminal.ui.monitors.breakers_box import trip_text
from terminal.ui.theme import Theme

SEVERITY = [  # which of a venue's two connections (quotes, orders) colours its dot: the worse
    ConnectionStatus.CLOSED,
    ConnectionStatus.LIVE,
    ConnectionStatus.CONNECTING,
    ConnectionStatus.STALE,
    ConnectionStatus.DISCONNECTED,
    ConnectionStatus.ERROR,
]
STATUS_COLORS = {  # the Theme field each connection status is drawn in
    ConnectionStatus.LIVE: "good",
    ConnectionStatus.CONNECTING: "warning",
    ConnectionStatus.STALE: "warning",
    ConnectionStatus.DISCONNECTED: "muted",
    ConnectionStatus.ERROR: "bad",
    ConnectionStatus.CLOSED: "muted",
}


class WindowStatusBar(QStatusBar):
    """Follows the bridge: connection changes as they come, rates and ages once a second."""

    def __init__(self, bridge: EngineBridge, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._theme = theme
        self._status_labels: dict[str, QLabel] = {}
        self._statuses: dict[str, FeedStatus] = {}
        self.rate_label = QLabel(self.tr("0 ticks/s"))
        self.load_label = QLabel()  # load shedding and GUI loop lag
        # May be cut rather than widen the window's minimum size.
        self.load_label.setMinimumWidth(1)
        self.heartbeat = LoopHeartbeat(parent=self)
        self.heartbeat.start()
        self.plugin_label = QLabel()
        self.addWidget(self.plugin_label)
        self._show_failed_plugins()
        self.breaker_label = QLabel()
        self.addWidget(self.breaker_label)
        self.show_breakers(bridge.tripped_breakers())
        bridge.breakers_changed.connect(self.show_breakers)
        for state in bridge.connection_states():
            self.show_status(state)
        self.addPermanentWidget(self.load_label)
        self.addPermanentWidget(self.rate_label)
        bridge.status_changed.connect(self.show_status)
        bridge.tick_rate_changed.connect(self._on_tick_rate)  # once a second

    def show_status(self, state: FeedStatus) -> None:
        """The connection of one feed or broker: a dot in its status colour, the status and
        how long ago its latest tick came; the reason in the tooltip. A venue whose feed and
        broker share a name gets one label saying both (``quotes stale · orders live``)."""
        label = self._status_labels.get(state.feed)
        if label is None:
            label = self._status_labels[state.feed] = QLabel()
            self.addPermanentWidget(label)
        self._statuses[state.feed] = state
        feed, broker = self._bridge.connection_of(state.feed)
        if feed is not None and broker is not None:
            shown = [(self.tr("quotes"), feed), (self.tr("orders"), broker)]
            worst = max(feed.status, broker.status, key=SEVERITY.index)
            text = " · ".join(f"{part} {_words(s)}" for part, s in shown)
            tip = "\n".join(f"{part}: {s.reason}" for part, s in shown)
        else:
            worst, text, tip = state.status, _words(state), state.reason
        color = getattr(self._theme, STATUS_COLORS.get(worst, "muted"))
        age = _age(self._bridge.last_tick_age(state.feed))
        label.setText(f"<span style='color:{color}'>●</span> {state.feed}: {text}{age}")
        label.setToolTip(tip)

    def show_breakers(self, trips: list[BreakerTripped]) -> None:
        """A red warning while any circuit breaker is tripped; the figures in the tooltip."""
        self.breaker_label.setVisible(bool(trips))
        if not trips:
            self.breaker_label.clear()
            return
        names = ", ".join(f"{t.breaker} ({t.target})" for t in trips)
        self.breaker_label.setText(
            self.tr("⚠ breaker tripped: {breakers} — re-arm in the Health dock").format(
                breakers=names
            )
        )
        self.breaker_label.setStyleSheet(f"color: {self._theme.bad}; font-weight: bold")
        self.breaker_label.setToolTip("\n".join(trip_text(t) for t in trips))

    def status_text(self) -> str:
        """What the connection labels say, joined by " | "."""
        return " | ".join(label.text() for label in self._status_labels.values())

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._show_failed_plugins()
        self.show_breakers(self._bridge.tripped_breakers())
        self._show_tick_ages()  # the load label follows within a second

    def stop(self) -> None:
        """Stop measuring the loop (the window is closing)."""
        self.heartbeat.stop()

    def _on_tick_rate(self, rate: float) -> None:
        self.rate_label.setText(self.tr("{rate} ticks/s").format(rate=f"{rate:,.0f}"))
        self._show_load()
        self._show_tick_ages()

    def _show_failed_plugins(self) -> None:
        failed = self._bridge.failed_plugins()
        if failed:
            which = ", ".join(f"{names.name(r.kind)} {r.name}" for r in failed)
            self.plugin_label.setText(
                self.tr("⚠ {count} plugin(s) failed: {plugins} (Tools ▸ Plugins)").format(
                    count=len(failed), plugins=which
                )
            )
            self.plugin_label.setStyleSheet(f"color: {self._theme.bad}")

    def _show_tick_ages(self) -> None:
        for state in self._statuses.values():
            self.show_status(state)

    def _show_load(self) -> None:
        stats = self._bridge.conflation()
        lag = self.heartbeat.percentile(99)
        text = self.tr("lag p99 {lag} ms").format(lag=f"{lag:.0f}")
        if stats.shedding or stats.backlog:
            shed = self.tr("{conflated} quotes conflated, {queued} queued").format(
                conflated=f"{stats.conflated:,}", queued=f"{stats.backlog:,}"
            )
            text = self.tr("⚠ shedding load: {shed} · {lag}").format(shed=shed, lag=text)
            self.load_label.setStyleSheet(f"color: {self._theme.warning}")
        else:
            self.load_label.setStyleSheet("")
        self.load_label.setText(text)
        self.load_label.setToolTip(
            self.tr(
                "Quotes arrive faster than the engine processes them: each symbol's waiting "
                "quote is replaced by its newest (no traded volume is lost)."
            )
            if stats.conflated
            else self.tr("GUI loop latency (99th percentile of a 20 ms heartbeat)")
        )


def _age(seconds: float | None) -> str:
    """How long ago a feed's latest tick came, for the status bar ("" if it has none)."""
    if seconds is None:
        return ""
    if seconds < 60:
        return translate("WindowStatusBar", " · {seconds} s").format(seconds=f"{seconds:.1f}")
    if seconds < 3600:
        minutes = f"{seconds / 60:.0f}"
        return translate("WindowStatusBar", " · {minutes} min").format(minutes=minutes)
    return translate("WindowStatusBar", " · {hours} h").format(hours=f"{seconds / 3600:.1f}")


def _words(state: FeedStatus) -> str:
    """A connection's status in words; a feed closed outside its hours says when it polls next
    ("closed, next poll 09:15")."""
    if state.status is ConnectionStatus.CLOSED and state.reason:
        return f"{names.name(state.status)}, {next_poll_text(state.reason)}"
    return names.name(state.status)
