"""What a ccxt broker asks its venue: an order by its client id, an order's trades, and the
whole account (balances, open orders, derivatives positions) for reconciliation."""

from __future__ import annotations

from typing import Any

import ccxt

from terminal.adapters.ccxt.broker import CcxtBrokerOptions
from terminal.adapters.ccxt.mapping import (
    balances_from,
    fill_from_trade,
    position_from,
    venue_order,
)
from terminal.adapters.ccxt.markets import Markets
from terminal.adapters.ccxt.venue import RATE_LIMITED, RateGate
from terminal.domain.orders import Fill, Order
from terminal.domain.venue import AccountReport, VenueOrder
from terminal.engine.broker import BrokerContext

UNKNOWN_OUTCOME = (ccxt.OperationFailed,)
"""No answer, a 5xx or a timeout: the venue may or may not have carried the request out
(Binance: "the execution status is UNKNOWN and could have been a success")."""


class VenueQueries:
    """The broker's questions to the venue, each waiting out a rate-limit answer first."""

    def __init__(
        self,
        name: str,
        context: BrokerContext,
        exchange: Any,
        markets: Markets,
        gate: RateGate,
        options: CcxtBrokerOptions,
    ) -> None:
        self.name, self.context, self.exchange = name, context, exchange
        self.markets, self.gate, self.options = markets, gate, options

    async def lookup(self, order: Order) -> dict[str, Any] | None:
        """The venue's order with ``order``'s client id; None if the venue has none. Raises
        when the venue could not be asked."""
        market = self.markets.ccxt_symbol(order.symbol)
        await self.gate.wait()
        try:
            found: dict[str, Any] = await self.exchange.fetch_order(
                "", market, {"clientOrderId": order.client_id or order.order_id}
            )
        except ccxt.OrderNotFound:
            return None
        except RATE_LIMITED as exc:
            self.gate.note(self.exchange, exc)
            raise
        return found

    async def lookup_quietly(self, order: Order) -> dict[str, Any] | None:
        """``lookup``, with "could not ask" as None (the caller sends again with the same
        client id, which the venue refuses as a duplicate if the first one did arrive)."""
        try:
            return await self.lookup(order)
        except (*RATE_LIMITED, *UNKNOWN_OUTCOME):
            return None

    async def trades_of(self, order: Order, venue: VenueOrder) -> list[dict[str, Any]]:
        market = self.markets.ccxt_symbol(order.symbol)
        await self.gate.wait()
        if self.exchange.has.get("fetchOrderTrades"):
            trades: list[dict[str, Any]] = await self.exchange.fetch_order_trades(
                venue.venue_order_id, market
            )
            return trades
        every = await self.exchange.fetch_my_trades(market)
        return [t for t in every if str(t.get("order")) == venue.venue_order_id]

    async def fills_of(self, order: Order, venue: VenueOrder) -> list[Fill]:
        market = self.markets.market(order.symbol)
        market_id = str(market["id"]) if market else order.symbol
        instrument = self.context.instrument(order.symbol)
        trades = await self.trades_of(order, venue)
        return [fill_from_trade(t, order, self.name, market_id, instrument) for t in trades]

    async def account_report(self) -> AccountReport:
        exchange, markets = self.exchange, self.markets
        await self.gate.wait()
        balance = await exchange.fetch_balance()
        open_orders = await exchange.fetch_open_orders()
        positions = None
        if self.options.market_type != "spot" and exchange.has.get("fetchPositions"):
            symbols = [markets.ccxt_symbol(markets.resolve(s)) for s in self.options.symbols]
            raw = await exchange.fetch_positions(symbols or None)
            positions = [position_from(p, markets.symbol(p["symbol"]), self.name) for p in raw]
        return AccountReport(
            broker=self.name,
            balances=balances_from(balance, self.name),
            open_orders=[venue_order(o, markets.symbol(o["symbol"])) for o in open_orders],
            positions=positions,
            ts=self.context.clock.now_ns(),
        )
