"""Delivery of events to strategy instances: one at a time, each handler call isolated.

Determinism: the runner takes ticks, closed bars, order updates and fills off the bus into a
queue, in the order it receives them, and delivers them one at a time, never while a handler
runs (a fill caused by ``buy`` is the next event, not a nested call). It writes the same
sequence to the journal, so feeding the journal back (``terminal/engine/replay``) makes the
same calls.
"""

from __future__ import annotations

import logging
import math
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from terminal.domain.enums import StrategyState
from terminal.domain.events import BarEvent, FillEvent, OrderEvent, Tick
from terminal.domain.market import Bar
from terminal.engine.strategy.base import Strategy
from terminal.engine.strategy.instance import LogLine, StrategyInstance
from terminal.engine.strategy.records import StrategyRecords

log = logging.getLogger("terminal.strategies")

RUNNING = StrategyState.RUNNING


class EventDelivery:
    """The queue of events waiting for the instances, and every call into their handlers.

    It reads the runner's ``instances`` (by name) and ``owner`` (order id → instance name)
    and writes each instance's runtime as the events say; ``publish`` shows an instance's
    changed state."""

    def __init__(
        self,
        instances: Mapping[str, StrategyInstance],
        owner: Mapping[str, str],
        records: StrategyRecords,
        publish: Callable[[StrategyInstance], None],
    ) -> None:
        self._instances = instances
        self._owner = owner
        self._records = records
        self._publish = publish
        self._queue: deque[tuple[int, object]] = deque()
        self._draining = False

    def accept(self, ts: int, event: object) -> None:
        """Journal an inbound event and deliver it after what is already queued."""
        self._records.record_event(ts, event)
        if self._instances:
            self._queue.append((ts, event))
            self.drain()

    def accept_bar(self, ts: int, bar: Bar) -> None:
        """A closed bar: what ``accept(ts, BarEvent(bar, closed=True))`` does, without the
        event object or the queue when nothing waits ahead of it (a backtest's every bar)."""
        if self._queue or self._draining or self._records.journal is not None:
            self.accept(ts, BarEvent(bar, closed=True))
        elif self._instances:
            self._draining = True
            try:
                self._deliver_bar(ts, bar)
            finally:
                self._draining = False
            if self._queue:  # what its handlers caused (order updates), after it
                self.drain()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Nothing is delivered while the block runs (a warm-up, an ``on_stop``): what it
        causes waits in the queue, and comes after it, where a replay delivers it too."""
        draining, self._draining = self._draining, True
        try:
            yield
        finally:
            self._draining = draining

    def drain(self) -> None:
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
                    instance.runtime.last_prices[event.symbol] = event.last
                    self._if_running(instance, ts, instance.strategy.on_tick, event)
        elif isinstance(event, BarEvent):
            self._deliver_bar(ts, event.bar)
        elif isinstance(event, OrderEvent):
            owner = self._owner_of(event.order.order_id)
            if owner is not None:
                owner.runtime.book_order(event.order)
                if type(owner.strategy).on_order is not Strategy.on_order:  # else a no-op
                    self._if_running(owner, ts, owner.strategy.on_order, event.order)
        elif isinstance(event, FillEvent):
            owner = self._owner_of(event.fill.order_id)
            if owner is not None:
                owner.apply_fill(event.fill)
                self._records.save(owner)
                if type(owner.strategy).on_fill is not Strategy.on_fill:  # else a no-op
                    self._if_running(owner, ts, owner.strategy.on_fill, event.fill)
                self._publish(owner)

    def _deliver_bar(self, ts: int, bar: Bar) -> None:
        # feed_bar's steps, inline (a backtest's every bar comes here): a running instance is
        # past its warm-up, so the bar is live.
        symbol, timeframe = bar.symbol, bar.timeframe
        for instance in self._instances.values():
            if instance.state is not RUNNING or symbol not in instance.symbols:
                continue
            runtime, strategy = instance.runtime, instance.strategy
            runtime.now_ns = ts
            if timeframe not in strategy.timeframes or not runtime.take_bar(bar):
                continue
            if strategy.slow_handler_s != math.inf:
                self.call(instance, strategy.on_bar, bar)
                continue
            try:  # call()'s work for a handler that is not timed, without the call
                strategy.on_bar(bar)
            except Exception as exc:
                self._fail(instance, strategy.on_bar, exc)

    def _owner_of(self, order_id: str) -> StrategyInstance | None:
        return self._instances.get(self._owner.get(order_id, ""))

    def _if_running(
        self, instance: StrategyInstance, ts: int, handler: Callable[[Any], None], event: Any
    ) -> None:
        if instance.state is RUNNING:
            instance.runtime.now_ns = ts
            self.call(instance, handler, event)

    def feed_bar(self, instance: StrategyInstance, bar: Bar) -> bool:
        """Feed one bar of a declared timeframe, once: the warm-up/live seam drops repeats.
        False if the handler raised."""
        strategy, runtime = instance.strategy, instance.runtime
        if bar.timeframe not in strategy.timeframes or bar.symbol not in instance.symbols:
            return True
        if not runtime.take_bar(bar):
            return True
        if runtime.history_phase:
            runtime.now_ns = bar.start
        return self.call(instance, strategy.on_bar, bar)

    def call(self, instance: StrategyInstance, handler: Callable[..., None], *args: Any) -> bool:
        """Run one handler; an exception stops this instance only. False if it raised."""
        slow = instance.strategy.slow_handler_s
        timed = slow != math.inf  # a backtest's are not: two clock reads cost a tenth of a bar
        started = time.perf_counter() if timed else 0.0
        try:
            handler(*args)
        except Exception as exc:
            self._fail(instance, handler, exc)
            return False
        took = time.perf_counter() - started if timed else 0.0
        if took > slow:
            name = getattr(handler, "__name__", "handler")
            instance.strategy.context.log(
                f"{name} took {took * 1000:.1f} ms (slow above {slow * 1000:g} ms)", "WARNING"
            )
        return True

    def _fail(
        self, instance: StrategyInstance, handler: Callable[..., None], exc: Exception
    ) -> None:
        instance.detach()
        instance.state = StrategyState.ERROR
        instance.detail = f"{type(exc).__name__}: {exc}"
        name = getattr(handler, "__name__", "handler")
        text = traceback.format_exc()
        # Into the instance's own log only: the line below already reaches the logging system.
        instance.log_lines.append(LogLine(time.time(), "ERROR", f"error in {name}:\n{text}"))
        log.error(
            "strategy %s stopped by an error in %s:\n%s", instance.name, name, text,
            extra={"strategy": instance.name, "symbol": instance.symbol},
        )
        self._records.save(instance)
        self._publish(instance)
