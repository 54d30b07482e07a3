"""The main window: dockable panels bound to the engine, menus, status bar, saved layout."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QWidget,
)

import terminal
from terminal.domain.alerts import MailAlertEvent
from terminal.domain.enums import ConnectionStatus, PluginKind, PluginState, StrategyState
from terminal.domain.events import CancelOrder, FeedStatus, KillSwitch
from terminal.domain.market import Tick
from terminal.domain.orders import Account, Order, Position
from terminal.engine.config import Hotkeys
from terminal.engine.paths import user_data_dir
from terminal.engine.view import EngineView
from terminal.ui.bridge import EngineBridge
from terminal.ui.chart.chart import TIMEFRAMES, CandleChart
from terminal.ui.chart.dock import ChartDock
from terminal.ui.chart.layout import apply_chart_state, dump_charts, load_charts
from terminal.ui.dialogs import ask, inform
from terminal.ui.heartbeat import LoopHeartbeat
from terminal.ui.monitors.blotters import account_monitor, positions_monitor, trades_monitor
from terminal.ui.monitors.health_panel import HealthPanel
from terminal.ui.monitors.log_panel import LogPanel
from terminal.ui.strategies.manager import StrategyManager
from terminal.ui.theme import THEMES, Theme, apply_theme
from terminal.ui.trading.alert_test_dialog import AlertTestDialog
from terminal.ui.trading.depth import DepthPanel
from terminal.ui.trading.mail_alerts import AlertRelay
from terminal.ui.trading.mark_order_dialog import MarkOrderDialog
from terminal.ui.trading.orders_panel import OrdersPanel
from terminal.ui.trading.ticket import OrderTicket
from terminal.ui.watch.columns import COLUMNS
from terminal.ui.watch.market_watch import MarketWatch
from terminal.ui.watch.store import FILE_NAME as WATCH_FILE
from terminal.ui.watch.store import WatchlistStore

log = logging.getLogger("terminal.ui")

PRICE_COLUMNS: dict[str, Callable[[Tick], float]] = {
    "last": lambda t: t.last,
    "bid": lambda t: t.bid,
    "ask": lambda t: t.ask,
}

STATUS_COLORS = {
    ConnectionStatus.LIVE: "#26a69a",
    ConnectionStatus.CONNECTING: "#f0b90b",
    ConnectionStatus.STALE: "#f0b90b",
    ConnectionStatus.DISCONNECTED: "#9aa3b2",
    ConnectionStatus.ERROR: "#ef5350",
}


class MainWindow(QMainWindow):
    """Hosts every panel as a dock; remembers geometry, dock layout and theme in QSettings."""

    closed = Signal()

    def __init__(
        self,
        engine: EngineView,
        bridge: EngineBridge,
        settings: QSettings,
        theme_name: str = "dark",
        saved_views: bool = True,
    ) -> None:
        """``saved_views`` False: the watchlists and charts start from the config (watchlist,
        chart symbol) and are not saved (a replay's window: they follow its journal)."""
        super().__init__()
        self._saved_views = saved_views
        self.engine = engine
        self.bridge = bridge
        self.settings = settings
        self.setWindowTitle("Terminal")
        self.setObjectName("mainWindow")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.theme: Theme = THEMES.get(str(settings.value("theme", theme_name)), THEMES["dark"])
        self.docks: dict[str, QDockWidget] = {}
        self.extra_charts: list[CandleChart] = []
        self._shown_once = False
        self._status_labels: dict[str, QLabel] = {}
        self._statuses: dict[str, FeedStatus] = {}
        self.resize(1600, 950)
        self.hotkeys = checked_hotkeys(engine.config.ui.hotkeys)
        self._build_panels()
        self._arrange_docks()
        self._default_state = self.saveState()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._restore_charts()
        self._connect()
        self.restore_layout()

    # ---- panels ----------------------------------------------------------------------------
    def _build_panels(self) -> None:
        engine, bridge, theme = self.engine, self.bridge, self.theme
        brokers = list(engine.brokers)  # config order: the first configured is the default
        store = WatchlistStore(user_data_dir() / WATCH_FILE) if self._saved_views else None
        self.market_watch = MarketWatch(
            engine.instruments, engine.config.watchlist, theme, store=store
        )
        self.chart = CandleChart(bridge, engine.instruments, theme, engine.config.ui.chart_symbol)
        self.ticket = OrderTicket(bridge, engine.instruments, brokers)
        self.ticket.set_hotkeys(self.hotkeys)
        self.depth_panel = DepthPanel(engine.instruments, theme)
        self.strategy_manager = StrategyManager(
            bridge, engine.registry.names(PluginKind.STRATEGY), sorted(engine.instruments), brokers
        )
        alerts = self.alerts = AlertRelay(bridge)
        # A closure over the relay, not over self: no model → window reference cycle.
        self.orders = OrdersPanel(
            theme,
            lambda text, on_yes: self.confirm(text, on_yes),
            alert=lambda order: alerts.text(order.order_id),
        )
        self.trades = trades_monitor(theme)
        self.positions = positions_monitor(theme)
        self.account = account_monitor(theme)
        self.log_panel = LogPanel()
        self.health_panel = HealthPanel(theme)
        for key, title, widget in (
            ("market_watch", "Market watch", self.market_watch),
            ("chart", "Chart", self.chart),
            ("ticket", "Order ticket", _scrollable(self.ticket)),
            ("depth", "Depth", self.depth_panel),
            ("strategies", "Strategies", self.strategy_manager),
            ("orders", "Orders", self.orders),
            ("trades", "Trades", self.trades),
            ("positions", "Positions", self.positions),
            ("account", "Account", self.account),
            ("log", "Log", self.log_panel),
            ("health", "Health", self.health_panel),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{key}")
            dock.setWidget(widget)
            self.docks[key] = dock

    def _arrange_docks(self) -> None:
        d = self.docks
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.addDockWidget(left, d["market_watch"])
        self.addDockWidget(right, d["chart"])
        self.splitDockWidget(d["chart"], d["ticket"], Qt.Orientation.Horizontal)
        self.tabifyDockWidget(d["ticket"], d["depth"])
        d["ticket"].raise_()
        self.addDockWidget(bottom, d["orders"])
        for key in ("trades", "positions", "account", "strategies", "log", "health"):
            self.tabifyDockWidget(d["orders"], d[key])
        d["orders"].raise_()
        self._size_docks()

    def _size_docks(self) -> None:
        d = self.docks
        width, height = self.width(), self.height()
        self.resizeDocks(
            [d["market_watch"], d["chart"], d["ticket"]],
            [int(width * 0.38), int(width * 0.42), int(width * 0.2)],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks(
            [d["chart"], d["orders"]],
            [int(height * 0.7), int(height * 0.3)],
            Qt.Orientation.Vertical,
        )

    # ---- menus and status bar ---------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.open_replay_action = file_menu.addAction("Open &replay…")
        self.open_replay_action.setToolTip("Play a run's journal in a window of its own")
        self.open_replay_action.triggered.connect(self.choose_replay)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        view = bar.addMenu("&View")
        self.view_menu = view
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        self.new_chart_action = view.addAction("&New chart")
        self.new_chart_action.triggered.connect(lambda: self.new_chart())
        themes = view.addMenu("&Theme")
        group = QActionGroup(self)
        for name in THEMES:
            action = QAction(name.capitalize(), self, checkable=True)
            action.setChecked(name == self.theme.name)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            group.addAction(action)
            themes.addAction(action)
        self.reset_action = view.addAction("&Reset layout")
        self.reset_action.triggered.connect(self.reset_layout)
        tools = bar.addMenu("&Tools")
        tools.addAction("&Plugins…").triggered.connect(self.show_plugins)
        self.test_email_action = tools.addAction("Test &email…")
        self.test_email_action.triggered.connect(self.show_alert_test)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction("&About").triggered.connect(
            lambda: inform(self, "About", f"Terminal {terminal.__version__}")
        )

    def _build_toolbar(self) -> None:
        toolbar = self.addToolBar("Trading")
        toolbar.setObjectName("tradingToolbar")
        toolbar.setMovable(False)
        self.kill_action = QAction("■ Kill switch", self)
        self.kill_action.setShortcut(QKeySequence(self.hotkeys.kill_switch))
        self.kill_action.setToolTip(
            f"Cancel all working orders and stop all strategies ({self.hotkeys.kill_switch})"
        )
        self.kill_action.triggered.connect(self.kill_switch)
        toolbar.addAction(self.kill_action)
        button = toolbar.widgetForAction(self.kill_action)
        button.setObjectName("killSwitch")

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.rate_label = QLabel("0 ticks/s")
        self.load_label = QLabel()  # load shedding and GUI loop lag
        # May be cut rather than widen the window's minimum size.
        self.load_label.setMinimumWidth(1)
        self.heartbeat = LoopHeartbeat(parent=self)
        self.heartbeat.start()
        self.plugin_label = QLabel()
        failed = self.engine.registry.failed()
        if failed:
            names = ", ".join(f"{r.kind.value} {r.name}" for r in failed)
            self.plugin_label.setText(
                f"⚠ {len(failed)} plugin(s) failed: {names} (Tools ▸ Plugins)"
            )
            self.plugin_label.setStyleSheet("color: #ef5350")
        status.addWidget(self.plugin_label)
        for state in [*self.engine.feed_status.values(), *self.engine.broker_status.values()]:
            self.show_status(state)
        status.addPermanentWidget(self.load_label)
        status.addPermanentWidget(self.rate_label)

    def show_status(self, state: FeedStatus) -> None:
        label = self._status_labels.get(state.feed)
        if label is None:
            label = self._status_labels[state.feed] = QLabel()
            self.statusBar().addPermanentWidget(label)
        self._statuses[state.feed] = state
        color = STATUS_COLORS.get(state.status, "#9aa3b2")
        age = _age(self.engine.last_tick_age(state.feed))
        label.setText(
            f"<span style='color:{color}'>●</span> {state.feed}: {state.status.value}{age}"
        )
        label.setToolTip(state.reason)

    def _show_tick_ages(self) -> None:
        for state in self._statuses.values():
            self.show_status(state)

    def status_text(self) -> str:
        return " | ".join(label.text() for label in self._status_labels.values())

    def show_plugins(self) -> None:
        lines = [
            f"{'✔' if r.state is PluginState.LOADED else '✘'} {r.kind.value} {r.name} — {r.source}"
            + (f"\n      {r.reason}" if r.reason else "")
            for r in self.engine.registry.reports
        ]
        inform(self, "Plugins", "\n".join(lines))

    # ---- wiring --------------------------------------------------------------------------------
    def _connect(self) -> None:
        bridge = self.bridge
        bridge.ticks_changed.connect(self.market_watch.update_ticks)
        bridge.refreshed.connect(self.market_watch.refresh)
        bridge.orders_changed.connect(self.orders.model.upsert)
        bridge.fills_added.connect(self.trades.model.upsert)
        bridge.portfolio_changed.connect(self._on_portfolio)
        bridge.logs_added.connect(self.log_panel.add)
        bridge.health_changed.connect(self.health_panel.show_snapshot)
        bridge.status_changed.connect(self.show_status)
        bridge.tick_rate_changed.connect(
            lambda rate: self.rate_label.setText(f"{rate:,.0f} ticks/s")
        )
        bridge.tick_rate_changed.connect(self._show_load)
        bridge.tick_rate_changed.connect(self._show_tick_ages)  # once a second
        bridge.ticks_changed.connect(self.depth_panel.update_ticks)
        self.market_watch.current_symbol_changed.connect(
            lambda symbol: self.depth_panel.set_symbol(symbol, self.bridge.latest(symbol))
        )
        self.market_watch.symbol_activated.connect(self.chart.set_symbol)
        self.market_watch.order_requested.connect(self._fill_ticket)
        self.market_watch.table.clicked.connect(self._on_watch_click)
        self.depth_panel.price_clicked.connect(self._take_depth_price)
        self.ticket.symbol_box.setCurrentText(self.chart.symbol)
        self.orders.cancel_requested.connect(self._cancel_orders)
        self.orders.actions_for_record.insert(0, ("Mark filled / cancelled…", self._mark))
        self.positions.actions_for_record.append(("Close position", self._close_position))
        self.alerts.alerts_changed.connect(self._on_alerts)

    def _show_load(self, *_: object) -> None:
        stats = self.engine.conflator.stats()
        lag = self.heartbeat.percentile(99)
        text = f"lag p99 {lag:.0f} ms"
        if stats.shedding or stats.backlog:
            shed = f"{stats.conflated:,} quotes conflated, {stats.backlog:,} queued"
            text = f"⚠ shedding load: {shed} · {text}"
            self.load_label.setStyleSheet("color: #f0b90b")
        else:
            self.load_label.setStyleSheet("")
        self.load_label.setText(text)
        self.load_label.setToolTip(
            "Quotes arrive faster than the engine processes them: each symbol's waiting quote "
            "is replaced by its newest (no traded volume is lost)."
            if stats.conflated
            else "GUI loop latency (99th percentile of a 20 ms heartbeat)"
        )

    def _on_portfolio(self, positions: list[Position], accounts: list[Account]) -> None:
        self.positions.model.upsert(positions)
        self.account.model.upsert(accounts)

    def _on_watch_click(self, index: QModelIndex) -> None:
        """A click on a Last, Bid or Ask cell puts that price in the ticket."""
        key = COLUMNS[index.column()].key
        tick = self.bridge.latest(self.market_watch.model.symbol_at(index.row()))
        if tick is None or key not in PRICE_COLUMNS:
            return
        self.ticket.take_price(tick.symbol, PRICE_COLUMNS[key](tick))

    def _take_depth_price(self, symbol: str, price: float) -> None:
        """The ticket shares the Depth dock's tab group: bring it forward with the price."""
        self.ticket.take_price(symbol, price)
        self.docks["ticket"].show()
        self.docks["ticket"].raise_()

    def _fill_ticket(self, symbol: str, side: Any) -> None:
        self.docks["ticket"].show()
        self.docks["ticket"].raise_()
        self.ticket.fill_from_watch(symbol, side)

    def _cancel_orders(self, orders: list[Order]) -> None:
        if len(orders) == 1 and self.alerts.is_mail_order(orders[0].order_id):
            self.mark_order(orders[0])  # a person trades it: ask what they did
            return
        for order in orders:
            self.bridge.send(CancelOrder(order.order_id))

    def _close_position(self, position: Position) -> None:
        if position.quantity:
            self.docks["ticket"].show()
            self.docks["ticket"].raise_()
            self.ticket.fill_close(position.symbol, position.broker, position.quantity)

    def kill_switch(self) -> None:
        """Cancel every working order and stop every strategy, after one confirmation."""
        working = len(self.engine.order_book.working())
        running = sum(
            1 for i in self.engine.strategies.instances() if i.state is StrategyState.RUNNING
        )

        def kill() -> None:
            self.bridge.send(KillSwitch("kill switch (GUI)"))
            self.statusBar().showMessage("Kill switch: cancels sent, strategies stopped", 10_000)

        self.confirm(
            f"Kill switch: cancel {working} working orders and stop {running} running strategies?",
            kill,
        )

    def confirm(self, text: str, on_yes: Callable[[], None]) -> None:
        """Ask without a nested event loop (see dialogs.py); tests replace this with a stub."""
        ask(self, "Confirm", text, on_yes)

    def choose_replay(self) -> QFileDialog:
        """File ▸ Open replay…: pick a journal; it opens in a replay window beside this one."""
        from terminal.ui.replay.window import choose_replay  # it builds main windows itself

        return choose_replay(self)

    # ---- extra charts ------------------------------------------------------------------------
    def new_chart(self, symbol: str = "", timeframe: str = "", number: int = 0) -> ChartDock:
        """Another chart dock, on its own symbol and timeframe, tabbed with the main chart.

        ``number`` names the dock (``dock_chart_N``, what the saved layout places); by
        default the next free one."""
        chart = CandleChart(
            self.bridge, self.engine.instruments, self.theme, symbol or self.chart.symbol,
            timeframe=timeframe or self.chart.timeframe,
        )
        self._chart_count = max(getattr(self, "_chart_count", 1) + 1, number)
        dock = ChartDock(chart, number or self._chart_count, self)
        self.extra_charts.append(chart)
        dock.destroyed.connect(lambda *_: self.extra_charts.remove(chart))
        self.tabifyDockWidget(self.docks["chart"], dock)
        dock.show()
        dock.raise_()
        return dock

    def _restore_charts(self) -> None:
        """The charts of the last session: the main chart's symbol, timeframe and indicators,
        and each extra chart dock (before the saved layout is restored, which places them)."""
        if not self._saved_views:
            return
        main, extra = load_charts(self.settings.value("charts"))
        apply_chart_state(self.chart, main, "main chart")
        for name, state in extra.items():
            number = name.removeprefix("dock_chart_")
            if not number.isdigit():
                continue
            symbol, timeframe = state.get("symbol"), state.get("timeframe")
            dock = self.new_chart(
                symbol if isinstance(symbol, str) else "",
                timeframe if timeframe in TIMEFRAMES else "",
                int(number),
            )
            apply_chart_state(dock.chart, state, f"chart {name}")

    def _save_charts(self) -> None:
        if not self._saved_views:
            return
        docks = [chart.parentWidget() for chart in self.extra_charts]
        extra = {dock.objectName(): dock.chart for dock in docks if isinstance(dock, ChartDock)}
        self.settings.setValue("charts", dump_charts(self.chart, extra))

    # ---- mail alerts ---------------------------------------------------------------------
    def _on_alerts(self, events: list[MailAlertEvent]) -> None:
        ids = {event.order_id for event in events}
        model = self.orders.model
        model.upsert([order for order in model.records() if order.order_id in ids])

    def _mark(self, order: Order) -> None:
        if order.status.is_working and self.alerts.is_mail_order(order.order_id):
            self.mark_order(order)

    def mark_order(self, order: Order) -> MarkOrderDialog:
        instrument = self.engine.instruments.get(order.symbol)
        decimals = instrument.price_decimals if instrument else 4
        self.mark_dialog = MarkOrderDialog(self.bridge, order, decimals, self)
        self.mark_dialog.open()
        return self.mark_dialog

    def show_alert_test(self) -> AlertTestDialog:
        mail = [b.name for b in self.engine.config.brokers if b.plugin == "mail"]
        self.alert_test_dialog = AlertTestDialog(
            self.bridge, self.alerts, [name for name in mail if name in self.engine.brokers], self
        )
        self.alert_test_dialog.open()
        return self.alert_test_dialog

    # ---- layout and theme ------------------------------------------------------------------------
    def restore_layout(self) -> None:
        geometry = self.settings.value("geometry")
        state = self.settings.value("windowState")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))

    def save_layout(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState())
        self.settings.setValue("theme", self.theme.name)
        self._save_charts()
        self.settings.sync()

    def reset_layout(self) -> None:
        for dock in self.docks.values():
            dock.setFloating(False)
            dock.show()
        self.restoreState(self._default_state)
        self._size_docks()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if self.settings.value("windowState") is None:
                QTimer.singleShot(0, self._size_docks)

    def set_theme(self, name: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.theme = apply_theme(app, name)
        self.market_watch.model.set_theme(self.theme)
        self.market_watch.table.painter.update_colors()
        self.depth_panel.set_theme(self.theme)
        for chart in [self.chart, *self.extra_charts]:
            chart.set_theme(self.theme)
        self.settings.setValue("theme", self.theme.name)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.heartbeat.stop()
        self.alerts.close()
        self.save_layout()
        super().closeEvent(event)
        self.closed.emit()


def _scrollable(widget: QWidget) -> QScrollArea:
    """Let a tall panel scroll instead of forcing its minimum height on the whole window."""
    area = QScrollArea()
    area.setObjectName("panelScroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    # Scroll vertically only: keep the panel's own minimum width.
    area.setMinimumWidth(
        widget.minimumSizeHint().width() + area.verticalScrollBar().sizeHint().width()
    )
    return area


def checked_hotkeys(keys: Hotkeys) -> Hotkeys:
    """Keep valid key sequences; an invalid one is logged with its name and value and the
    default is used instead."""
    defaults = Hotkeys()
    chosen = {}
    for name in Hotkeys.__struct_fields__:
        text = getattr(keys, name)
        if QKeySequence(text).isEmpty() or QKeySequence(text).toString() == "":
            log.error(
                "config ui.hotkeys.%s = %r is not a key sequence; using %r",
                name,
                text,
                getattr(defaults, name),
            )
            text = getattr(defaults, name)
        chosen[name] = text
    return Hotkeys(**chosen)


def _age(seconds: float | None) -> str:
    """How long ago a feed's latest tick came, for the status bar ("" if it has none)."""
    if seconds is None:
        return ""
    if seconds < 60:
        return f" · {seconds:.1f} s"
    return f" · {seconds / 60:.0f} min" if seconds < 3600 else f" · {seconds / 3600:.1f} h"
