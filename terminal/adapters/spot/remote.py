"""An engine running elsewhere (``terminal serve``), seen by the GUI as a local one.

:class:`RemoteEngine` provides what :class:`terminal.engine.view.EngineView` asks: a local
bus fed by the server's ticks and events (through a :class:`ZmqFeed` with ``events`` on),
a :class:`MarketState` of its instruments and ticks, mirrors of orders
(:class:`OrdersMirror`), positions, accounts and strategies kept from those events, bars built
from the ticks as the engine builds them, and a forwarder that sends every command published
on the local bus (SubmitOrder, CancelOrder, Start/StopStrategy, KillSwitch, …) to the server.
A refusal (or an unreachable server) comes back as a ``CommandRejected`` on the local bus,
where the widgets already show it. After a gap in the events, or a restarted server, it asks
for the whole session again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Coroutine
from typing import Any

import msgspec
import zmq
import zmq.asyncio

from terminal.adapters.spot import schema
from terminal.adapters.spot.subscriber import SpotSubscriber, ZmqFeedOptions, request_reply
from terminal.domain.enums import ConnectionStatus, PluginKind, PluginState, StrategyState
from terminal.domain.events import (
    AccountEvent,
    CommandRejected,
    FillEvent,
    OrderEvent,
    PluginReport,
    PositionEvent,
    StrategyStateEvent,
)
from terminal.domain.instrument import Instrument, TradingSessions
from terminal.domain.market import Bar, FeedStatus, Tick
from terminal.domain.market_alerts import AlertEvent
from terminal.domain.orders import Account, OrderRequest, Position
from terminal.engine.alerts.mirror import AlertsMirror
from terminal.engine.bars.service import BarService
from terminal.engine.bus import EventBus
from terminal.engine.clock import Clock, LiveClock
from terminal.engine.config import Config
from terminal.engine.feeds.conflation import TickConflator
from terminal.engine.market import MarketMixin, MarketState, OrderEstimate
from terminal.engine.orders.mirror import ContingentMirror, OrdersMirror
from terminal.engine.plugins.registry import PluginRegistry
from terminal.engine.pnl.recorder import PnlRecorder
from terminal.engine.portfolio.venues import VenueMirror, VenueReads
from terminal.engine.strategy.instance import LogLine
from terminal.engine.tasks import TrackedTasks

log = logging.getLogger("terminal.remote")


class RemoteBroker(msgspec.Struct, frozen=True):
    name: str
    simulated: bool


class RemoteRegistry:
    """The server's plugin reports; strategy names are those it can run. Classes (for the
    strategy parameter form) come from this machine's own plugins, when it has them."""

    def __init__(self) -> None:
        self.reports: list[PluginReport] = []
        self.strategies: list[str] = []
        self._local: PluginRegistry | None = None

    def get(self, kind: PluginKind, name: str) -> type[Any] | None:
        if self._local is None:
            self._local = PluginRegistry()
            self._local.discover()
        return self._local.get(kind, name)

    def names(self, kind: PluginKind) -> list[str]:
        if kind is PluginKind.STRATEGY:
            return list(self.strategies)
        return [r.name for r in self.reports if r.kind is kind and r.state is PluginState.LOADED]

    def failed(self) -> list[PluginReport]:
        return [r for r in self.reports if r.state is PluginState.FAILED]


class RemoteStrategyLog:
    """A strategy's own log stays on the server; the engine log (Log panel) has its lines."""

    log_lines: tuple[LogLine, ...] = ()


class RemoteStrategies:
    def __init__(self, bus: EventBus) -> None:
        self.states: dict[str, StrategyStateEvent] = {}
        bus.subscribe(StrategyStateEvent, self._on_state)

    def _on_state(self, event: StrategyStateEvent) -> None:
        if event.state is StrategyState.REMOVED:
            self.states.pop(event.instance, None)
        else:
            self.states[event.instance] = event

    def instances(self) -> list[StrategyStateEvent]:
        return list(self.states.values())

    def snapshots(self) -> list[StrategyStateEvent]:
        return list(self.states.values())

    def get(self, name: str) -> RemoteStrategyLog:
        if name not in self.states:
            raise KeyError(f"no strategy instance named '{name}'")
        return RemoteStrategyLog()


