"""Replay: feed a run's journal back through the strategies, headless, and list their orders.

The runner is the same class as live; only its host differs. Orders are not executed: the
journal already holds what the brokers answered (order updates, fills) in the order the
strategies received them. The n-th order an instance places in the replay gets the id its
n-th order got live, so the recorded updates and fills reach it exactly as they did.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec

from terminal.domain.contingent import ModifyOrder, SubmitBracket, placed_requests
from terminal.domain.events import BarEvent, FillEvent, OrderEvent
from terminal.domain.instrument import price_text
from terminal.domain.orders import OrderRequest
from terminal.engine import journal as j
from terminal.engine.bus import EventBus
from terminal.engine.clock import ManualClock
from terminal.engine.orders.contingent_build import STOP_LOSS_SUFFIX, TAKE_PROFIT_SUFFIX
from terminal.engine.strategy.host import BarSource, NoBars, Registry
from terminal.engine.strategy.runner import StrategyRunner


class PlacedOrder(msgspec.Struct, frozen=True):
    instance: str
    order_id: str
    request: OrderRequest

    def describe(self) -> str:
        r = self.request
        price = f" @ {price_text(r.price)}" if r.order_type.has_limit_price else ""
        trigger = f" stop {price_text(r.trigger_price)}" if r.order_type.has_trigger else ""
        note = f"  ({r.note})" if r.note else ""
        return (
            f"{self.instance} {self.order_id} {r.side.value} {price_text(r.quantity)} {r.symbol} "
            f"{r.order_type.value}{price}{trigger}{note}"
        )


class _ReplayContingent:
    """A replay's contingent orders: each order a strategy places itself gets its live id
    (a bracket's exits are named after its entry, as live); nothing reaches a broker."""

    def __init__(self, host: ReplayHost) -> None:
        self._host = host

    def place(self, command: Any) -> list[str]:
        host = self._host
        ids = [host.submit(request) for request in placed_requests(command)]
        if isinstance(command, SubmitBracket):
            exits = ((command.take_profit, TAKE_PROFIT_SUFFIX),
                     (command.stop_loss or command.trail, STOP_LOSS_SUFFIX))  # fmt: skip
            ids += [ids[0] + suffix for wanted, suffix in exits if wanted]
        return ids

    def modify(self, command: ModifyOrder) -> None:
        self._host.modified.append(command)


class ReplayHost:
    """The runner's host in a replay: no feeds, no brokers, a clock set from the journal."""

    def __init__(
        self,
        registry: Registry,
        setup: j.SetupRec,
        live: list[j.SubmitRec],
        *,
        bus: EventBus | None = None,
        clock: ManualClock | None = None,
        bars: BarSource | None = None,
    ) -> None:
        """``bus``, ``clock`` and ``bars``: a GUI replay's (``replay_engine.py``); by default
        private ones, and no bars beyond the journal's."""
        self.bus = bus or EventBus()
        self.clock = clock or ManualClock()
        self.registry = registry
        self.instruments: dict[str, Any] = {i.symbol: i for i in setup.instruments}
        self.brokers: dict[str, Any] = dict.fromkeys(setup.brokers)
        self.bars: BarSource = bars or NoBars()
        self._live: dict[str, list[str]] = {}
        for record in live:
            self._live.setdefault(record.instance, []).append(record.order_id)
        self._counts: Counter[str] = Counter()
        self.placed: list[PlacedOrder] = []
        self.cancelled: list[str] = []
        self.modified: list[ModifyOrder] = []
        self.contingent = _ReplayContingent(self)

    def submit(self, request: OrderRequest, order_id: str | None = None) -> str:
        instance = request.origin.removeprefix("strategy:")
        n = self._counts[instance]
        self._counts[instance] += 1
        ids = self._live.get(instance, [])
        order_id = ids[n] if n < len(ids) else f"replay-{instance}-{n + 1}"
        self.placed.append(PlacedOrder(instance, order_id, request))
        return order_id

    def cancel(self, order_id: str) -> None:
        self.cancelled.append(order_id)


class ReplayResult(msgspec.Struct):
    placed: list[PlacedOrder]
    live: list[PlacedOrder]
    records: int
    problems: list[str]
    """Commands that could not be replayed, with the reason."""

    def first_difference(self) -> int | None:
        """Index of the first order that differs from live (or is missing), None if equal."""
        for n, (replayed, live) in enumerate(zip(self.placed, self.live, strict=False)):
            if replayed != live:
                return n
        if len(self.placed) != len(self.live):
            return min(len(self.placed), len(self.live))
        return None

    def summary(self, where: str = "all instances") -> str:
        """How many orders the replay placed, and whether they are those placed live."""
        head = f"replayed {self.records} records ({where}): {len(self.placed)} orders"
        difference = self.first_difference()
        if difference is None:
            return f"{head}, identical to the {len(self.live)} placed live"
        live = self.live[difference].describe() if difference < len(self.live) else "(none)"
        placed = self.placed[difference].describe() if difference < len(self.placed) else "(none)"
        return (
            f"{head}, {len(self.live)} live; first difference at order {difference + 1}:\n"
            f"  live:   {live}\n  replay: {placed}"
        )


def replay(records: list[j.Record], registry: Registry, only: str | None = None) -> ReplayResult:
    """Run the strategies of ``records`` (or instance ``only``) again; their orders, and live."""
    setup = next((r for r in records if isinstance(r, j.SetupRec)), j.SetupRec(0, [], []))
    live = [r for r in records if isinstance(r, j.SubmitRec) and only in (None, r.instance)]
    host = ReplayHost(registry, setup, live)
    runner = StrategyRunner(host)
    problems: list[str] = []
    for record in records:
        host.clock.set(record.ts)
        try:
            apply_record(runner, record, only)
        except (ValueError, KeyError) as exc:  # e.g. a strategy no longer installed
            problems.append(f"{type(record).__name__} at {record.ts}: {exc.args[0]}")
    return ReplayResult(
        host.placed,
        [PlacedOrder(r.instance, r.order_id, r.request) for r in live],
        len(records),
        problems,
    )


def apply_record(runner: StrategyRunner, record: j.Record, only: str | None = None) -> None:
    """Hand one journal record to ``runner`` as the live engine did (commands of instances
    other than ``only`` are skipped when it is given)."""
    ts = record.ts
    if isinstance(record, j.TickRec):
        runner.accept(ts, record.tick)
    elif isinstance(record, j.BarRec):
        runner.accept(ts, BarEvent(record.bar, closed=True))
    elif isinstance(record, j.OrderRec):
        runner.accept(ts, OrderEvent(record.order))
    elif isinstance(record, j.FillRec):
        runner.accept(ts, FillEvent(record.fill))
    elif getattr(record, "instance", None) not in (None, only) and only is not None:
        return
    elif isinstance(record, j.AddRec):
        runner.add(
            record.instance,
            record.strategy,
            record.all_symbols(),
            record.broker,
            record.params,
            record.warmup,
            position=record.all_positions(),
        )
    elif isinstance(record, j.EditRec):
        runner.edit(record.instance, record.params, record.warmup)
    elif isinstance(record, j.StartRec):
        runner.start(record.instance, history=record.history)
    elif isinstance(record, j.StopRec):
        runner.stop(record.instance, cancel_orders=record.cancel_orders)
    elif isinstance(record, j.RemoveRec):
        runner.remove(record.instance)
