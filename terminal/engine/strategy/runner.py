"""Runs strategy instances: adds, starts, stops, edits, reloads and removes them, each isolated,
so one that raises stops alone and says why.

The runner owns, per instance, the runtime its strategy reads (``runtime.py``); it delivers
events through ``delivery.py`` and writes its journal and store through ``records.py``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from terminal.domain.contingent import (
    ModifyOrder,
    SubmitBracket,
    SubmitOco,
    SubmitTrailingStop,
    placed_requests,
)
from terminal.domain.enums import PluginKind, StrategyState
from terminal.domain.events import (
    BarEvent,
    CancelOrder,
    FillEvent,
    KillSwitch,
    OrderEvent,
    StrategyStateEvent,
    SubmitOrder,
    Tick,
)
from terminal.domain.market import Bar
from terminal.domain.orders import Account, OrderRequest, Position
from terminal.engine import journal as j
from terminal.engine.logs import log_context
from terminal.engine.strategy.delivery import EventDelivery
from terminal.engine.strategy.host import (
    StrategyHost,
    checked_symbols,
    construct_strategy,
    parse_params,
    per_symbol,
    warmup_history,
)
from terminal.engine.strategy.instance import InstanceContext, StrategyInstance
from terminal.engine.strategy.records import StrategyRecords
from terminal.engine.strategy.runtime import ColumnSource, StrategyRuntime

log = logging.getLogger("terminal.strategies")

__all__ = ["StrategyInstance", "StrategyRunner"]


class StrategyRunner:
    """Adds, starts, stops, edits and removes instances; delivers ticks, bars, orders, fills."""

    def __init__(self, host: StrategyHost, columns: ColumnSource | None = None) -> None:
        """``columns``: a backtest's bars, known beforehand (``runtime.py``); live, None."""
        self._host = host
        self._columns = columns
        self._instances: dict[str, StrategyInstance] = {}
        self._owner: dict[str, str] = {}  # order id → instance name
        self._records = StrategyRecords()
        self._delivery = EventDelivery(self._instances, self._owner, self._records, self._publish)
        self.start_guard: Callable[[str, str], str] | None = None
        """(instance, broker) → why it may not start now ("": it may); the engine's breakers."""
        self.accept_bar: Callable[[int, Bar], None] = self._delivery.accept_bar
        """A closed bar, as ``accept(ts, BarEvent(bar, closed=True))`` (a backtest's path:
        the delivery's own method, one call less per bar)."""
        bus = host.bus
        bus.subscribe(Tick, self._receive)
        bus.subscribe(BarEvent, self._receive_bar)
        bus.subscribe(OrderEvent, self._receive)
        bus.subscribe(FillEvent, self._receive)
        for command in (SubmitOrder, CancelOrder, KillSwitch, ModifyOrder, SubmitBracket,
                        SubmitOco, SubmitTrailingStop):  # fmt: skip
            bus.subscribe(command, self._record_command)

    @property
    def journal(self) -> j.JournalWriter | None:
        """Where the run is journalled (set by the engine; a replay has none)."""
        return self._records.journal

    @journal.setter
    def journal(self, writer: j.JournalWriter | None) -> None:
        self._records.journal = writer

    # ---- reading ------------------------------------------------------------------------
    def instances(self) -> list[StrategyInstance]:
        return list(self._instances.values())

    def get(self, name: str) -> StrategyInstance:
        try:
            return self._instances[name]
        except KeyError:
            raise KeyError(f"no strategy instance named '{name}'") from None

    def snapshots(self) -> list[StrategyStateEvent]:
        return [instance.snapshot() for instance in self._instances.values()]

    # ---- commands -----------------------------------------------------------------------
    def add(
        self,
        name: str,
        strategy_name: str,
        symbols: str | Sequence[str],
        broker: str,
        params: dict[str, Any] | None = None,
        warmup: int = -1,
        auto_start: bool = False,
        position: float | Mapping[str, float] = 0.0,
        cash: float | Mapping[str, float] = 0.0,
    ) -> StrategyInstance:
        """A new instance, stopped. ``symbols``: one symbol, or several with the primary first;
        ``position`` and ``cash`` (restored state): per symbol, or the primary's alone."""
        if not name:
            raise ValueError("instance name is empty")
        if name in self._instances:
            raise ValueError(f"instance name '{name}' is already in use")
        cls = self._class(strategy_name)
        symbols = checked_symbols(cls, name, symbols, self._host.instruments)
        if broker not in self._host.brokers:
            raise ValueError(f"unknown broker '{broker}'")
        params = dict(params or {})
        warmup = cls.warmup_bars if warmup < 0 else warmup
        parsed = parse_params(cls, params, name)
        positions = per_symbol(symbols, position)
        runtime = StrategyRuntime(symbols, positions, self._columns)
        context = InstanceContext(self, name, runtime)
        strategy = construct_strategy(cls, name, symbols, broker, context, parsed)
        instance = StrategyInstance(
            name, strategy_name, symbols, broker, params, warmup, strategy, runtime, auto_start,
            multipliers={
                s: getattr(self._host.instruments[s], "multiplier", 1.0) for s in symbols
            },
            cash_by_symbol=per_symbol(symbols, cash),
        )
        self._instances[name] = instance
        self._records.record(
            j.AddRec(
                self._now(), name, strategy_name, symbols[0], broker, params, warmup,
                positions[symbols[0]], list(symbols) if len(symbols) > 1 else [],
                positions if len(symbols) > 1 else {},
            )
        )
        self._changed(instance)
        return instance

    def edit(self, name: str, params: dict[str, Any], warmup: int = -1) -> None:
        """New parameters (and warm-up length) for a stopped instance; its position is kept."""
        instance = self.get(name)
        if instance.state.is_active:
            raise ValueError(f"instance '{name}' is {instance.state}: stop it before editing")
        self._rebuild(instance, self._class(instance.strategy_name), params, warmup)
        self._records.record(j.EditRec(self._now(), name, dict(params), instance.warmup))
        self._changed(instance)

    def _rebuild(
        self, instance: StrategyInstance, cls: type[Any], params: dict[str, Any], warmup: int
    ) -> None:
        """A new strategy object on the instance's runtime: positions, working orders and
        prices carry over; bars do not (its next start warms it up fully)."""
        problem = cls.symbols_problem(instance.symbols)
        if problem:
            raise ValueError(problem)
        parsed = parse_params(cls, params, instance.name)
        old = instance.strategy
        strategy = construct_strategy(
            cls, instance.name, instance.symbols, instance.broker, old.context, parsed
        )
        instance.runtime.forget_bars()
        instance.strategy, instance.params = strategy, dict(params)
        instance.warmup = cls.warmup_bars if warmup < 0 else warmup
        if instance.state is StrategyState.ERROR:
            instance.state, instance.detail = StrategyState.STOPPED, ""

    def start(self, name: str, history: list[Bar] | None = None) -> None:
        """Warm up on history (orders refused), then go live. ``history``: a replay's bars.

        Without ``history``, what the bar store lacks of the warm-up is fetched first in the
        background (the instance shows WARMING_UP, "fetching history"); bars that close
        meanwhile are stored, so they come in the warm-up, and live bars only after it."""
        instance = self.get(name)
        if instance.state.is_active:
            return
        refusal = self.start_guard(name, instance.broker) if self.start_guard else ""
        if refusal:
            raise ValueError(f"strategy {name} not started: {refusal}")
        strategy = instance.strategy
        instance.state, instance.detail = StrategyState.WARMING_UP, ""
        instance.unsubscribers = [
            self._host.bars.subscribe(symbol, tf)
            for symbol in instance.symbols
            for tf in strategy.timeframes
        ]
        fetching = [] if history is not None or instance.warmup <= 0 else [
            future
            for symbol in instance.symbols
            for tf in strategy.timeframes
            if (future := self._host.bars.request_history(symbol, tf, instance.warmup))
        ]  # fmt: skip
        if fetching:
            instance.detail = "fetching history"
            self._publish(instance)
            unsubscribers = instance.unsubscribers  # this start's, not a later one's
            asyncio.gather(*fetching, return_exceptions=True).add_done_callback(
                lambda _: self._warm_up_if_waiting(instance, unsubscribers)
            )
            return
        self._publish(instance)
        self._warm_up(instance, history)

    def _warm_up_if_waiting(self, instance: StrategyInstance, unsubscribers: list[Any]) -> None:
        """The fetch is over: warm up, unless the instance was stopped (or restarted) since."""
        if (
            self._instances.get(instance.name) is instance
            and instance.state is StrategyState.WARMING_UP
            and instance.unsubscribers is unsubscribers
        ):
            instance.detail = ""
            self._warm_up(instance, None)

    def _warm_up(self, instance: StrategyInstance, history: list[Bar] | None) -> None:
        strategy, runtime = instance.strategy, instance.runtime
        if history is None:
            history = warmup_history(
                self._host.bars, instance.symbols, strategy.timeframes, instance.warmup
            )
        self._records.record(j.StartRec(self._now(), instance.name, history))
        runtime.history_phase = True
        instance.refused = 0
        try:
            with self._delivery.held():  # nothing is delivered mid warm-up
                runtime.now_ns = self._now()
                ok = self._delivery.call(instance, strategy.on_start)
                for bar in history:
                    if not ok:
                        break
                    ok = self._delivery.feed_bar(instance, bar)
        finally:
            runtime.history_phase = False
        if instance.refused:
            log.info(
                "strategy %s: warm-up on %d bars done, %d orders refused (history phase)",
                instance.name, len(history), instance.refused,
            )
        if instance.state is StrategyState.WARMING_UP:
            instance.state = StrategyState.RUNNING
            self._changed(instance)
        self._delivery.drain()

    def stop(self, name: str, cancel_orders: bool = True) -> None:
        instance = self.get(name)
        if not instance.state.is_active:
            return
        self._stop(instance, cancel_orders)
        if cancel_orders:
            for order in list(instance.runtime.working.values()):
                self.cancel_for(instance, order.order_id)
        self._records.save(instance)

    def _stop(self, instance: StrategyInstance, cancel_orders: bool = False) -> None:
        instance.detach()
        instance.state = StrategyState.STOPPED
        instance.runtime.now_ns = self._now()
        # Recorded before on_stop runs, and what on_stop causes waits in the queue, so a replay
        # delivers it in the same place.
        self._records.record(j.StopRec(self._now(), instance.name, cancel_orders))
        with self._delivery.held():
            self._delivery.call(instance, instance.strategy.on_stop)
        self._publish(instance)
        self._delivery.drain()

    def stop_all(self) -> None:
        for name in list(self._instances):
            self.stop(name)

    def remove(self, name: str) -> None:
        self.stop(name)
        last = msgspec.structs.replace(
            self._instances.pop(name).snapshot(), state=StrategyState.REMOVED
        )
        self._records.record(j.RemoveRec(self._now(), name))
        self._records.forget(name)
        self._host.bus.publish(last)

    def reload(self, strategy_name: str, cls: type[Any]) -> list[str]:
        """Give stopped instances of ``strategy_name`` the new class; returns their names."""
        reloaded = []
        for instance in self._instances.values():
            if instance.strategy_name == strategy_name and not instance.state.is_active:
                self._rebuild(instance, cls, instance.params, instance.warmup)
                self._publish(instance)
                reloaded.append(instance.name)
        return reloaded

    # ---- persistence --------------------------------------------------------------------
    def open_store(self, path: Path) -> None:
        self._records.open_store(path)

    def restore(self) -> None:
        """Re-create saved instances, stopped unless added with ``auto_start``."""
        for saved in self._records.saved():
            try:
                self.add(
                    saved.name, saved.strategy, saved.symbols, saved.broker, saved.params,
                    saved.warmup, saved.auto_start, saved.positions, saved.cash,
                )
            except (ValueError, KeyError) as exc:
                log.error("strategy instance '%s' not restored: %s", saved.name, exc)
                continue
            instance = self._instances[saved.name]
            if saved.state.is_active and saved.auto_start:
                try:
                    self.start(saved.name)
                except ValueError as exc:  # a tripped breaker: it waits for a person
                    log.warning("%s", exc)
                    instance.detail = str(exc)
                    self._publish(instance)
            elif saved.state.is_active:
                instance.detail = "was running before the restart: start it to trade again"
                self._publish(instance)
            elif saved.state is StrategyState.ERROR:
                instance.detail = "stopped by an error before the restart"
                self._publish(instance)

    def record_setup(
        self,
        instruments: Mapping[str, Any],
        brokers: Mapping[str, Any],
        accounts: Sequence[Account] = (),
        positions: Sequence[Position] = (),
    ) -> None:
        """Journal what a replay needs to accept the same commands (instruments and brokers)
        and to show the same accounts (where they stood as the run began)."""
        setup = j.SetupRec(
            self._now(), list(instruments.values()), list(brokers), list(accounts), list(positions)
        )
        self._records.record(setup)

    def shutdown(self) -> None:
        """Stop every instance for an engine stop: the saved state still says what ran."""
        for instance in self._instances.values():
            if instance.state.is_active:
                self._stop(instance)
        self._records.close()

    # ---- orders from strategies ---------------------------------------------------------
    def submit_for(self, instance: StrategyInstance, request: OrderRequest) -> str:
        with log_context(strategy=instance.name):  # the engine's order lines name it
            order_id = self._host.submit(request)
        self._owner[order_id] = instance.name
        instance.orders_placed += 1
        if self._records.journal is not None:  # (a backtest's thousands of orders keep none)
            self._records.record(j.SubmitRec(self._now(), instance.name, order_id, request))
        return order_id

    def place_for(self, instance: StrategyInstance, command: Any) -> list[str]:
        """A contingent order of ``instance``: every order id it makes is the instance's (a
        bracket's exits too); what the strategy itself placed is journalled."""
        with log_context(strategy=instance.name):
            order_ids = self._host.contingent.place(command)
        for order_id in order_ids:
            self._owner[order_id] = instance.name
        instance.orders_placed += 1
        if self._records.journal is not None:
            for order_id, request in zip(order_ids, placed_requests(command), strict=False):
                self._records.record(j.SubmitRec(self._now(), instance.name, order_id, request))
        return order_ids

    def modify_for(self, instance: StrategyInstance, command: ModifyOrder) -> None:
        if self._owner.get(command.order_id) != instance.name:
            raise ValueError(f"{command.order_id} is not an order of this instance")
        self._host.contingent.modify(command)

    def cancel_for(self, instance: StrategyInstance, order_id: str) -> None:
        if self._owner.get(order_id) != instance.name:
            instance.strategy.log(f"cancel of {order_id} ignored: not an order of this instance")
            return
        self._records.record(j.CancelRec(self._now(), instance.name, order_id))
        self._host.cancel(order_id)

    def instrument(self, symbol: str) -> Any:
        """The host's instrument for ``symbol`` (what ``Strategy.instrument`` returns)."""
        return self._host.instruments[symbol]

    # ---- receiving ----------------------------------------------------------------------
    def accept(self, ts: int, event: object) -> None:
        """Journal an inbound event and deliver it after what is already queued."""
        self._delivery.accept(ts, event)

    def _receive(self, event: Tick | OrderEvent | FillEvent) -> None:
        self._delivery.accept(self._now(), event)

    def _receive_bar(self, event: BarEvent) -> None:
        if event.closed:
            self._delivery.accept_bar(self._now(), event.bar)

    def _record_command(self, command: object) -> None:
        self._records.record_command(self._now(), command)

    def _now(self) -> int:
        return self._host.clock.now_ns()

    def _class(self, strategy_name: str) -> type[Any]:
        cls = self._host.registry.get(PluginKind.STRATEGY, strategy_name)
        if cls is None:
            raise ValueError(f"unknown strategy '{strategy_name}'")
        return cls

    def _publish(self, instance: StrategyInstance) -> None:
        bus = self._host.bus
        if bus.has_handlers(StrategyStateEvent):  # a backtest's fills: nobody to show
            bus.publish(instance.snapshot())

    def _changed(self, instance: StrategyInstance) -> None:
        self._records.save(instance)
        self._publish(instance)
