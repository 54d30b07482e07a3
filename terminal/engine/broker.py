"""Base class of broker plugins.

Required: ``start``, ``stop``, ``submit``, ``cancel``. A broker reports what happens to an
order through its :class:`BrokerContext`; the order book is the one source of truth.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar, Protocol, TypeVar

import msgspec

from terminal.domain.enums import ConnectionStatus, OrderStatus
from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.domain.orders import Order
from terminal.engine.clock import Clock
from terminal.engine.feed import NoOptions

E = TypeVar("E")


class BrokerContext(Protocol):
    clock: Clock

    def latest_tick(self, symbol: str) -> Tick | None: ...

    def instrument(self, symbol: str) -> Instrument | None: ...

    def working_orders(self) -> list[Order]:
        """This broker's working orders (e.g. restored after a restart)."""
        ...

    def on_tick(self, handler: Callable[[Tick], None]) -> Callable[[], None]: ...

    def update_order(self, order_id: str, status: OrderStatus, reason: str = "") -> None: ...

    def add_fill(
        self, order_id: str, fill_id: str, quantity: float, price: float, commission: float
    ) -> None: ...

    def open_account(self, cash: float, currency: str) -> None: ...

    def set_status(self, status: ConnectionStatus, reason: str = "") -> None: ...

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> Any: ...

    # A broker's own events (e.g. mail alert states) and the commands addressed to it.
    def publish(self, event: object) -> None: ...

    def subscribe(
        self, event_type: type[E], handler: Callable[[E], None]
    ) -> Callable[[], None]: ...


class Broker(ABC):
    """Where orders go. Subclasses set ``plugin_name`` and, if they take options, ``Options``."""

    plugin_name: ClassVar[str]
    Options: ClassVar[type[msgspec.Struct]] = NoOptions
    simulated: ClassVar[bool] = False
    """True for brokers where no real money moves (the ticket then skips its confirmation)."""

    @classmethod
    def check_options(cls, options: Any) -> list[str]:
        """What is wrong with ``options`` beyond what their types say, one line each naming
        the option and its value; checked when the config loads (start-up stops on any)."""
        return []

    def __init__(self, name: str, context: BrokerContext, options: Any) -> None:
        self.name = name
        self.context = context
        self.options = options

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

    def accounts(self) -> list[str]:
        """Account ids this broker trades; an order's ``account`` must be one of them (or
        empty for the first). One account per broker instance by default: configure several
        instances for several accounts."""
        return [self.name]

    def estimate_commission(self, symbol: str, quantity: float, price: float) -> float:
        """Commission this broker would charge; brokers that cannot tell return 0."""
        return 0.0


def options_type(plugin: type[Any]) -> type[msgspec.Struct]:
    options: type[msgspec.Struct] = getattr(plugin, "Options", NoOptions)
    return options
