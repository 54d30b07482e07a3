"""Base class of strategy plugins (the full API grows in its own issue).

A strategy declares ``plugin_name`` and a frozen ``Params`` struct, and overrides the
handlers it needs. It acts only through its context: ``buy``/``sell`` place orders on the
instance's broker and symbol.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

import msgspec

from terminal.domain.enums import OrderType, Side
from terminal.domain.market import Bar, Tick
from terminal.domain.orders import Fill, OrderRequest
from terminal.engine.clock import Clock
from terminal.engine.feed import NoOptions


class StrategyContext(Protocol):
    clock: Clock

    def submit(self, request: OrderRequest) -> str: ...

    def position(self, broker: str, symbol: str) -> float: ...

    def log(self, instance: str, message: str) -> None: ...


class Strategy:
    """Base of every strategy. Handlers default to doing nothing."""

    plugin_name: ClassVar[str]
    Params: ClassVar[type[msgspec.Struct]] = NoOptions
    timeframe: ClassVar[str] = "1m"
    """The bars ``on_bar`` receives; the engine builds them while the strategy runs."""

    def __init__(
        self, instance: str, symbol: str, broker: str, context: StrategyContext, params: Any
    ) -> None:
        self.instance = instance
        self.symbol = symbol
        self.broker = broker
        self.context = context
        self.params = params

    def on_start(self) -> None:
        """Called once when the instance starts."""

    def on_tick(self, tick: Tick) -> None:
        """Called for every tick of the instance's symbol."""

    def on_bar(self, bar: Bar) -> None:
        """Called for every closed bar of the instance's symbol."""

    def on_fill(self, fill: Fill) -> None:
        """Called for every fill of an order this instance placed."""

    def on_stop(self) -> None:
        """Called once when the instance stops."""

    @property
    def position(self) -> float:
        return self.context.position(self.broker, self.symbol)

    def buy(self, quantity: float, price: float | None = None, reason: str = "") -> str:
        """Buy at market, or at ``price`` as a limit; ``reason`` travels with the order."""
        return self._order(Side.BUY, quantity, price, reason)

    def sell(self, quantity: float, price: float | None = None, reason: str = "") -> str:
        return self._order(Side.SELL, quantity, price, reason)

    def log(self, message: str) -> None:
        self.context.log(self.instance, message)

    def _order(self, side: Side, quantity: float, price: float | None, reason: str = "") -> str:
        request = OrderRequest(
            broker=self.broker,
            symbol=self.symbol,
            side=side,
            quantity=quantity,
            order_type=OrderType.MARKET if price is None else OrderType.LIMIT,
            price=price or 0.0,
            origin=f"strategy:{self.instance}",
            note=reason,
        )
        return self.context.submit(request)
