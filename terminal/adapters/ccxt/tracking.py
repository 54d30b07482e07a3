"""How a ccxt broker turns what its venue says about orders into order-book changes, so that
each fill counts once and no report moves an order backwards.

Reports come from three places that race: ``create_order``'s answer, the private stream
(order updates and trades separately) and queries after a reconnect. So: a fill's id is the
venue's trade id (a repeat is ignored by the order book); a status only moves an order
forward (an "open" arriving after a partial fill changes nothing); an order the venue closed
with more filled than the terminal has heard of gets its trades fetched first, then closed;
and a trade of an order not yet matched waits until its order update names it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from terminal.adapters.ccxt.mapping import fill_from_trade, venue_order
from terminal.adapters.ccxt.markets import Markets
from terminal.domain.enums import OrderStatus
from terminal.domain.orders import Order
from terminal.domain.venue import VenueOrder
from terminal.engine.broker import BrokerContext

log = logging.getLogger("terminal.ccxt")

EPSILON = 1e-12
CLOSING = (OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.REJECTED)


class OrderTracker:
    """Applies venue order reports and trades of one broker to the order book."""

    def __init__(
        self,
        broker: str,
        context: BrokerContext,
        markets: Callable[[], Markets],
        fetch_trades: Callable[[Order, VenueOrder], Awaitable[list[dict[str, Any]]]],
    ) -> None:
        self._broker = broker
        self._context = context
        self._markets = markets
        self._fetch_trades = fetch_trades
        self.venue_ids: dict[str, str] = {}  # the venue's order id → the terminal's
        self._waiting_trades: dict[str, list[dict[str, Any]]] = {}  # venue order id → trades
        self._applied: set[str] = set()  # fill ids handed on (the answer and the stream repeat)

    def order_of(self, client_id: Any, venue_id: Any) -> Order | None:
        """The terminal's order the venue calls ``client_id`` / ``venue_id``, if known."""
        if client_id:
            order = self._context.find_order(str(client_id))
            if order is not None:
                return order
        order_id = self.venue_ids.get(str(venue_id))
        return self._context.find_order(order_id) if order_id else None

    def on_order(self, report: dict[str, Any]) -> None:
        """A ccxt order from the stream, an answer or a query."""
        order = self.order_of(report.get("clientOrderId"), report.get("id"))
        if order is None:
            reference = report.get("clientOrderId") or report.get("id")
            self._context.request_reconcile(f"the venue reported order {reference}, unknown here")
            return
        symbol = self._markets().symbol(str(report.get("symbol")))
        self.apply(order, venue_order(report, symbol), report.get("trades") or [])

    def on_trade(self, trade: dict[str, Any]) -> None:
        """A ccxt trade from the stream: a fill, once its order is known."""
        venue_id = str(trade.get("order"))
        # Binance's trade carries its order's client id in the raw event ("c").
        client_id = trade.get("clientOrderId") or (trade.get("info") or {}).get("c")
        order = self.order_of(client_id, venue_id)
        if order is None:
            self._waiting_trades.setdefault(venue_id, []).append(trade)
            return
        self.venue_ids.setdefault(venue_id, order.order_id)
        self.add_fill(order, trade)

    def apply(self, order: Order, venue: VenueOrder, trades: list[dict[str, Any]]) -> None:
        """Move ``order`` forward to what the venue reports, fills first."""
        if venue.venue_order_id:
            self.venue_ids[venue.venue_order_id] = order.order_id
            for trade in self._waiting_trades.pop(venue.venue_order_id, []):
                self.add_fill(order, trade)
        for trade in trades:
            self.add_fill(order, trade)
        current = self._context.find_order(order.order_id)
        if current is None:
            return
        missing = venue.filled_quantity > current.filled_quantity + EPSILON
        if missing and venue.status in (*CLOSING, OrderStatus.FILLED):
            # Closed there with fills not heard of here: fetch them, then close (in order).
            self._context.spawn(self._recover(current, venue), f"fills of {order.order_id}")
            return
        self._move(current, venue)

    def add_fill(self, order: Order, trade: dict[str, Any]) -> None:
        markets = self._markets()
        market = markets.market(order.symbol)
        market_id = str(market["id"]) if market else order.symbol
        instrument = self._context.instrument(order.symbol)
        fill = fill_from_trade(trade, order, self._broker, market_id, instrument)
        if fill.fill_id in self._applied:
            return  # the order book would refuse it too; this keeps its warning for surprises
        self._applied.add(fill.fill_id)
        self._context.add_fill(
            order.order_id,
            fill.fill_id,
            fill.quantity,
            fill.price,
            fill.commission,
            ts=fill.ts,
            fee=fill.fee,
            fee_currency=fill.fee_currency,
        )

    async def _recover(self, order: Order, venue: VenueOrder) -> None:
        try:
            trades = await self._fetch_trades(order, venue)
        except Exception as exc:
            log.warning(
                "broker %s: trades of %s not fetched: %s", self._broker, order.order_id, exc
            )
            trades = []
        for trade in trades:
            self.add_fill(order, trade)
        current = self._context.find_order(order.order_id)
        if current is not None:
            self._move(current, venue)

    def _move(self, current: Order, venue: VenueOrder) -> None:
        status = current.status
        if not status.is_working:
            return
        if venue.status in CLOSING:
            if status is OrderStatus.SUBMITTED and venue.status is OrderStatus.EXPIRED:
                # An IOC the venue took and ended at once: it was accepted first.
                self._context.update_order(current.order_id, OrderStatus.ACCEPTED)
            asked = status is OrderStatus.PENDING_CANCEL and venue.status is OrderStatus.CANCELLED
            why = current.reason if asked else venue.reason or f"{venue.status.value} at the venue"
            self._context.update_order(current.order_id, venue.status, why)
        elif status is OrderStatus.SUBMITTED and venue.status in (
            OrderStatus.ACCEPTED,
            OrderStatus.PARTIALLY_FILLED,
        ):
            self._context.update_order(current.order_id, OrderStatus.ACCEPTED)
