"""A run's journal as an engine the GUI can open: its market, strategies and orders, played back.

:class:`ReplayEngine` provides what :class:`terminal.engine.view.EngineView` asks (as the
remote engine does), so the main window, the bridge and every panel work on it unchanged. The
:class:`ReplayPlayer` hands it the journal's records at the chosen speed:

- ticks go onto the bus as the live engine published them: latest quotes (market watch,
  depth), bars built from them (charts), and the strategies;
- order updates and fills go onto the bus too: the order, trade and position panels show what
  the brokers answered live, and the strategies receive them as they did live;
- closed bars and strategy commands go to the strategies exactly as ``terminal replay`` feeds
  them (:func:`terminal.engine.replay.host.apply_record`), so they place the same orders.

No order can reach a broker: there are no broker objects here at all (brokers are names from
the journal), the strategies' host only records what they place (``ReplayHost``), and the
GUI's commands that would act (orders, cancels, strategy commands, the kill switch) are
refused with the reason. Nothing is persisted: no store, no journal, no saved bars.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import msgspec

from terminal.domain.alerts import AlertTestRequest, MarkAlertOrder
from terminal.domain.contingent import ModifyOrder, SubmitBracket, SubmitOco, SubmitTrailingStop
from terminal.domain.events import (
    AddStrategy,
    CancelOrder,
    EditStrategy,
    FillEvent,
    KillSwitch,
    OrderEvent,
    ReloadStrategy,
    RemoveStrategy,
    StartStrategy,
    StopStrategy,
    SubmitOrder,
)
from terminal.domain.market import Bar, FeedStatus, Tick
from terminal.domain.market_alerts import AddAlert, ModifyAlert, RearmAlert, RemoveAlert
from terminal.domain.orders import OrderRequest
from terminal.engine import journal as j
from terminal.engine.alerts.mirror import AlertsMirror
from terminal.engine.bars.service import BarService
from terminal.engine.bars.timeframes import parse_timeframe
from terminal.engine.bus import EventBus
from terminal.engine.clock import ManualClock
from terminal.engine.commands import refuse
from terminal.engine.config import Config
from terminal.engine.feeds.conflation import TickConflator
from terminal.engine.logs import log_context
from terminal.engine.market import MarketMixin, MarketState, OrderEstimate
from terminal.engine.orders.mirror import ContingentMirror, OrdersMirror
from terminal.engine.pnl.recorder import PnlRecorder
from terminal.engine.portfolio.book import Portfolio
from terminal.engine.portfolio.venues import VenueMirror, VenueReads
from terminal.engine.replay.host import PlacedOrder, ReplayHost, ReplayResult, apply_record
from terminal.engine.replay.player import ReplayPlayer, WallClock
from terminal.engine.strategy.runner import StrategyRunner
from terminal.engine.tasks import TrackedTasks
from terminal.engine.view import RegistryView

log = logging.getLogger("terminal.replay")
_replay_numbers = itertools.count(1)

REFUSED_COMMANDS = (
    SubmitOrder, CancelOrder, KillSwitch, AddStrategy, EditStrategy, ReloadStrategy,
    StartStrategy, StopStrategy, RemoveStrategy, MarkAlertOrder, AlertTestRequest, AddAlert,
    ModifyAlert, RemoveAlert, RearmAlert, ModifyOrder, SubmitBracket, SubmitOco,
    SubmitTrailingStop,
)  # fmt: skip


class ReplayOptions(msgspec.Struct, frozen=True):
    """What to replay and how to start: ``terminal --replay PATH [--replay-speed …]``."""

    path: Path
    speed: float | None = 1.0
    """Recorded speed times this; ``None``: as fast as possible."""
    paused: bool = False
    only: str | None = None
    """Replay only this strategy instance."""


class LoadedJournal(msgspec.Struct):
    path: Path
    records: list[j.Record]
    problems: list[str]
    """What was wrong but did not stop the replay (a truncated last record)."""


def load_journal(path: Path) -> LoadedJournal:
    """Read a journal for a replay. Raises :class:`JournalError` (or ``OSError``) with a
    message naming the file and what is wrong with it."""
    problems: list[str] = []
    records = j.read_journal(path, problems)
    if not any(isinstance(record, j.TickRec | j.BarRec) for record in records):
        raise j.JournalError(
            f"{path} holds no market data ({len(records)} records, no ticks or bars): "
            "nothing to replay"
        )
    return LoadedJournal(path, records, problems)


class RecordedBroker(msgspec.Struct, frozen=True):
    """A broker of the recorded run, by name only: nothing here can send anything to it."""

    name: str
    simulated: bool = True


class ReplayEngine(MarketMixin, VenueReads):
    """The journal ``journal`` played back through the strategies of ``registry``."""

    def __init__(
        self,
        journal: LoadedJournal,
        config: Config,
        registry: RegistryView,
        *,
        only: str | None = None,
        speed: float | None = 1.0,
        paused: bool = False,
        wall: WallClock | None = None,
    ) -> None:
        records = journal.records
        setup = next((r for r in records if isinstance(r, j.SetupRec)), j.SetupRec(0, [], []))
        self._setup = setup
        self.path = journal.path
        self.name = journal.path.name
        number = next(_replay_numbers)
        self.log_tag = self.name if number == 1 else f"{self.name} #{number}"
        """Marks this replay's log lines (``log_context(replay=…)``): its window shows them."""
        self.only = only
        self.scope = f"instance {only}" if only else "all instances"
        self.registry = registry
        self.clock = ManualClock(records[0].ts if records else 0)
        self.bus = EventBus()
        self.conflator = TickConflator(self.bus.publish)  # unused: for the load figures
        self.feed_status: dict[str, FeedStatus] = {}
        self.broker_status: dict[str, FeedStatus] = {}
        self.brokers = {name: RecordedBroker(name) for name in setup.brokers}
        self.market = MarketState()
        # Bars built for the charts go on a bus of their own: the strategies get the journal's.
        self.bars = BarService(
            EventBus(), self.clock, self.market.calendar_of, keep=config.engine.bar_history
        )
        submits = [
            r for r in records if isinstance(r, j.SubmitRec) and only in (None, r.instance)
        ]
        self.live = [PlacedOrder(r.instance, r.order_id, r.request) for r in submits]
        self.host = ReplayHost(
            registry, setup, submits, bus=self.bus, clock=self.clock, bars=self.bars
        )
        self.market.instruments.update(self.host.instruments)
        self.strategy_symbols, self.symbols = _symbols_of(records)
        """Symbols the strategies traded or warmed up on; all the journal's symbols."""
        self.config = _replay_config(config, self.symbols, set(self.instruments))
        self.order_book = OrdersMirror(self.bus)
        self.venue = VenueMirror(self.bus)  # a journal records no venue reports: empty
        self.portfolio = Portfolio(
            self.bus, self.instruments.get, self.market.last_price, now_ns=self.clock.now_ns
        )
        # The same subscription order as the live engine: a strategy sees a tick with the
        # latest quote and the bars already updated.
        self.bus.subscribe(Tick, self.market.on_tick)
        self.bus.subscribe(Tick, self.bars.on_tick)
        self.strategies = StrategyRunner(self.host)
        self.alerts = AlertsMirror(self.bus)  # a journal records no alerts: empty
        self.contingent = ContingentMirror(self.bus)  # nor contingent groups
        self.pnl = PnlRecorder(self.bus, self.clock.now_ns, self.portfolio.accounts, self.market)
        for command in REFUSED_COMMANDS:
            self.bus.subscribe(command, self._refuse)
        self.problems: list[str] = list(journal.problems)
        self.divergence: int | None = None
        """Index of the first order that differs from the one placed live, once seen."""
        self.result: ReplayResult | None = None
        self._checked = 0
        self._tasks = TrackedTasks(log, "replay: ", lambda: log_context(replay=self.log_tag))
        self._seed_chart_history(records)
        self.player = ReplayPlayer(records, self.apply, speed=speed, paused=paused, wall=wall)
        self.player.on_finished.append(self._on_finished)

    # ---- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        """Start playing (or wait paused) and closing chart bars on the replay's clock."""
        # The accounts and positions as the live run began: the fills replayed move them on.
        self.portfolio.seed(self._setup.accounts, self._setup.positions)
        with log_context(replay=self.log_tag):  # the tasks keep it: their lines are the replay's
            self.spawn(self.player.run(), "player")
            self.spawn(self.bars.run_timer(), "bar timer")
            self.spawn(self.pnl.run(), "P&L sampler")
            log.info(
                "replay of %s (%s): %d records, %d orders placed live; orders go to no broker",
                self.path, self.scope, self.player.total, len(self.live),
            )

    async def stop(self) -> None:
        await self._tasks.cancel_all()

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        return self._tasks.spawn(coro, name)

    # ---- playing -------------------------------------------------------------------------
    def apply(self, record: j.Record) -> None:
        """One record, as the live engine took it in (called by the player)."""
        self.clock.set(record.ts)
        with log_context(replay=self.log_tag):
            try:
                if isinstance(record, j.TickRec):
                    self.bus.publish(record.tick)
                elif isinstance(record, j.OrderRec):
                    self.bus.publish(OrderEvent(record.order))
                elif isinstance(record, j.FillRec):
                    self.bus.publish(FillEvent(record.fill))
                else:
                    apply_record(self.strategies, record, self.only)
            except (ValueError, KeyError) as exc:  # e.g. a strategy no longer installed
                problem = f"{type(record).__name__} at {record.ts}: {exc.args[0]}"
                self.problems.append(problem)
                log.warning("replay of %s: %s", self.name, problem)
            self._compare_orders()

    def _compare_orders(self) -> None:
        placed = self.host.placed
        while self._checked < len(placed):
            n = self._checked
            self._checked += 1
            if self.divergence is None and (n >= len(self.live) or placed[n] != self.live[n]):
                self.divergence = n
                live = self.live[n].describe() if n < len(self.live) else "(none)"
                log.warning(
                    "replay of %s differs from the live run at order %d:\n  live:   %s\n"
                    "  replay: %s", self.name, n + 1, live, placed[n].describe(),
                )

    def _on_finished(self) -> None:
        self.result = ReplayResult(
            list(self.host.placed), self.live, self.player.total, list(self.problems)
        )
        if self.divergence is None:
            self.divergence = self.result.first_difference()
        level = logging.INFO if self.divergence is None else logging.WARNING
        with log_context(replay=self.log_tag):
            summary = self.result.summary(self.scope)
            log.log(level, "replay of %s finished: %s", self.name, summary)

    @property
    def placed(self) -> list[PlacedOrder]:
        """Orders the strategies placed so far in this replay (recorded, never sent)."""
        return self.host.placed

    def _refuse(self, command: object) -> None:
        reason = (
            f"this window is a replay of {self.name}: orders and strategy commands are not "
            "carried out (strategies follow the journal)"
        )
        with log_context(replay=self.log_tag):  # shown in the replay's window
            refuse(self.bus, log, command, reason)

    def _seed_chart_history(self, records: list[j.Record]) -> None:
        """Give the charts the warm-up bars the strategies were fed that end before the
        journal's first tick of their symbol (later ones the ticks build again)."""
        first_tick: dict[str, int] = {}
        for record in records:
            if isinstance(record, j.TickRec):
                first_tick.setdefault(record.tick.symbol, record.tick.ts)
        history: dict[tuple[str, str, int], Bar] = {}
        for record in records:
            if isinstance(record, j.StartRec):
                for bar in record.history:
                    try:
                        length = parse_timeframe(bar.timeframe).length_ns
                    except ValueError:  # not a timeframe the charts know: not for them
                        continue
                    start_of_ticks = first_tick.get(bar.symbol)
                    if length and start_of_ticks is not None and (
                        bar.start + length <= start_of_ticks
                    ):
                        history[(bar.symbol, bar.timeframe, bar.start)] = bar
        for symbol in {key[0] for key in history}:
            bars = [bar for key, bar in sorted(history.items()) if key[0] == symbol]
            self.bars.seed(symbol, bars)

    # ---- what the widgets ask ------------------------------------------------------------
    def last_tick_age(self, feed: str) -> float | None:
        return None

    def commit(self) -> None:
        """Nothing is recorded in a replay."""

    def accounts_of(self, broker: str) -> list[str]:
        return []

    def is_simulated(self, broker: str) -> bool:
        return True  # whatever the broker was live, here it is a recording

    def estimate(self, request: OrderRequest) -> OrderEstimate:
        return self.market.estimate(request)  # no broker here to ask for the commission


def _symbols_of(records: list[j.Record]) -> tuple[list[str], list[str]]:
    """The strategies' symbols (traded or warmed up on), and all symbols, those first."""
    traded: dict[str, None] = {}
    ticking: dict[str, None] = {}
    for record in records:
        if isinstance(record, j.SubmitRec):
            traded.setdefault(record.request.symbol)
        elif isinstance(record, j.StartRec):
            for bar in record.history:
                traded.setdefault(bar.symbol)
        elif isinstance(record, j.TickRec):
            ticking.setdefault(record.tick.symbol)
    return list(traded), list({**traded, **ticking})


def _replay_config(config: Config, symbols: list[str], known: set[str]) -> Config:
    """The GUI's config with the journal's symbols in the watchlist and on the chart."""
    watch = [symbol for symbol in symbols if symbol in known]
    ui = msgspec.structs.replace(config.ui, chart_symbol=watch[0] if watch else "")
    return msgspec.structs.replace(config, watchlist=watch, ui=ui)
