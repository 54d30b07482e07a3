"""The ccxt broker: orders at a crypto venue, its private streams, and what it reports.

Market, limit, stop and stop-limit orders with time in force, post-only and reduce-only where
the venue takes them (``capabilities``, from the loaded markets; the rest is refused before it
is sent). Every order goes out with its terminal id as the client order id, so a submit whose
answer was lost is looked up before it is sent again, and a retry can never place a second
order. A rate-limit answer (429/418) holds every request of the broker for its
``Retry-After``. Order updates and trades come from the private stream (re-subscribed with
back-off when it drops, and the engine then reconciles) or, with ``user_stream = false``, from
polling. Keys come from the environment or the keyring, never the config.

ccxt takes about a second to import, so it is imported when the broker starts (its session,
:mod:`terminal.adapters.ccxt.trading`; see :mod:`terminal.adapters.ccxt.plugin`), not when
plugins are discovered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from terminal.adapters.ccxt.options import VenueOptions
from terminal.adapters.ccxt.plugin import SessionPlugin
from terminal.domain.orders import Fill, Order, OrderCapabilities
from terminal.domain.venue import AccountReport, VenueOrder
from terminal.engine.broker import Broker

if TYPE_CHECKING:
    from terminal.adapters.ccxt.trading import TradingSession

NOTHING = OrderCapabilities(frozenset(), frozenset())


class CcxtBrokerOptions(VenueOptions, forbid_unknown_fields=True, kw_only=True):
    """``[[brokers]] plugin = "ccxt"``: the venue options, where its keys are, how it listens.
    There is deliberately no key or secret option: they come from the environment variables
    (or keyring entries) named here."""

    api_key_env: str = ""
    """Default ``<EXCHANGE>_API_KEY``, e.g. ``BINANCE_API_KEY``."""
    secret_env: str = ""
    """Default ``<EXCHANGE>_SECRET``."""
    password_env: str = ""
    """The passphrase some exchanges add (OKX, KuCoin); empty: none."""
    keyring_service: str = "terminal"
    account_currency: str = "USDT"
    """The currency the Account monitor counts cash and P&L in."""
    user_stream: bool = True
    """Private websocket streams for orders and trades; off: poll every ``poll_interval_s``."""
    poll_interval_s: float = 2.0
    submit_attempts: int = 5


class CcxtBroker(SessionPlugin["TradingSession"], Broker):
    """Orders at a ccxt exchange; see the module docstring."""

    plugin_name = "ccxt"
    Options = CcxtBrokerOptions
    options: CcxtBrokerOptions

    def _new_session(self) -> TradingSession:
        from terminal.adapters.ccxt.trading import TradingSession

        return TradingSession(self.name, self.context, self.options)

    @property
    def _running(self) -> TradingSession:
        if self.session is None:
            raise RuntimeError(f"broker {self.name} is not started")
        return self.session

    def submit(self, order: Order) -> None:
        self._running.submit(order)

    def cancel(self, order: Order) -> None:
        self._running.cancel(order)

    def cancel_all(self, orders: list[Order]) -> None:
        self._running.cancel_all(orders)

    def capabilities(self, symbol: str) -> OrderCapabilities:
        return self.session.capabilities(symbol) if self.session is not None else NOTHING

    def estimate_commission(self, symbol: str, quantity: float, price: float) -> float:
        if self.session is None:
            return 0.0
        return self.session.estimate_commission(symbol, quantity, price)

    async def account_report(self) -> AccountReport:
        return await self._running.account_report()

    async def query_order(self, order: Order) -> VenueOrder | None:
        return await self._running.query_order(order)

    async def order_fills(self, order: Order, venue: VenueOrder) -> list[Fill]:
        return await self._running.order_fills(order, venue)
