"""The engine: owns the bus, the market state, the order book, the portfolio, bars,
strategies, and the configured feeds and brokers; starts and stops them cleanly."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import msgspec

from terminal.domain.enums import ConnectionStatus, OrderStatus, PluginKind, Side
from terminal.domain.events import (
    AccountEvent,
    AddStrategy,
    CancelOrder,
    CommandRejected,
    EditStrategy,
    FeedStatus,
    KillSwitch,
    ReloadStrategy,
    RemoveStrategy,
    StartStrategy,
    StopStrategy,
    SubmitOrder,
    Tick,
)
from terminal.domain.instrument import Instrument, TradingSessions
from terminal.domain.orders import Account, OrderRequest
from terminal.engine.bars.calendar import SessionCalendar
from terminal.engine.bars.service import BarService
from terminal.engine.broker import Broker
from terminal.engine.bus import EventBus
from terminal.engine.clock import Clock, LiveClock
from terminal.engine.config import Config, PluginInstance, describe_validation_error
from terminal.engine.conflation import TickConflator
from terminal.engine.contexts import EngineBrokerContext, EngineFeedContext
from terminal.engine.feed import Feed
from terminal.engine.logs import log_context
from terminal.engine.monitoring.metrics import EngineMetrics
from terminal.engine.orders.book import OrderBook
from terminal.engine.orders.risk import RiskManager, RiskView
from terminal.engine.orders.validation import FieldProblem, validate_request
from terminal.engine.paths import user_data_dir
from terminal.engine.plugins import PluginRegistry
from terminal.engine.portfolio import Portfolio
from terminal.engine.sessions import ALWAYS, load_sessions, session_calendar
from terminal.engine.store import TradingStore
from terminal.engine.strategy.reload import open_run_journal, reload_strategy_class
from terminal.engine.strategy.runner import StrategyRunner
from terminal.engine.tasks import TrackedTasks

log = logging.getLogger("terminal.engine")


class OrderEstimate(NamedTuple):
    notional: float
    commission: float
    margin: float


STOP_TIMEOUT_S = 5.0
ACCOUNT_SNAPSHOT_NS = 1_000_000_000


class Engine:
    """Everything behind the widgets. Runs on whatever asyncio loop is current (qasync or not)."""

    def __init__(
        self, config: Config, registry: PluginRegistry | None = None, clock: Clock | None = None
    ) -> None:
        self.config = config
        self.clock: Clock = clock or LiveClock()
        self.bus = EventBus()
        self.conflator = TickConflator(self.bus.publish)  # feeds publish through it
        self.metrics = EngineMetrics(self.bus)
        if registry is None:
            registry = PluginRegistry()
            registry.discover()
        self.registry = registry
        self.sessions = load_sessions()
        self.instruments: dict[str, Instrument] = {}
        self.latest: dict[str, Tick] = {}
        self.feeds: dict[str, Feed] = {}
        self._feed_contexts: dict[str, EngineFeedContext] = {}
        self.brokers: dict[str, Broker] = {}
        self.feed_status: dict[str, FeedStatus] = {}
        self.broker_status: dict[str, FeedStatus] = {}
        self.tick_count = 0
        self.running = False
        self._tasks = TrackedTasks(log)
        self.live_since_ns = 0
        self._last_snapshot: dict[str, int] = {}
        self.store = (
            TradingStore(user_data_dir() / "trading.sqlite") if config.engine.persist else None
        )
        self.order_book = OrderBook(self.bus, self.clock, self.store)
        self.portfolio = Portfolio(
            self.bus,
            self.instruments.get,
            self.last_price,
            trading_day=self._trading_day,
            close_today_first=lambda symbol: self._exchange_in(
                symbol, config.engine.close_today_first
            ),
            now_ns=self.clock.now_ns,
        )
        self.risk = RiskManager(
            config.risk,
            RiskView(
                instrument=self.instruments.get,
                last_price=self.last_price,
                position=self.portfolio.quantity,
                working_orders=self.order_book.working,
                account=self._account_or_none,
                sessions=lambda name: self.sessions.get(name, ALWAYS),
                now_ns=self.clock.now_ns,
            ),
        )
        self.bars = BarService(
            self.bus,
            self.clock,
            self.calendar_of,
            keep=config.engine.bar_history,
            store_dir=user_data_dir() / "bars" if config.engine.persist else None,
        )
        self.bus.subscribe(Tick, self._remember_tick)
        self.bus.subscribe(Tick, self.bars.on_tick)
        # After the two above: a strategy sees a tick with the last price and bars updated.
        self.strategies = StrategyRunner(self)
        self.bus.subscribe(SubmitOrder, self._guarded(lambda c: self.submit(c.request, c.order_id)))
        self.bus.subscribe(CancelOrder, lambda cmd: self.cancel(cmd.order_id))
        self.bus.subscribe(KillSwitch, self._on_kill_switch)
        self.bus.subscribe(AccountEvent, lambda event: self.risk.observe(event.account))
        if self.store is not None:
            self.bus.subscribe(AccountEvent, self._record_account)
        self.bus.subscribe(
            AddStrategy,
            self._guarded(
                lambda c: self.strategies.add(
                    c.instance, c.strategy, c.all_symbols(), c.broker, c.params, c.warmup,
                    c.auto_start,
                )
            ),
        )
        self.bus.subscribe(
            EditStrategy,
            self._guarded(lambda c: self.strategies.edit(c.instance, c.params, c.warmup)),
        )
        self.bus.subscribe(
            ReloadStrategy, self._guarded(lambda c: self.reload_strategy(c.strategy))
        )
        self.bus.subscribe(
            StartStrategy, self._guarded(lambda c: self.strategies.start(c.instance))
        )
        self.bus.subscribe(StopStrategy, self._guarded(lambda c: self.strategies.stop(c.instance)))
        self.bus.subscribe(
            RemoveStrategy, self._guarded(lambda c: self.strategies.remove(c.instance))
        )

    def _guarded(self, action: Callable[[Any], object]) -> Callable[[Any], None]:
        """Run a command; a refusal (ValueError/KeyError) is published, not raised."""

        def run(command: Any) -> None:
            try:
                action(command)
            except (ValueError, KeyError) as exc:
                reason = exc.args[0] if exc.args else str(exc)
                log.warning("%s refused: %s", type(command).__name__, reason)
                self.bus.publish(CommandRejected(type(command).__name__, str(reason)))

        return run

    # ---- lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        self.bars.load()
        if self.config.engine.persist:
            self.strategies.open_store(user_data_dir() / "strategies.sqlite")
            if self.config.engine.journal:
                self.strategies.journal = open_run_journal(self.clock.now_ns())
        self.spawn(self.bars.run_timer(), "bar timer")
        self.spawn(self.metrics.run(self), "metrics sampler")
        if self.store is not None:
            orders, fills = self.store.orders(), self.store.fills()
            self.order_book.restore(orders, fills)
            self.portfolio.restore(fills)
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
        self.running = True
        self.live_since_ns = self.clock.now_ns()
        self.strategies.record_setup(
            self.instruments, self.brokers, self.portfolio.accounts(), self.portfolio.positions()
        )
        self.strategies.restore()
        self.spawn(self._watch_acknowledgements(), "acknowledgement watchdog")
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
        for name, feed in list(self.feeds.items()):
            await self._stop_plugin(PluginKind.FEED, name, feed)
        self.conflator.flush()
        for name, broker in list(self.brokers.items()):
            await self._stop_plugin(PluginKind.BROKER, name, broker)
        self.bars.save()
        await self._tasks.cancel_all()
        if self.store is not None:
            self.store.close()
        log.info("engine stopped")

    async def _stop_plugin(self, kind: PluginKind, name: str, plugin: Feed | Broker) -> None:
        try:
            await asyncio.wait_for(plugin.stop(), STOP_TIMEOUT_S)
        except Exception as exc:
            log.error(
                "%s %s did not stop cleanly: %s: %s", kind.value, name, type(exc).__name__, exc
            )

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run ``coro`` as a task the engine tracks, logs if it fails, and cancels on stop."""
        return self._tasks.spawn(coro, name)

    @property
    def tasks(self) -> set[asyncio.Task[Any]]:
        return self._tasks.running

    async def _start_plugin(self, kind: PluginKind, spec: PluginInstance) -> None:
        cls = self.registry.get(kind, spec.plugin)
        source = f"config ({self.config.describe_sources()})"
        if cls is None:
            reason = f"no {kind.value} plugin named '{spec.plugin}' was loaded"
            self.registry.report_failure(kind, spec.name, source, reason)
            return
        try:
            options = msgspec.convert(spec.options, cls.Options)
        except msgspec.ValidationError as exc:
            where = f"options of {kind.value} '{spec.name}'"
            self.registry.report_failure(
                kind, spec.plugin, source, describe_validation_error(exc, spec.options, where)
            )
            return
        try:
            if kind is PluginKind.FEED:
                context = self._feed_contexts[spec.name] = EngineFeedContext(self, spec.name)
                feed = cls(spec.name, context, options)
                for instrument in feed.instruments():
                    self.instruments.setdefault(instrument.symbol, instrument)
                self.feeds[spec.name] = feed
                self._seed_history(feed)
                await feed.start()
            else:
                broker = cls(spec.name, EngineBrokerContext(self, spec.name), options)
                self.brokers[spec.name] = broker
                await broker.start()
        except Exception as exc:
            (self.feeds if kind is PluginKind.FEED else self.brokers).pop(spec.name, None)
            log.exception("%s '%s' failed to start", kind.value, spec.name)
            self.registry.report_failure(
                kind, spec.plugin, source, f"failed to start: {type(exc).__name__}: {exc}"
            )

    def _seed_history(self, feed: Feed) -> None:
        for instrument in feed.instruments():
            bars = feed.history(
                instrument.symbol, self.bars.timeframe, self.config.engine.bar_history
            )
            if bars:
                self.bars.seed(instrument.symbol, bars)

    # ---- market state ------------------------------------------------------------------
    def _remember_tick(self, tick: Tick) -> None:
        self.latest[tick.symbol] = tick
        self.tick_count += 1

    def last_price(self, symbol: str) -> float | None:
        tick = self.latest.get(symbol)
        return tick.last if tick else None

    def last_tick_age(self, feed: str) -> float | None:
        """Seconds since feed ``feed`` published a tick; None before its first (or no feed)."""
        context = self._feed_contexts.get(feed)
        if context is None or not context.last_tick_at:
            return None
        return time.monotonic() - context.last_tick_at

    def session_of(self, symbol: str) -> TradingSessions:
        instrument = self.instruments.get(symbol)
        return self.sessions.get(instrument.sessions, ALWAYS) if instrument else ALWAYS

    def calendar_of(self, symbol: str) -> SessionCalendar:
        return session_calendar(self.session_of(symbol))

    def _trading_day(self, symbol: str, ns: int) -> date | None:
        day = self.calendar_of(symbol).trading_day_of(ns)
        # Outside any session (or sessions "always"): the exchange's calendar date.
        return day or datetime.fromtimestamp(ns / 1e9, UTC).date()

    def _exchange_in(self, symbol: str, exchanges: list[str]) -> bool:
        instrument = self.instruments.get(symbol)
        return instrument is not None and instrument.exchange in exchanges

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
        problem = self._check(request) or self.risk.check(request)
        if problem:
            log.warning("order %s refused: %s", order_id, problem)
            self.order_book.reject_request(order_id, request, problem)
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
        instrument = self.instruments.get(request.symbol)
        if instrument is None:
            return OrderEstimate(0.0, 0.0, 0.0)
        price = request.price or self.last_price(request.symbol) or 0.0
        notional = request.quantity * price * instrument.multiplier
        broker = self.brokers.get(request.broker)
        commission = (
            broker.estimate_commission(request.symbol, request.quantity, price)
            if (broker is not None)
            else 0.0
        )
        return OrderEstimate(notional, commission, notional * instrument.margin_rate)

    def accounts_of(self, broker: str) -> list[str]:
        plugin = self.brokers.get(broker)
        return plugin.accounts() if plugin is not None else []

    def is_simulated(self, broker: str) -> bool:
        plugin = self.brokers.get(broker)
        return plugin is not None and plugin.simulated

    def commit(self) -> None:
        """Make everything recorded so far durable now (before showing or acknowledging it)."""
        if self.store is not None:
            self.store.commit()

    async def _watch_acknowledgements(self) -> None:
        """Flag orders a broker has not acknowledged in time (a hung broker), once each."""
        timeout_ns = int(self.config.engine.ack_timeout_s * 1e9)
        flagged: set[str] = set()
        while True:
            await asyncio.sleep(min(1.0, self.config.engine.ack_timeout_s / 4))
            now = self.clock.now_ns()
            for order in self.order_book.working():
                if (
                    order.status is OrderStatus.SUBMITTED
                    and order.order_id not in flagged
                    and now - order.created_ns > timeout_ns
                ):
                    flagged.add(order.order_id)
                    seconds = (now - order.created_ns) / 1e9
                    log.warning(
                        "order %s: no acknowledgement from broker %s after %.0f s",
                        order.order_id,
                        order.broker,
                        seconds,
                    )
                    self.order_book.annotate(
                        order.order_id,
                        f"no acknowledgement from broker {order.broker} after {seconds:.0f} s",
                    )

    def _sellable_today(self, broker: str, symbol: str) -> float:
        for position in self.portfolio.positions():
            if position.broker == broker and position.symbol == symbol:
                return max(0.0, position.yesterday_quantity)
        return 0.0

    def kill_switch(self, reason: str = "kill switch") -> int:
        """Stop every strategy and cancel every working order. Returns the orders cancelled."""
        self.strategies.stop_all()
        working = self.order_book.working()
        for order in working:
            self.cancel(order.order_id)
        log.warning(
            "%s: stopped all strategies, cancel sent for %d working orders", reason, len(working)
        )
        return len(working)

    def reload_strategy(self, strategy: str) -> list[str]:
        """Re-import ``strategy``'s source; stopped instances take the new class."""
        cls = reload_strategy_class(self.registry, strategy)
        names = self.strategies.reload(strategy, cls)
        log.info("strategy %s reloaded; instances now on the new code: %s", strategy, names)
        return names

    def _on_kill_switch(self, command: KillSwitch) -> None:
        self.kill_switch(command.reason)

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

    def _check(self, request: OrderRequest) -> str:
        if request.broker not in self.brokers:
            return f"unknown broker '{request.broker}'"
        if request.account and request.account not in self.brokers[request.broker].accounts():
            return (
                f"account '{request.account}' is not one of broker {request.broker}'s "
                f"accounts {self.brokers[request.broker].accounts()}"
            )
        status = self.broker_status.get(request.broker)
        if status is not None and status.status in (
            ConnectionStatus.DISCONNECTED,
            ConnectionStatus.ERROR,
        ):
            return f"broker {request.broker} is {status.status.value}: {status.reason}"
        try:
            validate_request(request, self.instruments.get(request.symbol))
        except FieldProblem as problem:
            return problem.message
        if request.side is Side.SELL and self._exchange_in(
            request.symbol, self.config.engine.t_plus_one
        ):
            sellable = self._sellable_today(request.broker, request.symbol)
            if request.quantity > sellable + 1e-9:
                return (
                    f"T+1: only {sellable:g} of {request.symbol} can be sold today "
                    f"(shares bought today settle next trading day)"
                )
        if request.ts and request.ts < self.live_since_ns:
            return (
                f"live guard: order stamped {request.ts} ns is older than the engine's live "
                f"start {self.live_since_ns} ns (history or warm-up signal)"
            )
        return ""
