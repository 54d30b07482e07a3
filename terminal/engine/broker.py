"""Base class of broker plugins.

Required: ``start``, ``stop``, ``submit``, ``cancel``. A broker reports what happens to an
order through its :class:`BrokerContext`; the order book is the one source of truth for what
this terminal sent. Optional, for brokers whose venue can tell: ``capabilities`` (what it
accepts per instrument), ``account_report``, ``query_order`` and ``order_fills`` (what the
venue says: the engine reconciles with it on every connect, see
:mod:`terminal.engine.portfolio.reconcile`) and ``cancel_all``. ``modify`` (with ``modifies``
set) changes a working order in place; the default refuses (no cancel and replace behind the
user's back: the venue's queue place and the fills in between are the user's call).
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar, Protocol, TypeVar

from terminal.domain.enums import ConnectionStatus, OrderStatus
from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.domain.orders import Account, Fill, Order, OrderCapabilities
from terminal.domain.venue import AccountReport, Balance, VenueOrder
from terminal.engine.clock import Clock
from terminal.engine.plugin_base import PluginBase

E = TypeVar("E")
log = logging.getLogger("terminal.engine")


class BrokerContext(Protocol):
    clock: Clock

    def latest_tick(self, symbol: str) -> Tick | None: ...

    def instrument(self, symbol: str) -> Instrument | None: ...

    def working_orders(self) -> list[Order]:
        """This broker's working orders (e.g. restored after a restart)."""
        ...

    def on_tick(self, handler: Callable[[Tick], None]) -> Callable[[], None]: ...

    def update_order(self, order_id: str, status: OrderStatus, reason: str = "") -> None: ...

    def order_modified(
        self, order_id: str, price: float, quantity: float, trigger_price: float
    ) -> None:
        """The venue changed a working order (``Broker.modify``): its new limit, quantity and
        trigger."""
        ...

    def add_fill(
        self,
        order_id: str,
        fill_id: str,
        quantity: float,
        price: float,
        commission: float,
        *,
        ts: int = 0,
        fee: float = 0.0,
        fee_currency: str = "",
    ) -> None:
        """An execution of ``order_id``; a fill id already applied is ignored. ``ts`` is the
        venue's time (UTC ns, 0: now); ``fee``/``fee_currency`` as in :class:`Fill`."""
        ...

    def find_order(self, client_order_id: str) -> Order | None:
        """This broker's order the venue knows as ``client_order_id`` (its ``order_id``, or
        the ``client_id`` of an order adopted from the venue); None if there is none."""
        ...

    def account(self) -> Account | None:
        """The engine's account of this broker (None before ``open_account``)."""
        ...

    def report_balances(self, balances: list[Balance]) -> None:
        """The venue's balances changed (a private stream's update): show them."""
        ...

    def request_reconcile(self, reason: str) -> None:
        """Ask the engine to reconcile with the venue now (e.g. the venue reported an order
        this terminal does not know)."""
        ...

    def open_account(self, cash: float, currency: str) -> None: ...

    def set_status(self, status: ConnectionStatus, reason: str = "") -> None: ...

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> Any: ...

    # A broker's own events (e.g. mail alert states) and the commands addressed to it.
    def publish(self, event: object) -> None: ...

    def subscribe(
        self, event_type: type[E], handler: Callable[[E], None]
    ) -> Callable[[], None]: ...


class ModifyRefused(Exception):
    """A broker cannot make a modification; the message says why (shown to the user)."""


class Broker(PluginBase[BrokerContext]):
    """Where orders go. Subclasses set ``plugin_name`` and, if they take options, ``Options``."""

    simulated: ClassVar[bool] = False
    """True for brokers where no real money moves (the ticket then skips its confirmation)."""
    notifies: ClassVar[bool] = False
    """True for brokers that deliver notifications to a person (``notify``): a mail broker."""
    modifies: ClassVar[bool] = False
    """True for brokers whose ``modify`` changes a working order in place (trailing stops and
    brackets sized to partial fills rely on it)."""

    @abstractmethod
    async def start(self) -> None:
        """Connect; call ``context.open_account`` once the account is known."""

    @abstractmethod
    async def stop(self) -> None:
        """Disconnect. Working orders stay as the venue has them."""

    @abstractmethod
    def submit(self, order: Order) -> None:
        """Send a new order (status SUBMITTED). Must not block; report through the context."""

    @abstractmethod
    def cancel(self, order: Order) -> None:
        """Ask to cancel a working order."""

    def modify(self, order: Order, price: float, quantity: float, trigger_price: float) -> None:
        """Change working ``order`` to limit ``price``, ``quantity`` and ``trigger_price``
        (the new values, each already checked against the instrument), and report it with
        ``context.order_modified`` once made. Must not block. Raise :class:`ModifyRefused`
        with the reason when it cannot be made. By default every modification is refused:
        cancel the order and place a new one."""
        raise ModifyRefused(
            f"broker {self.name} cannot modify orders: cancel the order and place a new one"
        )

    def notify(self, subject: str, text: str, key: str) -> None:
        """Tell the people this broker reaches (an alert fired); ``key`` names the message in
        the broker's own records. Must not block. Only brokers that set ``notifies``."""
        raise NotImplementedError(f"broker {self.name} sends no notifications")

    def accounts(self) -> list[str]:
        """Account ids this broker trades; an order's ``account`` must be one of them (or
        empty for the first). One account per broker instance by default: configure several
        instances for several accounts."""
        return [self.name]

    def estimate_commission(self, symbol: str, quantity: float, price: float) -> float:
        """Commission this broker would charge; brokers that cannot tell return 0."""
        return 0.0

    def capabilities(self, symbol: str) -> OrderCapabilities:
        """What this broker takes for ``symbol``: by default every order type and time in
        force, and neither post-only nor reduce-only."""
        return OrderCapabilities()

    def cancel_all(self, orders: list[Order]) -> None:
        """Cancel every one of ``orders`` (the kill switch); by default one by one."""
        for order in orders:
            try:
                self.cancel(order)
            except Exception:
                log.exception("broker %s raised on cancel of %s", self.name, order.order_id)

    # ---- what the venue says (reconciliation) ------------------------------------------------
    async def account_report(self) -> AccountReport | None:
        """Balances, positions and open orders as the venue reports them now. None (the
        default): this broker cannot tell, and there is nothing to reconcile."""
        return None

    async def query_order(self, order: Order) -> VenueOrder | None:
        """The venue's view of ``order``, which the terminal thinks working but the venue did
        not list as open. None: the venue does not know it (and it is not being sent now)."""
        return None

    async def order_fills(self, order: Order, venue: VenueOrder) -> list[Fill]:
        """Every fill of ``order`` the venue recorded, with the fill ids the broker's live
        reports use (so none is applied twice)."""
        return []
