"""A read-only copy of orders kept by someone else (a server's engine, a journal's run)."""

from __future__ import annotations

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
