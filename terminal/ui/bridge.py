"""The bridge between the engine and the widgets: the only UI object that holds the engine.

Bus handlers only record what changed; a timer (``refresh_hz``) turns that into one signal
per kind of change, so the GUI repaints at the refresh rate whatever the tick rate. What a
widget reads (instruments, quotes, bars, brokers, strategies, plugins, connection states) it
reads through the bridge's methods; what it does it sends as a command (:meth:`send`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from PySide6.QtCore import QMetaMethod, QObject, QTimer, Signal

from terminal.domain.contingent import ContingentGroup
from terminal.domain.enums import PluginKind, StrategyState
from terminal.domain.events import (
    AccountEvent,
    BreakerRearmed,
    BreakerTripped,
    CommandRejected,
    FeedStatus,
    FillEvent,
    HistoryProgress,
    LogEvent,
    OrderEvent,
    PluginReport,
    PositionEvent,
    StrategyStateEvent,
    Tick,
    TradingRestored,
    WatchSymbols,
)
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar
from terminal.domain.market_alerts import Alert
from terminal.domain.orders import Fill, Order, OrderCapabilities, OrderRequest, Position
from terminal.domain.venue import (
    Balance,
    BalancesEvent,
    ReconcileNotice,
    VenuePosition,
    VenuePositionsEvent,
)
from terminal.engine.config import Config
from terminal.engine.feeds.conflation import ConflationStats
from terminal.engine.monitoring.metrics import HealthSnapshot
from terminal.engine.strategy.instance import LogLine
from terminal.engine.universe.search import SearchHit, SymbolSearch
from terminal.engine.universe.store import Universe
from terminal.engine.view import EngineView, PnlView, RegistryView

if TYPE_CHECKING:
    from terminal.engine.market import OrderEstimate

SNAPSHOT_EVERY = 5  # positions and accounts are re-marked every fifth refresh
CHARTS = "charts"  # the user every chart's symbol is watched as
E = TypeVar("E")


class EngineBridge(QObject):
    """Coalesces engine events into per-refresh Qt signals; sends commands to the engine."""

    ticks_changed = Signal(object)  # dict[str, Tick]: latest tick of each changed symbol
    orders_changed = Signal(object)  # list[Order]: latest state of each changed order
    fills_added = Signal(object)  # list[Fill]
    portfolio_changed = Signal(object, object)  # list[Position], list[Account]
    logs_added = Signal(object)  # list[LogEvent]
    status_changed = Signal(object)  # FeedStatus of a feed or broker
    strategies_changed = Signal(object)  # list[StrategyStateEvent]
    command_rejected = Signal(object)  # CommandRejected
    refreshed = Signal()
    tick_rate_changed = Signal(float)
    health_changed = Signal(object)  # HealthSnapshot, once a second
    history_progress = Signal(object)  # dict[(symbol, timeframe), HistoryProgress]: the latest
    venue_changed = Signal(object, object)  # list[Balance], list[VenuePosition]
    notices_added = Signal(object)  # list[ReconcileNotice]: what reconciling a venue found
    breakers_changed = Signal(object)  # list[BreakerTripped]: the trips now, at each change

    def __init__(
        self, engine: EngineView, refresh_hz: int = 20, parent: QObject | None = None
    ) -> None:
        """``engine`` is the in-process Engine, or a RemoteEngine attached to `terminal serve`
        (terminal.adapters.spot.remote): the bridge and the widgets cannot tell them apart."""
        super().__init__(parent)
        self.engine = engine
        self._ticks: dict[str, Tick] = {}
        self._orders: dict[str, Order] = {}
        self._fills: list[Fill] = []
        self._logs: list[LogEvent] = []
        self._strategies: dict[str, StrategyStateEvent] = {}
        self._history: dict[tuple[str, str], HistoryProgress] = {}
        self._trips: dict[tuple[str, str], BreakerTripped] = {}
        self._portfolio_dirty = True
        self._venue_dirty = True
        self._notices: list[ReconcileNotice] = []
        self._charted: Counter[str] = Counter()  # symbols on charts, one count a chart
        # The engine's search (universe and instruments); a remote or replay engine has no
        # universe here: its instruments are searched.
        self._search: SymbolSearch = getattr(engine, "symbol_search", None) or SymbolSearch(
            Universe(), engine.instruments
        )
        self._frames = 0
        self._rate_mark = (time.monotonic(), 0)
        bus = engine.bus
        self._unsubscribers = [
            bus.subscribe(Tick, self._on_tick),
            bus.subscribe(OrderEvent, self._on_order),
            bus.subscribe(FillEvent, self._on_fill),
            bus.subscribe(TradingRestored, self._on_restored),
            bus.subscribe(PositionEvent, self._on_portfolio),
            bus.subscribe(AccountEvent, self._on_portfolio),
            bus.subscribe(LogEvent, self._on_log),
            bus.subscribe(FeedStatus, self.status_changed.emit),
            bus.subscribe(StrategyStateEvent, self._on_strategy),
            bus.subscribe(CommandRejected, self.command_rejected.emit),
            bus.subscribe(HealthSnapshot, self.health_changed.emit),  # 1 Hz: no coalescing
            bus.subscribe(HistoryProgress, self._on_history),
            bus.subscribe(BalancesEvent, self._on_venue),
            bus.subscribe(VenuePositionsEvent, self._on_venue),
            bus.subscribe(ReconcileNotice, self._notices.append),
            bus.subscribe(BreakerTripped, self._on_trip),  # rare: shown at once
            bus.subscribe(BreakerRearmed, self._on_rearm),
        ]
        self._orders_signal = QMetaMethod.fromSignal(self.orders_changed)
        self._fills_signal = QMetaMethod.fromSignal(self.fills_added)
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, round(1000 / max(1, refresh_hz))))
        self._timer.timeout.connect(self.flush)
        self._timer.start()

    def send(self, command: Any) -> None:
        """Hand a command (SubmitOrder, CancelOrder, StartStrategy, …) to the engine."""
        self.engine.bus.publish(command)

    def close(self) -> None:
        self._timer.stop()
        for unsubscribe in self._unsubscribers:
            unsubscribe()
        self._unsubscribers = []

    def subscribe(self, kind: type[E], handler: Callable[[E], None]) -> Callable[[], None]:
        """Call ``handler`` with every ``kind`` event as the engine publishes it (not
        coalesced: for rare events a widget keeps itself); returns the unsubscriber."""
        return self.engine.bus.subscribe(kind, handler)

    # ---- reads: the engine and its plugins ------------------------------------------------
    def config(self) -> Config:
        return self.engine.config

    def registry(self) -> RegistryView:
        """The plugins the engine found (a replay window plays its strategies)."""
        return self.engine.registry

    def plugin_reports(self) -> list[PluginReport]:
        """Every plugin discovered: loaded or failed, with its source and reason."""
        return self.engine.registry.reports

    def failed_plugins(self) -> list[PluginReport]:
        return self.engine.registry.failed()

    def connection_states(self) -> list[FeedStatus]:
        """The latest status of each feed, then of each broker."""
        engine = self.engine
        return [*engine.feed_status.values(), *engine.broker_status.values()]

    def last_tick_age(self, feed: str) -> float | None:
        """Seconds since ``feed``'s latest tick (None: it has sent none)."""
        return self.engine.last_tick_age(feed)

    def connection_of(self, name: str) -> tuple[FeedStatus | None, FeedStatus | None]:
        """The feed and the broker called ``name`` (a venue often has both), if any."""
        return self.engine.feed_status.get(name), self.engine.broker_status.get(name)

    def conflation(self) -> ConflationStats:
        """Whether quotes are being conflated (load shedding), and how many."""
        return self.engine.conflator.stats()

    # ---- reads: instruments and quotes ------------------------------------------------------
    def instruments(self) -> dict[str, Instrument]:
        """Every instrument the engine lists, by symbol."""
        return self.engine.instruments

    def symbols(self) -> list[str]:
        """The listed symbols in alphabetical order (symbol boxes and completers)."""
        return sorted(self.engine.instruments)

    def instrument(self, symbol: str) -> Instrument | None:
        return self.engine.instruments.get(symbol)

    def latest(self, symbol: str) -> Tick | None:
        return self.engine.latest.get(symbol)

    def search_symbols(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Instruments matching ``query`` by code, name or pinyin initials, best first, in
        the universe and every feed's instruments."""
        return self._search.search(query, limit)

    def watch(self, user: str, symbols: list[str]) -> None:
        """``user`` (a watchlist, the charts) now uses exactly ``symbols``: the engine
        subscribes and unsubscribes the feeds to match (``WatchSymbols``)."""
        self.send(WatchSymbols(user, list(dict.fromkeys(symbols))))

    # ---- reads: brokers and orders ------------------------------------------------------------
    def broker_names(self, plugin: str | None = None) -> list[str]:
        """The brokers running, in config order (the first is the default); with ``plugin``,
        only the configured brokers of that plugin (``"mail"``) that are running."""
        if plugin is None:
            return list(self.engine.brokers)
        configured = self.engine.config.brokers
        return [b.name for b in configured if b.plugin == plugin and b.name in self.engine.brokers]

    def is_simulated(self, broker: str) -> bool:
        """True for a broker whose orders reach no market (no confirmation is asked)."""
        return self.engine.is_simulated(broker)

    def accounts_of(self, broker: str) -> list[str]:
        return self.engine.accounts_of(broker)

    def estimate(self, request: OrderRequest) -> OrderEstimate:
        """Notional, commission and margin ``request`` would take (the ticket shows them)."""
        return self.engine.estimate(request)

    def working_orders(self) -> list[Order]:
        return self.engine.order_book.working()

    def position(self, broker: str, symbol: str) -> Position | None:
        """The position in ``symbol`` at ``broker`` now (None: never traded there)."""
        held = self.engine.portfolio.positions()
        return next((p for p in held if p.broker == broker and p.symbol == symbol), None)
    def order_capabilities(self, broker: str, symbol: str) -> OrderCapabilities:
        """What ``broker`` takes on ``symbol``: order types, times in force, post-only and
        reduce-only (the ticket offers only those)."""
        return self.engine.capabilities(broker, symbol)

    def balances(self) -> list[Balance]:
        """Every venue's balances per currency, as last reported."""
        return self.engine.balances()

    def venue_positions(self) -> list[VenuePosition]:
        """Derivatives positions as the venues last reported them."""
        return self.engine.venue_positions()
    def tripped_breakers(self) -> list[BreakerTripped]:
        """The circuit breakers tripped now (since this bridge began: a start publishes the
        trips it restored), oldest first."""
        return list(self._trips.values())

    # ---- reads: alerts and P&L ---------------------------------------------------------------
    def alerts(self) -> list[Alert]:
        """Every price and condition alert now (``AlertEvent`` tells what changes)."""
        return self.engine.alerts.alerts()

    def contingent_groups(self) -> list[ContingentGroup]:
        """The active brackets, OCO groups and trailing stops (``ContingentEvent`` tells what
        changes: :meth:`subscribe` to it)."""
        return self.engine.contingent.groups()

    def pnl(self) -> PnlView:
        """The P&L samples of the day: each key's series, and a version that moves on with
        every sample."""
        return self.engine.pnl

    # ---- reads: strategies -------------------------------------------------------------------
    def strategy_names(self) -> list[str]:
        """The strategy classes the registry offers, by plugin name."""
        return self.engine.registry.names(PluginKind.STRATEGY)

    def strategy_class(self, name: str) -> type[Any] | None:
        """The strategy class registered as ``name`` (None: there is none)."""
        return self.engine.registry.get(PluginKind.STRATEGY, name) if name else None

    def strategy_snapshots(self) -> list[StrategyStateEvent]:
        """Every instance's state now (positions, P&L and variables move between events)."""
        return self.engine.strategies.snapshots()

    def strategy_log(self, instance: str) -> Sequence[LogLine] | None:
        """The instance's own log lines, oldest first (None: no such instance)."""
        try:
            return self.engine.strategies.get(instance).log_lines
        except KeyError:
            return None

    def running_strategy_count(self) -> int:
        instances = self.engine.strategies.instances()
        return sum(1 for i in instances if i.state is StrategyState.RUNNING)

    # ---- reads: bars ----------------------------------------------------------------------------
    def closed_bars(self, symbol: str, timeframe: str = "1m") -> list[Bar]:
        return self.engine.bars.history(symbol, timeframe)

    def forming_bar(self, symbol: str, timeframe: str = "1m") -> Bar | None:
        return self.engine.bars.forming(symbol, timeframe)

    def subscribe_bars(self, symbol: str, timeframe: str) -> Callable[[], None]:
        """Have the engine build ``timeframe`` bars of ``symbol`` and quote it (a chart is
        one of its users); returns the unsubscriber."""
        unsubscribe_bars = self.engine.bars.subscribe(symbol, timeframe)
        self._charted[symbol] += 1
        if self._charted[symbol] == 1:
            self.watch(CHARTS, list(self._charted))
        done = False

        def unsubscribe() -> None:
            nonlocal done
            if done:
                return
            done = True
            unsubscribe_bars()
            self._charted[symbol] -= 1
            if self._charted[symbol] <= 0:
                del self._charted[symbol]
                self.watch(CHARTS, list(self._charted))

        return unsubscribe

    def request_history(self, symbol: str, timeframe: str) -> bool:
        """Have the engine fetch what it lacks of ``symbol``'s ``timeframe`` history in the
        background (``history_progress`` tells how it goes); False if nothing is fetched."""
        return self.engine.bars.request_history(symbol, timeframe) is not None

    def exchange_tz(self, symbol: str) -> tzinfo:
        """The time zone of ``symbol``'s exchange (its sessions'): charts label time in it."""
        return self.engine.market.session_of(symbol).tz

    def bar_count(self, symbol: str, timeframe: str = "1m") -> int:
        """How many closed bars the engine holds (all of them, not only the last ``keep``)."""
        store = self.engine.bars.store
        return len(store.series(symbol, timeframe)) if store.has(symbol, timeframe) else 0

    def bar_start(self, symbol: str, timeframe: str, index: int) -> int:
        return int(self.engine.bars.store.series(symbol, timeframe).start[index])

    def bar_arrays(
        self, symbol: str, timeframe: str = "1m", start: int = 0, stop: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Closed bars ``[start, stop)`` as read-only views (no copy, no Bar per row): start ns
        (n,) and values (n, 7) with columns open, high, low, close, volume, turnover, open
        interest. Safe to keep: the store never rewrites held rows in place (a merge builds
        new arrays, an append writes past the end)."""
        if not self.engine.bars.store.has(symbol, timeframe):
            return np.empty(0, np.int64), np.empty((0, 7))
        series = self.engine.bars.store.series(symbol, timeframe)
        stop = len(series) if stop is None else min(stop, len(series))
        start = max(0, min(start, stop))
        starts, values = series.start[start:stop], series.values[start:stop]
        starts.flags.writeable = values.flags.writeable = False
        return starts, values

    def _on_tick(self, tick: Tick) -> None:
        self._ticks[tick.symbol] = tick

    def _on_order(self, event: OrderEvent) -> None:
        self._orders[event.order.order_id] = event.order

    def _on_fill(self, event: FillEvent) -> None:
        self._fills.append(event.fill)

    def _on_restored(self, event: TradingRestored) -> None:
        """A restart's orders and fills: shown like new ones (later updates overwrite)."""
        for order in event.orders:
            self._orders.setdefault(order.order_id, order)
        self._fills[:0] = event.fills

    def _on_log(self, event: LogEvent) -> None:
        self._logs.append(event)  # not a bound ``append``: flush replaces the list

    def _on_portfolio(self, _event: object) -> None:
        self._portfolio_dirty = True

    def _on_venue(self, _event: object) -> None:
        self._venue_dirty = True
    def _on_trip(self, trip: BreakerTripped) -> None:
        self._trips[(trip.breaker, trip.target)] = trip
        self.breakers_changed.emit(self.tripped_breakers())

    def _on_rearm(self, event: BreakerRearmed) -> None:
        self._trips.pop((event.breaker, event.target), None)
        self.breakers_changed.emit(self.tripped_breakers())

    def _on_strategy(self, event: StrategyStateEvent) -> None:
        self._strategies[event.instance] = event

    def _on_history(self, event: HistoryProgress) -> None:
        self._history[(event.symbol, event.timeframe)] = event

    def flush(self) -> None:
        """Emit what changed since the last refresh (also called directly by tests)."""
        self.engine.commit()  # nothing is shown before it is recorded
        self._frames += 1
        if self._ticks:
            ticks, self._ticks = self._ticks, {}
            self.ticks_changed.emit(ticks)
        # Orders and fills wait for their first listener: a start's restored ones come
        # before the window that shows them exists.
        if self._orders and self.isSignalConnected(self._orders_signal):
            orders, self._orders = list(self._orders.values()), {}
            self.orders_changed.emit(orders)
        if self._fills and self.isSignalConnected(self._fills_signal):
            fills, self._fills = self._fills, []
            self.fills_added.emit(fills)
        if self._logs:
            logs, self._logs = self._logs, []
            self.logs_added.emit(logs)
        if self._strategies:
            states, self._strategies = list(self._strategies.values()), {}
            self.strategies_changed.emit(states)
        if self._history:
            history, self._history = self._history, {}
            self.history_progress.emit(history)
        if self._notices:
            notices, self._notices[:] = list(self._notices), []
            self.notices_added.emit(notices)
        if self._venue_dirty:
            self._venue_dirty = False
            self.venue_changed.emit(self.engine.balances(), self.engine.venue_positions())
        if self._portfolio_dirty or self._frames % SNAPSHOT_EVERY == 0:
            self._portfolio_dirty = False
            portfolio = self.engine.portfolio
            self.portfolio_changed.emit(portfolio.positions(), portfolio.accounts())
        self._update_rate()
        self.refreshed.emit()

    def _update_rate(self) -> None:
        now = time.monotonic()
        mark_time, mark_count = self._rate_mark
        if now - mark_time >= 1.0:
            count = self.engine.tick_count
            self.tick_rate_changed.emit((count - mark_count) / (now - mark_time))
            self._rate_mark = (now, count)
