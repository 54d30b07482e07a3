"""The contingent groups as the engine keeps them: the active groups by id and by order,
recorded in the trading store and published as ``ContingentEvent`` at every change. The bus is
followed only while a group is active (a backtest without one pays nothing), ticks only while
a trailing stop is live. :class:`~terminal.engine.orders.contingent.ContingentOrders` acts on
them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from msgspec.structs import replace

from terminal.domain.contingent import ContingentEvent, ContingentGroup
from terminal.domain.enums import LegState, OrderStatus
from terminal.domain.events import FillEvent, OrderEvent, Tick
from terminal.domain.orders import Order
from terminal.engine.orders.contingent_build import ROLE_NAMES


class ContingentRecords:
    """The active groups of ``host`` (the engine, or a backtest's host: its ``bus``,
    ``clock``, ``order_book``, ``brokers`` and ``market``), recorded in ``store`` if given.
    ``new_id`` makes order ids (default: the book's); ``follow_ticks``: trailing stops follow
    trades (live), else the host reports prices (a backtest, bar by bar: ``on_price``)."""

    def __init__(
        self, host: Any, store: Any = None, new_id: Callable[[], str] | None = None,
        follow_ticks: bool = True,
    ) -> None:  # fmt: skip
        self._host = host
        self._store = store
        self._new_id = new_id or host.order_book.next_order_id
        self._follow_ticks = follow_ticks  # live: trailing stops follow trades (a backtest: bars)
        self._groups: dict[str, ContingentGroup] = {}  # the active ones
        self._of_order: dict[str, str] = {}  # order id → group id
        self._trailing: dict[str, set[str]] = {}  # symbol → groups with a live trailing stop
        self._unsubscribe: list[Callable[[], None]] = []
        self._tick_unsubscribe: Callable[[], None] | None = None
        self._cancel_sent: set[str] = set()
        self.placing_siblings: frozenset[str] = frozenset()
        """While a leg is being placed: the other live orders of its group (the funds check
        does not count their sales against it: one of them fills, not both)."""
        self._tried: set[tuple[str, float]] = set()  # resizes asked (a refusal is not repeated)

    # ---- reading ---------------------------------------------------------------------------
    def groups(self) -> list[ContingentGroup]:
        """The active groups, oldest first."""
        return list(self._groups.values())

    def group_of(self, order_id: str) -> ContingentGroup | None:
        """The active group ``order_id`` (an entry or a leg) belongs to."""
        group_id = self._of_order.get(order_id)
        return self._groups.get(group_id) if group_id is not None else None

    # ---- what the bus brings (``ContingentOrders`` acts on it) -------------------------------
    def _on_order(self, event: OrderEvent) -> None:
        raise NotImplementedError

    def _on_fill(self, event: FillEvent) -> None:
        raise NotImplementedError

    def _on_tick(self, tick: Tick) -> None:
        raise NotImplementedError

    def on_price(self, symbol: str, high: float, low: float) -> None:
        raise NotImplementedError

    # ---- the groups' records ------------------------------------------------------------------
    def _start(self, group: ContingentGroup) -> None:
        self._groups[group.group_id] = group
        self._index(group)
        self._record(group)
        self._watch()

    def _update(self, group: ContingentGroup, reason: str = "") -> ContingentGroup:
        """Keep, record and publish ``group`` if it changed; the group as kept."""
        if reason:
            group = replace(group, reason=reason)
        if self._groups.get(group.group_id) == group:
            return group
        group = replace(group, updated_ns=self._now())
        self._groups[group.group_id] = group
        self._index(group)
        self._record(group)
        return group

    def _finish(self, group: ContingentGroup, reason: str) -> None:
        done = replace(group, done=True, reason=reason, updated_ns=self._now())
        self._groups.pop(group.group_id, None)
        for order_id in group.order_ids():
            if self._of_order.get(order_id) == group.group_id:
                del self._of_order[order_id]
            self._cancel_sent.discard(order_id)
        self._index(done)
        self._record(done)
        self._watch()

    def _record(self, group: ContingentGroup) -> None:
        if self._store is not None:
            self._store.record_group(group)
        self._host.bus.publish(ContingentEvent(group))

    def _index(self, group: ContingentGroup) -> None:
        if not group.done:
            for order_id in group.order_ids():
                self._of_order[order_id] = group.group_id
        trailing = not group.done and any(
            leg.trail is not None and leg.state is LegState.LIVE for leg in group.legs
        )
        holders = self._trailing.setdefault(group.symbol, set())
        if trailing:
            holders.add(group.group_id)
        else:
            holders.discard(group.group_id)
            if not holders:
                del self._trailing[group.symbol]
        self._watch_ticks()

    def _watch(self) -> None:
        """Follow order updates and fills only while a group is active (a backtest without
        one pays nothing)."""
        bus = self._host.bus
        if self._groups and not self._unsubscribe:
            self._unsubscribe = [bus.subscribe(OrderEvent, self._on_order),
                                 bus.subscribe(FillEvent, self._on_fill)]  # fmt: skip
        elif not self._groups and self._unsubscribe:
            for unsubscribe in self._unsubscribe:
                unsubscribe()
            self._unsubscribe = []
            self._tried.clear()

    def _watch_ticks(self) -> None:
        if not self._follow_ticks:  # a backtest's host reports bars, while any stop trails
            self._host.follow_prices(self.on_price if self._trailing else None)
            return
        if self._trailing and self._tick_unsubscribe is None:
            self._tick_unsubscribe = self._host.bus.subscribe(Tick, self._on_tick)
        elif not self._trailing and self._tick_unsubscribe is not None:
            self._tick_unsubscribe()
            self._tick_unsubscribe = None

    # ---- small things -------------------------------------------------------------------------
    def _free_id(self, order_id: str) -> str:
        order_id = order_id or self._new_id()
        if order_id in self._of_order or self._host.order_book.get(order_id) is not None:
            raise ValueError(f"order id {order_id} is already in use")
        return order_id

    def _modifies(self, broker: str) -> bool:
        plugin = self._host.brokers.get(broker)
        return plugin is not None and bool(plugin.modifies)

    def _last(self, symbol: str) -> float | None:
        return self._host.market.last_price(symbol)

    def _now(self) -> int:
        return int(self._host.clock.now_ns())


def legs_from_book(group: ContingentGroup, book: Any) -> ContingentGroup:
    """The legs' states as the order book says: a placed leg that ended is done (with why,
    unless it filled); a leg recorded live that the book never got waits to be placed again;
    a waiting leg the book has (placed, then a crash before it was recorded) is live."""
    legs = []
    reason = group.reason
    for leg in group.legs:
        order = book.get(leg.order_id)
        if leg.state is LegState.DONE:
            pass
        elif order is None:
            leg = replace(leg, state=LegState.WAITING)
        elif order.status.is_final:
            why = "" if order.status is OrderStatus.FILLED else order.reason or order.status.value
            if order.status is OrderStatus.REJECTED:
                reason = f"{ROLE_NAMES[leg.role]} refused: {why}"
            leg = replace(leg, state=LegState.DONE, reason=why)
        else:
            leg = replace(leg, state=LegState.LIVE)
        legs.append(leg)
    return replace(group, legs=tuple(legs), reason=reason)


def status_of(order: Order | None) -> OrderStatus | None:
    return order.status if order is not None else None


def filled_of(order: Order | None) -> float:
    return order.filled_quantity if order is not None else 0.0
