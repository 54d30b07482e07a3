"""Read-only copies of orders and contingent groups kept by someone else (a server's engine, a
journal's run)."""

from __future__ import annotations

from terminal.domain.contingent import ContingentEvent, ContingentGroup
from terminal.domain.events import OrderEvent
from terminal.engine.bus import EventBus
from terminal.engine.orders.book import OrderIndex


class OrdersMirror(OrderIndex):
    """The latest state of every order, from the order events on ``bus``; read it with
    ``get``, ``all`` and ``working`` as the live engine's :class:`OrderBook`.

    The remote engine mirrors the server's order book this way, the replay engine the orders
    of the recorded run; neither decides anything about an order, so the mirror only copies.
    """

    def __init__(self, bus: EventBus) -> None:
        super().__init__()
        bus.subscribe(OrderEvent, self._on_order)

    def _on_order(self, event: OrderEvent) -> None:
        self._put(event.order)


class ContingentMirror:
    """The active contingent groups (brackets, OCO groups, trailing stops), from the
    ``ContingentEvent``s on ``bus``; read them with ``groups`` as the live engine's
    :class:`~terminal.engine.orders.contingent.ContingentOrders`."""

    def __init__(self, bus: EventBus) -> None:
        self._groups: dict[str, ContingentGroup] = {}
        bus.subscribe(ContingentEvent, self._on_group)

    def groups(self) -> list[ContingentGroup]:
        return list(self._groups.values())

    def replace(self, groups: list[ContingentGroup]) -> None:
        """Start over from a whole list (a remote engine's session)."""
        self._groups = {group.group_id: group for group in groups if not group.done}

    def _on_group(self, event: ContingentEvent) -> None:
        if event.group.done:
            self._groups.pop(event.group.group_id, None)
        else:
            self._groups[event.group.group_id] = event.group
