"""The engine: builds and wires the bus, market state, order book, portfolio, pre-trade
pipeline, bars, strategies and the configured feeds and brokers; starts and stops them cleanly.

What it does with commands is :mod:`terminal.engine.commands`; what an order must pass before
its broker is :mod:`terminal.engine.orders.pretrade`; what it knows of the market (latest
ticks, sessions, estimates) is its :class:`~terminal.engine.market.MarketState`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from typing import Any

from terminal.domain.enums import Adjust, OrderStatus, PluginKind
from terminal.domain.events import (
    AccountEvent,
    FeedStatus,
    StrategyStateEvent,
    Tick,
    TradingRestored,
)
from terminal.domain.orders import Account, Order, OrderCapabilities, OrderRequest
from terminal.domain.venue import Balance, VenuePosition
from terminal.engine.alerts.service import AlertService
from terminal.engine.bars.service import BarService
from terminal.engine.broker import Broker
from terminal.engine.bus import EventBus
from terminal.engine.clock import Clock, LiveClock
from terminal.engine.commands import CommandRouter
from terminal.engine.config import Config, PluginInstance
from terminal.engine.feed import Feed
from terminal.engine.feeds.conflation import TickConflator
from terminal.engine.feeds.subscriptions import Subscriptions
from terminal.engine.history.backfill import Backfill
from terminal.engine.logs import log_context
from terminal.engine.market import MarketMixin, MarketState, OrderEstimate
from terminal.engine.monitoring.metrics import EngineMetrics
from terminal.engine.orders.book import OrderBook
from terminal.engine.orders.breakers import CircuitBreakers, Scope
from terminal.engine.orders.checks import PreTradeView
from terminal.engine.orders.contingent import ContingentOrders
from terminal.engine.orders.pretrade import PreTradePipeline, standard_checks
from terminal.engine.orders.watchdog import watch_acknowledgements
from terminal.engine.paths import user_data_dir
from terminal.engine.persistence.store import TradingStore
from terminal.engine.plugins import lifecycle as plugin_lifecycle
from terminal.engine.plugins.contexts import EngineFeedContext
from terminal.engine.plugins.registry import PluginRegistry
from terminal.engine.pnl.history import FILE_NAME as PNL_FILE
from terminal.engine.pnl.history import PnlHistory
from terminal.engine.pnl.recorder import PnlRecorder
from terminal.engine.portfolio.book import Portfolio
from terminal.engine.portfolio.reconcile import Reconciler
from terminal.engine.strategy.reload import open_run_journal, reload_strategy_class
from terminal.engine.strategy.runner import StrategyRunner
from terminal.engine.tasks import TrackedTasks
from terminal.engine.universe.search import SymbolSearch
from terminal.engine.universe.store import FILE_NAME as UNIVERSE_FILE
from terminal.engine.universe.store import Universe

log = logging.getLogger("terminal.engine")

ACCOUNT_SNAPSHOT_NS = 1_000_000_000


class Engine(MarketMixin):
    """Everything behind the widgets. Runs on whatever asyncio loop is current (qasync or not)."""

    def __init__(
        self,
        config: Config,
        registry: PluginRegistry | None = None,
        clock: Clock | None = None,
        recover: bool = False,
    ) -> None:
        """Raises :class:`~terminal.engine.persistence.store.StoreDamaged` on a damaged
        trading store unless ``recover`` (which keeps what is readable, and the original)."""
        self.config = config
        self.clock: Clock = clock or LiveClock()
        self.bus = EventBus()
        self.conflator = TickConflator(self.bus.publish)  # feeds publish through it
        self.metrics = EngineMetrics(self.bus)
        if registry is None:
            registry = PluginRegistry()
            registry.discover()
        self.registry = registry
        self.market = MarketState()
        self.feeds: dict[str, Feed] = {}
        self._feed_contexts: dict[str, EngineFeedContext] = {}
        self.brokers: dict[str, Broker] = {}
        self.feed_status: dict[str, FeedStatus] = {}
        self.broker_status: dict[str, FeedStatus] = {}
        self.running = False
        self._tasks = TrackedTasks(log)
        self.live_since_ns = 0
        self._last_snapshot: dict[str, int] = {}
        self.store = (
            TradingStore(user_data_dir() / "trading.sqlite", recover)
            if config.engine.persist
            else None
        )
        self.order_book = OrderBook(self.bus, self.clock, self.store)
        market = self.market
        self.portfolio = Portfolio(
            self.bus,
            market.instruments.get,
            market.last_price,
            trading_day=market.trading_day,
            close_today_first=lambda symbol: market.exchange_in(
                symbol, config.engine.close_today_first
            ),
            now_ns=self.clock.now_ns,
        )
        self.reconciler = Reconciler(
            self.bus,
            self.order_book,
            self.portfolio,
            market.instruments.get,
            self.clock,
            self.spawn,
        )
        self.pretrade = PreTradePipeline(standard_checks(config), self._pretrade_view(), self.bus)
        self.bars = BarService(
            self.bus,
            self.clock,
            market.calendar_of,
            keep=config.engine.bar_history,
            store_dir=user_data_dir() / "bars" if config.engine.persist else None,
        )
        self.backfill = Backfill(
            self.bars, self.bus, self.clock, self.spawn, Adjust(config.engine.history_adjust)
        )
        self.universe = Universe(user_data_dir() / UNIVERSE_FILE if config.engine.persist else None)
        self.subscriptions = Subscriptions(self.feeds, market.instruments, self.universe.instrument)
        self.symbol_search = SymbolSearch(self.universe, market.instruments)
        self._refused: dict[str, set[str]] = {}  # by user: symbols no feed quotes, told
        self.bus.subscribe(Tick, market.on_tick)
        self.bus.subscribe(Tick, self.bars.on_tick)
        # After the two above: a strategy sees a tick with the last price and bars updated.
        self.contingent = ContingentOrders(self, self.store)  # brackets, OCO, trailing stops
        self.strategies = StrategyRunner(self)
        self.breakers = CircuitBreakers(config.breakers, self.bus, self.clock, self, self.store)
        self.strategies.start_guard = self.breakers.refusal
        self.commands = CommandRouter(self)
        self.alerts = AlertService(self)
        self.pnl = PnlRecorder(self.bus, self.clock.now_ns, self.portfolio.accounts, market)
        self.bus.subscribe(StrategyStateEvent, self._watch_strategy_symbols)
        if self.store is not None:
            self.bus.subscribe(AccountEvent, self._record_account)

    def _pretrade_view(self) -> PreTradeView:
        return PreTradeView(
            market=self.market,
            has_broker=self.brokers.__contains__,
            accounts_of=self.accounts_of,
            broker_status=self.broker_status.get,
            position=self.portfolio.position,
            quantity=self.portfolio.quantity,
            buying_power=self.portfolio.buying_power,
            working_orders=self.order_book.working,
            account=self._account_or_none,
            live_since_ns=lambda: self.live_since_ns,
            now_ns=self.clock.now_ns,
            capabilities=self.capabilities,
            venue_balances=lambda broker: self.reconciler.venue.balances_of(broker),
            commission=self._commission,
            breaker_refusal=lambda strategy, broker: self.breakers.admit(strategy, broker),
            exclusive=lambda: self.contingent.placing_siblings,
        )

    def _commission(self, broker: str, symbol: str, quantity: float, price: float) -> float:
        plugin = self.brokers.get(broker)
        return plugin.estimate_commission(symbol, quantity, price) if plugin else 0.0

    # ---- lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        self.bars.load()
        if self.universe.load():
            log.info("universe: %d instruments from %s", len(self.universe), self.universe.path)
        if self.config.engine.persist:
            self.strategies.open_store(user_data_dir() / "strategies.sqlite")
            if self.config.engine.journal:
                self.strategies.journal = open_run_journal(self.clock.now_ns())
        self.spawn(self.bars.run_timer(), "bar timer")
        self.spawn(self.metrics.run(self), "metrics sampler")
        self.spawn(self.pnl.run(), "P&L sampler")
        if self.store is not None:
            self.spawn(self.store.fold_wal_now_and_then(), "store checkpoints")
            orders, fills = self.store.orders(), self.store.fills()
            self.order_book.restore(orders, fills)
            self.portfolio.restore(fills)
            self.pnl.restore(orders, fills)
            self.pnl.open_history(PnlHistory(user_data_dir() / PNL_FILE, self.clock.now_ns()))
            # Shown again (blotters, "Cancel all"); the brokers, started next, take back
            # their working orders from the book.
            self.bus.publish(TradingRestored(orders, fills))
            if orders:
                log.info(
                    "restored %d orders and %d fills from %s",
                    len(orders),
                    len(fills),
                    self.store.path,
                )
        for spec in self.config.brokers:
            if spec.enabled:
                await self._start_plugin(PluginKind.BROKER, spec)
        for spec in self.config.feeds:
            if spec.enabled:
                await self._start_plugin(PluginKind.FEED, spec)
        self._add_history_providers()
        self.alerts.restore()  # after the feeds: their symbols are subscribed again
        self.contingent.resume()  # with the brokers up: what their fills call for is placed
        self.running = True
        self.live_since_ns = self.clock.now_ns()
        self.strategies.record_setup(
            self.instruments, self.brokers, self.portfolio.accounts(), self.portfolio.positions()
        )
        self.breakers.restore()  # before the strategies: a tripped one must not auto-start
        self.strategies.restore()
        self.spawn(self.breakers.run(), "circuit breakers")
        self.spawn(
            watch_acknowledgements(self.order_book, self.clock, self.config.engine.ack_timeout_s),
            "acknowledgement watchdog",
        )
        log.info(
            "engine started: feeds %s, brokers %s, %d instruments",
            sorted(self.feeds),
            sorted(self.brokers),
            len(self.instruments),
        )

    async def stop(self) -> None:
        """Stop strategies, feeds and brokers, then cancel every task still tracked."""
        self.running = False
        self.strategies.shutdown()
        await self.reconciler.stop()
        for name, feed in list(self.feeds.items()):
            await self._stop_plugin(PluginKind.FEED, name, feed)
        self.conflator.flush()
        for name, broker in list(self.brokers.items()):
            await self._stop_plugin(PluginKind.BROKER, name, broker)
        self.bars.save()
        await self._tasks.cancel_all()
        await self.backfill.close()
        if self.store is not None:
            self.store.close()
        self.pnl.close()
        log.info("engine stopped")

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run ``coro`` as a task the engine tracks, logs if it fails, and cancels on stop."""
        return self._tasks.spawn(coro, name)

    @property
    def tasks(self) -> set[asyncio.Task[Any]]:
        return self._tasks.running

    async def _start_plugin(self, kind: PluginKind, spec: PluginInstance) -> None:
        await plugin_lifecycle.start_plugin(self, kind, spec)

    async def _stop_plugin(self, kind: PluginKind, name: str, plugin: Feed | Broker) -> None:
        await plugin_lifecycle.stop_plugin(kind, name, plugin)

    def _add_history_providers(self) -> None:
        plugin_lifecycle.add_history_providers(self)

    # ---- symbols in use -------------------------------------------------------------------
    def watch(self, user: str, symbols: list[str]) -> None:
        """``user`` (a watchlist, a chart) now uses exactly ``symbols``: feeds are subscribed
        and unsubscribed to match. Raises ValueError naming the symbols no feed quotes (the
        others are subscribed all the same)."""
        refused = self.subscriptions.set(user, symbols)
        told = self._refused.get(user, set())
        self._refused[user] = set(refused)
        new = [symbol for symbol in refused if symbol not in told]  # said once, not each time
        if new:
            more = f" and {len(new) - 5} more" if len(new) > 5 else ""
            raise ValueError(f"{user}: no feed quotes {', '.join(new[:5])}{more}")

    def resolve(self, symbols: list[str]) -> list[str]:
        """``symbols``, each made known from the universe if no feed listed it yet."""
        for symbol in symbols:
            self.subscriptions.describe(symbol)
        return symbols

    def _watch_strategy_symbols(self, event: StrategyStateEvent) -> None:
        """A running (or warming up) strategy uses its symbols; a stopped one none."""
        symbols = event.symbols if event.state.is_active else []
        refused = self.subscriptions.set(f"strategy {event.instance}", symbols)
        if refused:
            log.warning("strategy %s: no feed quotes %s", event.instance, ", ".join(refused))

    # ---- what the widgets ask (instruments, latest, tick_count: MarketMixin) ---------------
    def last_tick_age(self, feed: str) -> float | None:
        """Seconds since feed ``feed`` published a tick; None before its first (or no feed)."""
        context = self._feed_contexts.get(feed)
        if context is None or not context.last_tick_at:
            return None
        return time.monotonic() - context.last_tick_at

    def malformed_ticks(self) -> dict[str, int]:
        """Ticks dropped at the feed boundary (NaN or infinite prices or sizes), per feed."""
        return {name: context.malformed_ticks for name, context in self._feed_contexts.items()}

    # ---- orders --------------------------------------------------------------------------
    def submit(self, request: OrderRequest, order_id: str | None = None) -> str:
        """Check ``request``, record it, and hand it to its broker. Returns the order id."""
        order_id = order_id or self.order_book.next_order_id()
        if self.order_book.get(order_id) is not None:
            raise ValueError(f"order id {order_id} is already in use")
        with log_context(order_id=order_id, symbol=request.symbol):
            self._route(order_id, request)
        return order_id

    def _route(self, order_id: str, request: OrderRequest) -> None:
        refusal = self.pretrade.check(request)
        if refusal is not None:
            log.warning("order %s refused: %s", order_id, refusal.reason)
            self.order_book.reject_request(order_id, request, refusal.reason)
            return
        order = self.order_book.create(order_id, request)
        broker = self.brokers[request.broker]
        try:
            broker.submit(order)
        except Exception as exc:
            log.exception("broker %s raised on submit of %s", request.broker, order_id)
            self.order_book.update_status(
                order_id, OrderStatus.REJECTED, f"broker {request.broker} raised: {exc}"
            )

    def estimate(self, request: OrderRequest) -> OrderEstimate:
        """Notional, commission and margin of a request, before it is sent."""
        broker = self.brokers.get(request.broker)
        return self.market.estimate(request, broker.estimate_commission if broker else None)

    def accounts_of(self, broker: str) -> list[str]:
        plugin = self.brokers.get(broker)
        return plugin.accounts() if plugin is not None else []

    def is_simulated(self, broker: str) -> bool:
        plugin = self.brokers.get(broker)
        return plugin is not None and plugin.simulated

    def capabilities(self, broker: str, symbol: str) -> OrderCapabilities:
        """What ``broker`` takes for ``symbol`` (an unknown broker: everything, the broker
        check refuses it anyway)."""
        plugin = self.brokers.get(broker)
        return plugin.capabilities(symbol) if plugin is not None else OrderCapabilities()

    def balances(self) -> list[Balance]:
        """Every venue balance as last reported (brokers that report them)."""
        return self.reconciler.venue.balances()

    def venue_positions(self) -> list[VenuePosition]:
        """Derivatives positions as the venues last reported them."""
        return self.reconciler.venue.positions()

    def commit(self) -> None:
        """Make everything recorded so far durable now (before showing or acknowledging it)."""
        if self.store is not None:
            self.store.commit()

    def kill_switch(self, reason: str = "kill switch") -> int:
        """Stop every strategy and cancel every working order. Returns the orders cancelled."""
        self.strategies.stop_all()
        working = self.order_book.working()
        by_broker: dict[str, list[Order]] = {}
        for order in working:
            by_broker.setdefault(order.broker, []).append(order)
        for name, orders in by_broker.items():
            broker = self.brokers.get(name)
            if broker is None:
                continue
            try:  # one request per symbol where the venue can, not one per order
                broker.cancel_all(orders)
            except Exception:
                log.exception("broker %s raised on cancel-all", name)
        log.warning(
            "%s: stopped all strategies, cancel sent for %d working orders", reason, len(working)
        )
        return len(working)

    def stop_strategies(self, scope: Scope, target: str, reason: str) -> None:
        """What a tripped breaker does: ``all`` is the kill switch; ``strategy`` stops the
        instance ``target`` or, for an account's breaker, every instance trading broker
        ``target`` and that broker's working orders (stopping cancels an instance's own)."""
        if scope == "all":
            self.kill_switch(reason)
            return
        instances = self.strategies.instances()
        names = [i.name for i in instances if target in (i.name, i.broker)]
        for name in names:
            self.strategies.stop(name)
        if any(i.name == target for i in instances):
            return
        working = [o for o in self.order_book.working() if o.broker == target]
        for order in working:
            self.cancel(order.order_id)
        log.warning("%s: stopped %s, cancel sent for %d working orders of broker %s",
                    reason, names or "no strategy", len(working), target)  # fmt: skip

    def accounts(self) -> list[Account]:
        return self.portfolio.accounts()

    def reload_strategy(self, strategy: str) -> list[str]:
        """Re-import ``strategy``'s source; stopped instances take the new class."""
        cls = reload_strategy_class(self.registry, strategy)
        names = self.strategies.reload(strategy, cls)
        log.info("strategy %s reloaded; instances now on the new code: %s", strategy, names)
        return names

    def _record_account(self, event: AccountEvent) -> None:
        """Snapshot accounts at most once a second per broker: they are history, not truth
        (a restart recomputes them from the fills)."""
        now = self.clock.now_ns()
        if self.store is not None and now - self._last_snapshot.get(event.account.broker, 0) > (
            ACCOUNT_SNAPSHOT_NS
        ):
            self._last_snapshot[event.account.broker] = now
            self.store.record_account(event.account, now)

    def _account_or_none(self, broker: str) -> Account | None:
        try:
            return self.portfolio.account(broker)
        except KeyError:
            return None

    def cancel(self, order_id: str) -> None:
        if self.contingent.cancel_waiting(order_id):  # a bracket's exit no broker has yet
            return
        order = self.order_book.get(order_id)
        if order is None or not order.status.is_working:
            log.warning("cancel of %s ignored: not a working order", order_id)
            return
        broker = self.brokers.get(order.broker)
        if broker is None:
            return
        with log_context(order_id=order_id, symbol=order.symbol):
            try:
                broker.cancel(order)
            except Exception:
                log.exception("broker %s raised on cancel of %s", order.broker, order_id)
