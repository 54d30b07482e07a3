"""Runs strategy instances: each isolated, so one that raises stops alone and says why.

Determinism: the runner takes ticks, closed bars, order updates and fills off the bus into a
queue, in the order it receives them, and delivers them one at a time, never while a handler
runs (a fill caused by ``buy`` is the next event, not a nested call). It writes the same
sequence to the journal, so feeding the journal back (``replay.py``) makes the same calls.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from terminal.domain.enums import PluginKind
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
from terminal.engine.strategy.host import (
    StrategyHost,
    checked_symbols,
    construct_strategy,
    journal_record,
    parse_params,
    per_symbol,
    warmup_history,
)
from terminal.engine.strategy.instance import (
    ACTIVE,
    ERROR,
    REMOVED,
    RUNNING,
    STOPPED,
    WARMING_UP,
    InstanceContext,
    LogLine,
    StrategyInstance,
)
from terminal.engine.strategy.store import StrategyStore

log = logging.getLogger("terminal.strategies")

__all__ = ["ERROR", "RUNNING", "STOPPED", "WARMING_UP", "StrategyInstance", "StrategyRunner"]


class StrategyRunner:
    """Adds, starts, stops, edits and removes instances; delivers ticks, bars, orders, fills."""

    def __init__(self, host: StrategyHost) -> None:
        self._host = host
        self._instances: dict[str, StrategyInstance] = {}
        self._owner: dict[str, str] = {}  # order id → instance name
        self._queue: deque[tuple[int, object]] = deque()
        self._draining = False
        self.journal: j.JournalWriter | None = None
        self.store: StrategyStore | None = None
        bus = host.bus
        bus.subscribe(Tick, self._receive)
        bus.subscribe(BarEvent, self._receive_bar)
        bus.subscribe(OrderEvent, self._receive)
        bus.subscribe(FillEvent, self._receive)
        for command in (SubmitOrder, CancelOrder, KillSwitch):
            bus.subscribe(command, self._record_command)

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
        context = InstanceContext(self, name)
        strategy = construct_strategy(cls, name, symbols, broker, context, parsed)
        positions = per_symbol(symbols, position)
        strategy._positions.update(positions)
        instance = StrategyInstance(
            name, strategy_name, symbols, broker, params, warmup, strategy, auto_start,
            multipliers={
                s: getattr(self._host.instruments[s], "multiplier", 1.0) for s in symbols
            },
            cash_by_symbol=per_symbol(symbols, cash),
        )
        self._instances[name] = instance
        self._record(
            j.AddRec(
                self._now(), name, strategy_name, symbols[0], broker, params, warmup,
                positions[symbols[0]], list(symbols) if len(symbols) > 1 else [],
                positions if len(symbols) > 1 else {},
            )
        )
        self._save(instance)
        self._publish(instance)
        return instance

    def edit(self, name: str, params: dict[str, Any], warmup: int = -1) -> None:
        """New parameters (and warm-up length) for a stopped instance; its position is kept."""
        instance = self.get(name)
        if instance.state in ACTIVE:
            raise ValueError(f"instance '{name}' is {instance.state}: stop it before editing")
        self._rebuild(instance, self._class(instance.strategy_name), params, warmup)
        self._record(j.EditRec(self._now(), name, dict(params), instance.warmup))
        self._save(instance)
        self._publish(instance)

    def _rebuild(
        self, instance: StrategyInstance, cls: type[Any], params: dict[str, Any], warmup: int
    ) -> None:
        problem = cls.symbols_problem(instance.symbols)
        if problem:
            raise ValueError(problem)
        parsed = parse_params(cls, params, instance.name)
        old = instance.strategy
        strategy = construct_strategy(
            cls, instance.name, instance.symbols, instance.broker, old.context, parsed
        )
        strategy._positions = old._positions
        strategy._working = old._working
        strategy._last_prices = old._last_prices
        instance.strategy, instance.params = strategy, dict(params)
        instance.last_bar.clear()  # the new object has no bars: its next start warms up fully
        instance.warmup = cls.warmup_bars if warmup < 0 else warmup
        if instance.state == ERROR:
            instance.state, instance.detail = STOPPED, ""

    def start(self, name: str, history: list[Bar] | None = None) -> None:
        """Warm up on history (orders refused), then go live. ``history``: a replay's bars."""
        instance = self.get(name)
        if instance.state in ACTIVE:
            return
        strategy = instance.strategy
        instance.state, instance.detail = WARMING_UP, ""
        self._publish(instance)
        instance.unsubscribers = [
            self._host.bars.subscribe(symbol, tf)
            for symbol in instance.symbols
            for tf in strategy.timeframes
        ]
        if history is None:
            history = warmup_history(
                self._host.bars, instance.symbols, strategy.timeframes, instance.warmup
            )
        self._record(j.StartRec(self._now(), name, history))
        strategy.history_phase = True
        instance.refused = 0
        draining, self._draining = self._draining, True  # nothing is delivered mid warm-up
        try:
            strategy.now_ns = self._now()
            ok = self._call(instance, strategy.on_start)
            for bar in history:
                if not ok:
                    break
                ok = self._feed_bar(instance, bar)
        finally:
            strategy.history_phase = False
            self._draining = draining
        if instance.refused:
            log.info(
                "strategy %s: warm-up on %d bars done, %d orders refused (history phase)",
                name, len(history), instance.refused,
            )
        if instance.state == WARMING_UP:
            instance.state = RUNNING
            self._save(instance)
            self._publish(instance)
        self._drain()

    def stop(self, name: str, cancel_orders: bool = True) -> None:
        instance = self.get(name)
        if instance.state not in ACTIVE:
            return
        self._stop(instance, cancel_orders)
        if cancel_orders:
            for order in instance.strategy.working_orders:
                self.cancel_for(instance, order.order_id)
        self._save(instance)

    def _stop(self, instance: StrategyInstance, cancel_orders: bool = False) -> None:
        self._detach(instance)
        instance.state = STOPPED
        instance.strategy.now_ns = self._now()
        # Recorded before on_stop runs, and what on_stop causes waits in the queue, so a replay
        # delivers it in the same place.
        self._record(j.StopRec(self._now(), instance.name, cancel_orders))
        draining, self._draining = self._draining, True
        try:
            self._call(instance, instance.strategy.on_stop)
        finally:
            self._draining = draining
        self._publish(instance)
        self._drain()

    def stop_all(self) -> None:
        for name in list(self._instances):
            self.stop(name)

    def remove(self, name: str) -> None:
        self.stop(name)
        last = msgspec.structs.replace(self._instances.pop(name).snapshot(), state=REMOVED)
        self._record(j.RemoveRec(self._now(), name))
        if self.store is not None:
            self.store.delete(name)
        self._host.bus.publish(last)

    def reload(self, strategy_name: str, cls: type[Any]) -> list[str]:
        """Give stopped instances of ``strategy_name`` the new class; returns their names."""
        reloaded = []
        for instance in self._instances.values():
            if instance.strategy_name == strategy_name and instance.state not in ACTIVE:
                self._rebuild(instance, cls, instance.params, instance.warmup)
                self._publish(instance)
                reloaded.append(instance.name)
        return reloaded

    # ---- persistence --------------------------------------------------------------------
    def open_store(self, path: Path) -> None:
        self.store = StrategyStore(path)

    def restore(self) -> None:
        """Re-create saved instances, stopped unless added with ``auto_start``."""
        if self.store is None:
            return
        for saved in self.store.load():
            try:
                self.add(
                    saved.name, saved.strategy, saved.symbols, saved.broker, saved.params,
                    saved.warmup, saved.auto_start, saved.positions, saved.cash,
                )
            except (ValueError, KeyError) as exc:
                log.error("strategy instance '%s' not restored: %s", saved.name, exc)
                continue
            instance = self._instances[saved.name]
            if saved.state in ACTIVE and saved.auto_start:
                self.start(saved.name)
            elif saved.state in ACTIVE:
                instance.detail = "was running before the restart: start it to trade again"
                self._publish(instance)
            elif saved.state == ERROR:
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
        self._record(setup)

    def shutdown(self) -> None:
        """Stop every instance for an engine stop: the saved state still says what ran."""
        for instance in self._instances.values():
            if instance.state in ACTIVE:
                self._stop(instance)
        if self.journal is not None:
            self.journal.close()
        if self.store is not None:
            self.store.close()

    def _save(self, instance: StrategyInstance) -> None:
        if self.store is not None:
            self.store.save(instance.saved())

    # ---- orders from strategies ---------------------------------------------------------
    def submit_for(self, instance: StrategyInstance, request: OrderRequest) -> str:
        with log_context(strategy=instance.name):  # the engine's order lines name it
            order_id = self._host.submit(request)
        self._owner[order_id] = instance.name
        instance.orders_placed += 1
        self._record(j.SubmitRec(self._now(), instance.name, order_id, request))
        return order_id

    def cancel_for(self, instance: StrategyInstance, order_id: str) -> None:
        if self._owner.get(order_id) != instance.name:
            instance.strategy.log(f"cancel of {order_id} ignored: not an order of this instance")
            return
        self._record(j.CancelRec(self._now(), instance.name, order_id))
        self._host.cancel(order_id)

    # ---- receiving and delivering -------------------------------------------------------
    def _now(self) -> int:
        return self._host.clock.now_ns()

    def _receive(self, event: Tick | OrderEvent | FillEvent) -> None:
        self.accept(self._now(), event)

    def _receive_bar(self, event: BarEvent) -> None:
        if event.closed:
            self.accept(self._now(), event)

    def accept(self, ts: int, event: object) -> None:
        """Journal an inbound event and deliver it after what is already queued."""
        if self.journal is not None:
            self.journal.write(journal_record(ts, event))
        if self._instances:
            self._queue.append((ts, event))
            self._drain()

    def _record_command(self, command: object) -> None:
        payload = msgspec.to_builtins(command)
        self._record(j.CommandRec(self._now(), type(command).__name__, payload))

    def _record(self, record: j.Record) -> None:
        if self.journal is not None:
            self.journal.write(record)

    def _drain(self) -> None:
        if self._draining:
            return
        self._draining = True
        try:
            while self._queue:
                ts, event = self._queue.popleft()
                self._deliver(ts, event)
        finally:
            self._draining = False

    def _deliver(self, ts: int, event: object) -> None:
        if isinstance(event, Tick):
            for instance in self._instances.values():
                if event.symbol in instance.symbols:
                    instance.strategy._last_prices[event.symbol] = event.last
                    if instance.state == RUNNING:
                        instance.strategy.now_ns = ts
                        self._call(instance, instance.strategy.on_tick, event)
        elif isinstance(event, BarEvent):
            for instance in self._instances.values():
                if instance.state == RUNNING and event.bar.symbol in instance.symbols:
                    instance.strategy.now_ns = ts
                    self._feed_bar(instance, event.bar)
        elif isinstance(event, OrderEvent):
            self._deliver_order(ts, event)
        elif isinstance(event, FillEvent):
            self._deliver_fill(ts, event)

    def _feed_bar(self, instance: StrategyInstance, bar: Bar) -> bool:
        """Feed one bar of a declared timeframe, once: the warm-up/live seam drops repeats."""
        strategy = instance.strategy
        key = (bar.symbol, bar.timeframe)
        series = strategy._series.get(key)
        if series is None:  # not a declared timeframe, or not one of its symbols
            return True
        if bar.start <= instance.last_bar.get(key, -1):
            return True
        instance.last_bar[key] = bar.start
        series.append(bar)
        if strategy.history_phase:
            strategy.now_ns = bar.start
        return self._call(instance, strategy.on_bar, bar)

    def _deliver_order(self, ts: int, event: OrderEvent) -> None:
        order = event.order
        instance = self._instances.get(self._owner.get(order.order_id, ""))
        if instance is None:
            return
        working = instance.strategy._working
        if order.status.is_working:
            working[order.order_id] = order
        else:
            working.pop(order.order_id, None)
        if instance.state == RUNNING:
            instance.strategy.now_ns = ts
            self._call(instance, instance.strategy.on_order, order)

    def _deliver_fill(self, ts: int, event: FillEvent) -> None:
        fill = event.fill
        instance = self._instances.get(self._owner.get(fill.order_id, ""))
        if instance is None:
            return
        instance.apply_fill(fill)
        self._save(instance)
        if instance.state == RUNNING:
            instance.strategy.now_ns = ts
            self._call(instance, instance.strategy.on_fill, fill)
        self._publish(instance)

    def _call(self, instance: StrategyInstance, handler: Callable[..., None], *args: Any) -> bool:
        """Run one handler; an exception stops this instance only. False if it raised."""
        started = time.perf_counter()
        try:
            handler(*args)
        except Exception as exc:
            self._fail(instance, handler, exc)
            return False
        took = time.perf_counter() - started
        if took > instance.strategy.slow_handler_s:
            name = getattr(handler, "__name__", "handler")
            instance.strategy.context.log(
                f"{name} took {took * 1000:.1f} ms (slow above "
                f"{instance.strategy.slow_handler_s * 1000:g} ms)",
                "WARNING",
            )
        return True

    def _fail(
        self, instance: StrategyInstance, handler: Callable[..., None], exc: Exception
    ) -> None:
        self._detach(instance)
        instance.state = ERROR
        instance.detail = f"{type(exc).__name__}: {exc}"
        name = getattr(handler, "__name__", "handler")
        text = traceback.format_exc()
        # Into the instance's own log only: the line below already reaches the logging system.
        instance.log_lines.append(LogLine(time.time(), "ERROR", f"error in {name}:\n{text}"))
        log.error(
            "strategy %s stopped by an error in %s:\n%s", instance.name, name, text,
            extra={"strategy": instance.name, "symbol": instance.symbol},
        )
        self._save(instance)
        self._publish(instance)

    def instrument(self, symbol: str) -> Any:
        """The host's instrument for ``symbol`` (what ``Strategy.instrument`` returns)."""
        return self._host.instruments[symbol]

    def _class(self, strategy_name: str) -> type[Any]:
        cls = self._host.registry.get(PluginKind.STRATEGY, strategy_name)
        if cls is None:
            raise ValueError(f"unknown strategy '{strategy_name}'")
        return cls

    @staticmethod
    def _detach(instance: StrategyInstance) -> None:
        for unsubscribe in instance.unsubscribers:
            unsubscribe()
        instance.unsubscribers = []

    def _publish(self, instance: StrategyInstance) -> None:
        self._host.bus.publish(instance.snapshot())