class RemotePortfolio:
    """Positions and accounts as the server last marked them."""

    def __init__(self, bus: EventBus) -> None:
        self._positions: dict[tuple[str, str], Position] = {}
        self._accounts: dict[str, Account] = {}
        bus.subscribe(PositionEvent, self._on_position)
        bus.subscribe(AccountEvent, lambda e: self._accounts.__setitem__(e.account.broker,
                                                                         e.account))  # fmt: skip

    def _on_position(self, event: PositionEvent) -> None:
        self._positions[(event.position.broker, event.position.symbol)] = event.position

    def positions(self) -> list[Position]:
        return list(self._positions.values())

    def accounts(self) -> list[Account]:
        return list(self._accounts.values())


class RemoteEngine(MarketMixin, VenueReads):
    """A GUI's view of a headless engine reached at ``options.pub`` / ``options.rep``."""

    def __init__(self, config: Config, options: ZmqFeedOptions) -> None:
        self.config = config
        self.options = msgspec.structs.replace(options, events=True, symbols=[])
        self.clock: Clock = LiveClock()
        self.bus = EventBus()
        self.conflator = TickConflator(self.bus.publish)
        self.market = MarketState()
        self.brokers: dict[str, RemoteBroker] = {}
        self._broker_accounts: dict[str, list[str]] = {}
        self.registry = RemoteRegistry()
        self.feed_status: dict[str, FeedStatus] = {}
        self.broker_status: dict[str, FeedStatus] = {}
        self.order_book = OrdersMirror(self.bus)
        self.venue = VenueMirror(self.bus)  # balances and positions the server publishes
        self.strategies = RemoteStrategies(self.bus)
        self.portfolio = RemotePortfolio(self.bus)
        self.alerts = AlertsMirror(self.bus)
        self.contingent = ContingentMirror(self.bus)
        # The P&L chart of this GUI, sampled from the server's events (from when it attached).
        self.pnl = PnlRecorder(self.bus, self.clock.now_ns, self.portfolio.accounts, self.market)
        self.bars = BarService(self.bus, self.clock, self.market.calendar_of,
                               keep=config.engine.bar_history)  # fmt: skip
        self.name = f"engine {self.options.pub}"
        self._zmq = zmq.asyncio.Context.instance()
        self._tasks = TrackedTasks(log, "remote: ")
        self._outbox: asyncio.Queue[object] = asyncio.Queue()
        self._sender: asyncio.Task[None] | None = None
        self._feed = SpotSubscriber(self.name, _Context(self), self.options)
        self._feed.on_event = self._on_event
        self._feed.on_event_gap = self._resync_soon
        self.bus.subscribe(Tick, self.market.on_tick)
        self.bus.subscribe(Tick, self.bars.on_tick)
        self.bus.subscribe(FeedStatus, self._on_status)
        for command in schema.COMMANDS.values():
            self.bus.subscribe(command, self._forward)

    # ---- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        """Subscribe, then fetch the session: what arrives meanwhile is newer or equal."""
        await self._feed.start()
        await self.resync(raise_errors=True)
        self.spawn(self.bars.run_timer(), "bar timer")
        self.spawn(self.pnl.run(), "P&L sampler")
        log.info("attached to %s: %d instruments, brokers %s, %d orders", self.options.pub,
                 len(self.instruments), sorted(self.brokers), len(self.order_book.all()))

    async def stop(self) -> None:
        await self._feed.stop()
        await self._tasks.cancel_all()
        self.conflator.flush()

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        return self._tasks.spawn(coro, name)

    def _resync_soon(self) -> None:
        self.spawn(self.resync(), "resync")

    async def resync(self, raise_errors: bool = False) -> None:
        request = schema.SessionRequest(bars=self.config.engine.bar_history)
        try:
            reply = await request_reply(self._zmq, self.options, request)
        except (TimeoutError, schema.SchemaError) as exc:
            if raise_errors:
                raise ConnectionError(f"engine at {self.options.rep}: {exc}") from None
            log.warning("resync with %s failed: %s", self.options.rep, exc)
            return
        if reply.session is not None:
            self._apply(reply.session)

    def _apply(self, session: schema.Session) -> None:
        for instrument in session.instruments:
            self.instruments[instrument.symbol] = instrument
        self.brokers.update((n, RemoteBroker(n, sim)) for n, sim in session.brokers.items())
        self._broker_accounts = session.broker_accounts
        self.registry.reports = session.plugins
        self.registry.strategies = session.strategy_plugins
        self._broker_names = set(session.broker_names)
        by_symbol: dict[str, list[Bar]] = defaultdict(list)
        for bar in session.bars:
            by_symbol[bar.symbol].append(bar)
        for symbol, bars in by_symbol.items():
            if not self.bars.history(symbol):
                self.bars.seed(symbol, bars)
        publish = self.bus.publish
        self.alerts.replace(session.alerts)
        self.contingent.replace(session.contingent)
        for events in (
            map(AlertEvent, session.alerts),
            session.statuses,
            map(OrderEvent, session.orders),
            map(FillEvent, session.fills),
            map(PositionEvent, session.positions),
            map(AccountEvent, session.accounts),
            session.strategies,
        ):
            for event in events:
                publish(event)
        for tick in session.ticks:
            if tick.ts > getattr(self.latest.get(tick.symbol), "ts", -1):
                self.conflator.submit(tick)

    # ---- traffic -------------------------------------------------------------------------
    def _on_event(self, event: object) -> None:
        self.bus.publish(event)

    def _on_status(self, status: FeedStatus) -> None:
        brokers = status.feed in self.brokers or status.feed in getattr(self, "_broker_names", ())
        (self.broker_status if brokers else self.feed_status)[status.feed] = status

    def _forward(self, command: object) -> None:
        self._outbox.put_nowait(command)
        if self._sender is None or self._sender.done():
            self._sender = self.spawn(self._send_all(), "commands")

    async def _send_all(self) -> None:
        """One at a time, in order: AddStrategy must reach the engine before StartStrategy."""
        while not self._outbox.empty():
            command = self._outbox.get_nowait()
            kind = type(command).__name__
            try:
                await request_reply(self._zmq, self.options, schema.command_request(command))
            except (TimeoutError, schema.SchemaError) as exc:
                log.warning("%s not delivered to %s: %s", kind, self.options.rep, exc)
                reason = f"not delivered to the engine: {exc}"
                self.bus.publish(CommandRejected(kind, reason, getattr(command, "order_id", "")))

    # ---- what the widgets ask ------------------------------------------------------------
    def last_tick_age(self, feed: str) -> float | None:
        """Known for this GUI's own subscription only (ticks or heartbeats from the server);
        the server's feeds show their state without an age."""
        return self._feed.silence_s() if feed == self.name else None

    def commit(self) -> None:
        """The server records before it publishes: nothing to do here."""

    def accounts_of(self, broker: str) -> list[str]:
        return list(self._broker_accounts.get(broker, []))

    def is_simulated(self, broker: str) -> bool:
        remote = self.brokers.get(broker)
        return remote is not None and remote.simulated

    def estimate(self, request: OrderRequest) -> OrderEstimate:
        """Notional and margin from the instrument; the commission is the server broker's
        business and shows as 0 here."""
        return self.market.estimate(request)


class _Context:
    """The feed context of the remote engine's own subscription."""

    def __init__(self, engine: RemoteEngine) -> None:
        self._engine = engine
        self.clock: Clock = engine.clock
        self.publish_tick = engine.conflator.submit

    def set_status(self, status: ConnectionStatus, reason: str = "") -> None:
        state = FeedStatus(self._engine.name, status, reason)
        self._engine.bus.publish(state)

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        return self._engine.spawn(coro, name)

    def sessions(self, name: str) -> TradingSessions:
        return self._engine.market.trading_sessions(name)

    def update_instrument(self, instrument: Instrument) -> None:
        self._engine.instruments[instrument.symbol] = instrument

    def add_history(self, symbol: str, bars: list[Bar]) -> None:
        self._engine.bars.seed(symbol, bars)
