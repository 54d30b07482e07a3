"""The main window: the panels as docks over one bridge, wired to each other; the menus, the
kill switch and the status bar; the charts and theme saved with the layout."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from terminal.domain.alerts import MailAlertEvent
from terminal.domain.enums import PluginState, Side
from terminal.domain.events import BreakerTripped, CancelOrder, KillSwitch, RearmBreaker
from terminal.domain.orders import Account, Order, Position
from terminal.domain.venue import ReconcileNotice
from terminal.engine.paths import user_data_dir
from terminal.ui.alerts.desk import AlertsDesk
from terminal.ui.bridge import EngineBridge
from terminal.ui.chart.chart import TIMEFRAMES, CandleChart
from terminal.ui.chart.dock import ChartDock
from terminal.ui.chart.layout import apply_chart_state, dump_charts, load_charts
from terminal.ui.dialogs import ask, inform
from terminal.ui.dock_window import DockWindow, scrollable
from terminal.ui.formatting import PriceDecimals
from terminal.ui.hotkeys import checked_hotkeys
from terminal.ui.i18n import installed_language, names
from terminal.ui.menu_bar import WindowMenuBar
from terminal.ui.monitors.activity import ActivityFeed
from terminal.ui.monitors.blotters import account_monitor, positions_monitor, trades_monitor
from terminal.ui.monitors.health_panel import HealthPanel
from terminal.ui.monitors.log_panel import LogPanel
from terminal.ui.monitors.monitor import Monitor
from terminal.ui.monitors.pnl_panel import PnlPanel
from terminal.ui.monitors.venue_panel import VenuePanel
from terminal.ui.status_bar import WindowStatusBar
from terminal.ui.strategies.manager import StrategyManager
from terminal.ui.theme import Theme, apply_theme, theme_named, up_is_red
from terminal.ui.trading.alert_test_dialog import AlertTestDialog
from terminal.ui.trading.depth import DepthPanel
from terminal.ui.trading.kill_switch import KillSwitchButton
from terminal.ui.trading.ladder import PriceLadder
from terminal.ui.trading.mail_alerts import AlertRelay
from terminal.ui.trading.mark_order_dialog import MarkOrderDialog
from terminal.ui.trading.orders_panel import OrdersPanel
from terminal.ui.trading.ticket import OrderTicket
from terminal.ui.watch.market_watch import MarketWatch
from terminal.ui.watch.store import FILE_NAME as WATCH_FILE
from terminal.ui.watch.store import WatchlistStore

WATCH = "market watch"  # the user the watchlists' symbols are watched as


class MainWindow(DockWindow):
    """Hosts every panel as a dock; remembers geometry, dock layout, charts and theme in
    QSettings. Reads the engine through ``bridge`` only, so it runs unchanged on the live,
    remote and replay engines."""

    closed = Signal()

    def __init__(
        self,
        bridge: EngineBridge,
        settings: QSettings,
        theme_name: str = "dark",
        saved_views: bool = True,
    ) -> None:
        """``saved_views`` False: the watchlists and charts start from the config (watchlist,
        chart symbol) and are not saved (a replay's window: they follow its journal)."""
        super().__init__(settings)
        self._saved_views = saved_views
        self.bridge = bridge
        self.setWindowTitle(self.tr("Terminal"))
        self.setObjectName("mainWindow")
        ui = bridge.config().ui
        self.red_up = up_is_red(ui.up_colour, installed_language())
        self.theme: Theme = theme_named(str(settings.value("theme", theme_name)), self.red_up)
        self.extra_charts: list[CandleChart] = []
        self.hotkeys = checked_hotkeys(bridge.config().ui.hotkeys)
        self._build_panels()
        self.arrange_docks()
        self.menus = WindowMenuBar(
            [dock.toggleViewAction() for dock in self.docks.values()], self.theme.name,
            str(settings.value("language", ui.language)), self,
        )  # fmt: skip
        self.setMenuBar(self.menus)
        self.kill_switch_button = KillSwitchButton(self.hotkeys.kill_switch, self)
        self.menus.setCornerWidget(self.kill_switch_button, Qt.Corner.TopRightCorner)
        self.status_bar = WindowStatusBar(bridge, self.theme, self)
        self.setStatusBar(self.status_bar)
        self._restore_charts()
        self._connect()
        self.restore_layout()
        self._restore_column_widths()

    # ---- panels ----------------------------------------------------------------------------
    def _build_panels(self) -> None:
        bridge, theme, config = self.bridge, self.theme, self.bridge.config()
        store = WatchlistStore(user_data_dir() / WATCH_FILE) if self._saved_views else None
        self.market_watch = MarketWatch(
            bridge.instruments(), config.watchlist, theme, store=store,
            search=bridge.search_symbols, watch=lambda symbols: bridge.watch(WATCH, symbols),
        )  # fmt: skip
        self.chart = CandleChart(
            bridge, theme, config.ui.chart_symbol, timeframe=config.ui.chart_timeframe
        )
        self.ticket = OrderTicket(bridge)
        self.ticket.set_hotkeys(self.hotkeys)
        self.depth_panel = DepthPanel(bridge, theme)
        self.ladder = PriceLadder(bridge, theme)
        self.strategy_manager = StrategyManager(bridge)
        alerts = self.alerts = AlertRelay(bridge)
        # A closure over the relay, not over self: no model → window reference cycle.
        prices = PriceDecimals(bridge.instrument)
        self.orders = OrdersPanel(
            theme,
            prices,
            lambda text, on_yes: self.confirm(text, on_yes),
            alert=lambda order: alerts.text(order.order_id),
        )
        self.trades = trades_monitor(theme, prices)
        self.positions = positions_monitor(theme, prices)
        self.account = account_monitor(theme)
        self.venue = VenuePanel(theme)
        self.venue.show_venue(bridge.balances(), bridge.venue_positions())
        self.log_panel = LogPanel()
        self.activity = ActivityFeed(bridge)
        self.health_panel = HealthPanel(theme)
        self.alert_desk = AlertsDesk(self, bridge, theme, alerts.text)
        self.pnl_panel = PnlPanel(bridge, theme)
        self.add_dock("market_watch", self.tr("Market watch"), self.market_watch)
        self.add_dock("chart", self.tr("Chart"), self.chart)
        self.add_dock("ticket", self.tr("Order ticket"), scrollable(self.ticket))
        self.add_dock("depth", self.tr("Depth"), self.depth_panel)
        self.add_dock("ladder", self.tr("Ladder"), self.ladder)
        # Sideways: the wide form-and-table must not push the market watch narrower.
        self.add_dock("strategies", self.tr("Strategies"), scrollable(self.strategy_manager, True))
        self.add_dock("orders", self.tr("Orders"), self.orders)
        self.add_dock("trades", self.tr("Trades"), self.trades)
        self.add_dock("positions", self.tr("Positions"), self.positions)
        self.add_dock("account", self.tr("Account"), self.account)
        self.add_dock("alerts", self.tr("Alerts"), self.alert_desk.panel)
        self.add_dock("pnl", self.tr("P&&L"), self.pnl_panel)  # "&&": a tab's "&" is a key
        self.add_dock("venue", self.tr("Venue"), self.venue)
        self.add_dock("log", self.tr("Log"), self.log_panel)
        self.add_dock("health", self.tr("Health"), self.health_panel)

    # ---- wiring --------------------------------------------------------------------------------
    def _connect(self) -> None:
        bridge, menus = self.bridge, self.menus
        bridge.ticks_changed.connect(self.market_watch.update_ticks)
        bridge.refreshed.connect(self.market_watch.refresh)
        bridge.orders_changed.connect(self.orders.upsert)
        bridge.fills_added.connect(self.trades.upsert)
        bridge.portfolio_changed.connect(self._on_portfolio)
        bridge.logs_added.connect(self.log_panel.add)
        self.activity.lines_added.connect(self.log_panel.add_activity)
        bridge.health_changed.connect(self.health_panel.show_snapshot)
        bridge.venue_changed.connect(self.venue.show_venue)
        bridge.notices_added.connect(self._on_notices)
        bridge.breakers_changed.connect(self.health_panel.breakers.show_trips)
        self.health_panel.breakers.show_trips(bridge.tripped_breakers())
        self.health_panel.breakers.rearm_requested.connect(self.rearm_breaker)
        self.market_watch.current_symbol_changed.connect(self.depth_panel.set_symbol)
        self.market_watch.current_symbol_changed.connect(self.ladder.set_symbol)
        self.market_watch.symbol_activated.connect(self.chart.set_symbol)
        self.market_watch.order_requested.connect(self._fill_ticket)
        self.market_watch.price_clicked.connect(self._take_watch_price)
        self.market_watch.alert_requested.connect(self.alert_desk.alert_symbol)
        self.alert_desk.add_chart(self.chart)
        self.chart.ladder_requested.connect(self.show_ladder)
        self.market_watch.ladder_requested.connect(self.show_ladder)
        self.depth_panel.price_clicked.connect(self._take_depth_price)
        self.ticket.set_symbol(self.chart.symbol)
        self.orders.cancel_requested.connect(self._cancel_orders)
        self.orders.add_record_action(self.tr("Mark filled / cancelled…"), self._mark, first=True)
        self.positions.add_record_action(self.tr("Close position"), self._close_position)
        self.alerts.alerts_changed.connect(self._on_alerts)
        self.kill_switch_button.kill_requested.connect(self.kill_switch)
        menus.open_replay_requested.connect(self.choose_replay)
        menus.quit_requested.connect(self.close)
        menus.new_chart_requested.connect(self.new_chart)
        menus.theme_chosen.connect(self.set_theme)
        menus.language_chosen.connect(self.set_language)
        menus.reset_layout_requested.connect(self.reset_layout)
        menus.plugins_requested.connect(self.show_plugins)
        menus.test_email_requested.connect(self.show_alert_test)

    def _on_portfolio(self, positions: list[Position], accounts: list[Account]) -> None:
        self.positions.upsert(positions)
        self.account.upsert(accounts)
        self.venue.show_terminal_positions(positions)

    def _on_notices(self, notices: list[ReconcileNotice]) -> None:
        """What reconciling a venue found: in the Venue dock, and said in the status bar."""
        self.venue.add_notices(notices)
        latest = notices[-1]
        more = (
            self.tr(" (+{count} more, Venue dock)").format(count=len(notices) - 1)
            if len(notices) > 1 else self.tr(" (Venue dock)")
        )  # fmt: skip
        self.statusBar().showMessage(f"⚠ {latest.broker}: {latest.message}{more}", 20_000)

    def _take_watch_price(self, symbol: str, field: str) -> None:
        """A click on a Last, Bid or Ask cell puts that price in the ticket."""
        tick = self.bridge.latest(symbol)
        if tick is not None:
            self.ticket.take_price(symbol, getattr(tick, field))

    def _take_depth_price(self, symbol: str, price: float) -> None:
        """The ticket shares the Depth dock's tab group: bring it forward with the price."""
        self.ticket.take_price(symbol, price)
        self.bring_forward("ticket")

    def show_ladder(self, symbol: str) -> None:
        """The Ladder dock in front on ``symbol``, its table focused for the keys."""
        self.ladder.set_symbol(symbol)
        self.bring_forward("ladder")
        self.ladder.table.setFocus()

    def _fill_ticket(self, symbol: str, side: Side) -> None:
        self.bring_forward("ticket")
        self.ticket.fill_from_watch(symbol, side)

    def _cancel_orders(self, orders: list[Order]) -> None:
        if len(orders) == 1 and self._is_mail_order(orders[0]):
            self.mark_order(orders[0])  # a person trades it: ask what they did
            return
        for order in orders:
            self.bridge.send(CancelOrder(order.order_id))

    def _close_position(self, position: Position) -> None:
        if position.quantity:
            self.bring_forward("ticket")
            self.ticket.fill_close(position.symbol, position.broker, position.quantity)

    def kill_switch(self) -> None:
        """Cancel every working order and stop every strategy, after one confirmation."""
        working = len(self.bridge.working_orders())
        running = self.bridge.running_strategy_count()

        def kill() -> None:
            self.bridge.send(KillSwitch("kill switch (GUI)"))
            self.statusBar().showMessage(
                self.tr("Kill switch: cancels sent, strategies stopped"), 10_000
            )

        self.confirm(
            self.tr(
                "Kill switch: cancel {working} working orders and stop {running} running "
                "strategies?"
            ).format(working=working, running=running),
            kill,
        )

    def rearm_breaker(self, trip: BreakerTripped) -> None:
        """A person lifts a trip, after one confirmation that says what tripped it."""
        self.confirm(
            self.tr("Re-arm circuit breaker {breaker} ({target})? It tripped on: {reason}").format(
                breaker=trip.breaker, target=trip.target, reason=trip.reason
            ),
            lambda: self.bridge.send(RearmBreaker(trip.breaker, trip.target)),
        )

    def confirm(self, text: str, on_yes: Callable[[], None]) -> None:
        """Ask without a nested event loop (see dialogs.py); tests replace this with a stub."""
        ask(self, self.tr("Confirm"), text, on_yes)

    def turn_off_trading(self, ticket_title: str, ticket_tip: str, strategies_note: str) -> None:
        """Watch only (a replay, whose orders go to no broker): no kill switch and no Cancel
        all; the ticket disabled under ``ticket_title`` with ``ticket_tip``, the depth in
        front of it; the strategy manager without its form, saying ``strategies_note``."""
        self.kill_switch_button.turn_off()
        self.ticket.setEnabled(False)
        self.ticket.setToolTip(ticket_tip)
        self.ladder.setEnabled(False)
        self.ladder.setToolTip(ticket_tip)
        self.docks["ticket"].setWindowTitle(ticket_title)
        self.docks["depth"].raise_()
        self.orders.hide_cancel_all()
        self.strategy_manager.watch_only(strategies_note)

    def show_plugins(self) -> None:
        lines = [
            f"{'✔' if r.state is PluginState.LOADED else '✘'} {names.name(r.kind)} "
            f"{r.name} — {r.source}" + (f"\n      {r.reason}" if r.reason else "")
            for r in self.bridge.plugin_reports()
        ]
        inform(self, self.tr("Plugins"), "\n".join(lines))

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
            self.bridge, self.theme, symbol or self.chart.symbol,
            timeframe=timeframe or self.chart.timeframe,
        )
        self._chart_count = max(getattr(self, "_chart_count", 1) + 1, number)
        dock = ChartDock(chart, number or self._chart_count, self)
        self.extra_charts.append(chart)
        self.alert_desk.add_chart(chart)
        chart.ladder_requested.connect(self.show_ladder)
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
        self.orders.reshow({event.order_id for event in events})
        self.alert_desk.reshow_mail()

    def _mark(self, order: Order) -> None:
        if order.status.is_working and self._is_mail_order(order):
            self.mark_order(order)

    def _is_mail_order(self, order: Order) -> bool:
        """An alert was seen for it, or it went to a mail broker (restored after a restart:
        no alert event since)."""
        return self.alerts.is_mail_order(order.order_id) or (
            order.broker in self.bridge.broker_names(plugin="mail")
        )

    def mark_order(self, order: Order) -> MarkOrderDialog:
        instrument = self.bridge.instrument(order.symbol)
        decimals = instrument.price_decimals if instrument else 4
        self.mark_dialog = MarkOrderDialog(self.bridge, order, decimals, self)
        self.mark_dialog.open()
        return self.mark_dialog

    def show_alert_test(self) -> AlertTestDialog:
        mail = self.bridge.broker_names(plugin="mail")
        self.alert_test_dialog = AlertTestDialog(self.bridge, self.alerts, mail, self)
        self.alert_test_dialog.open()
        return self.alert_test_dialog

    # ---- layout and theme ------------------------------------------------------------------------
    def save_layout(self) -> None:
        self.settings.setValue("theme", self.theme.name)
        self._save_charts()
        for key, table in self._tables().items():
            self.settings.setValue(f"column_widths/{key}", json.dumps(table.column_widths()))
        super().save_layout()

    def _tables(self) -> dict[str, Monitor]:
        """The blotters whose column widths the layout keeps, by dock."""
        return {
            "orders": self.orders,
            "trades": self.trades,
            "positions": self.positions,
            "account": self.account,
            "alerts": self.alert_desk.panel,
            "strategies": self.strategy_manager.instances,
        }

    def _restore_column_widths(self) -> None:
        for key, table in self._tables().items():
            saved = self.settings.value(f"column_widths/{key}")
            try:
                widths = json.loads(saved) if isinstance(saved, str) else {}
            except ValueError:
                widths = {}  # a damaged entry: the columns fit their content instead
            table.set_column_widths(widths if isinstance(widths, dict) else {})

    def set_theme(self, name: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.theme = apply_theme(app, name, self.red_up)
        self.market_watch.set_theme(self.theme)
        self.depth_panel.set_theme(self.theme)
        self.ladder.set_theme(self.theme)
        self.status_bar.set_theme(self.theme)
        self.alert_desk.set_theme(self.theme)
        self.pnl_panel.set_theme(self.theme)
        for chart in [self.chart, *self.extra_charts]:
            chart.set_theme(self.theme)
        self.settings.setValue("theme", self.theme.name)

    def set_language(self, language: str) -> None:
        """Kept for the next start: every text is translated as its widget is built."""
        self.settings.setValue("language", language)
        self.statusBar().showMessage(
            self.tr("The language changes when the terminal is started again"), 20_000
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.status_bar.stop()
        self.alerts.close()
        self.alert_desk.close()
        self.activity.close()
        self.save_layout()
        super().closeEvent(event)
        self.closed.emit()
