"""Events published on the engine's bus and commands sent to it.

The bus routes on the Python type, so every event kind is its own class.
"""

from __future__ import annotations

import msgspec

from terminal.domain.enums import HistoryState, PluginKind, PluginState, StrategyState
from terminal.domain.market import Bar, FeedStatus, Tick
from terminal.domain.orders import Account, Fill, Order, OrderRequest, Position

__all__ = [
    "AccountEvent",
    "Bar",
    "BarEvent",
    "BreakerRearmed",
    "BreakerTripped",
    "CancelOrder",
    "FeedStatus",
    "FillEvent",
    "HistoryProgress",
    "LogEvent",
    "OrderEvent",
    "PluginReport",
    "PositionEvent",
    "RearmBreaker",
    "StrategyLeg",
    "StrategyStateEvent",
    "SubmitOrder",
    "Tick",
    "TradingRestored",
    "WatchSymbols",
]


class BarEvent(msgspec.Struct, frozen=True, gc=False):
    """A bar changed. ``closed`` is False while the bar is still forming."""

    bar: Bar
    closed: bool


class HistoryProgress(msgspec.Struct, frozen=True):
    """A background history fetch of one symbol and timeframe moved on, finished or failed."""

    symbol: str
    timeframe: str
    source: str
    """The history provider asked (its configured name)."""
    state: HistoryState
    done: int = 0
    """Requests answered so far, of ``total`` (a long range takes several)."""
    total: int = 1
    bars: int = 0
    """Bars received so far."""
    detail: str = ""
    """Why it failed, or what is worth knowing (a gap the vendor could not fill)."""


class OrderEvent(msgspec.Struct, frozen=True):
    """An order's new state, published after it is recorded."""

    order: Order


class FillEvent(msgspec.Struct, frozen=True):
    """A new execution, published after it is recorded."""

    fill: Fill


class TradingRestored(msgspec.Struct, frozen=True):
    """The orders (in their latest state) and fills a start took back from the trading store,
    published once, before the brokers start: what a restart must show again."""

    orders: list[Order]
    fills: list[Fill]


class PositionEvent(msgspec.Struct, frozen=True):
    """A position changed by a fill or re-marked to the last price."""

    position: Position


class AccountEvent(msgspec.Struct, frozen=True):
    """An account's cash, equity and margin after a change."""

    account: Account


class LogEvent(msgspec.Struct, frozen=True):
    """One log line for the log panel: ``ts`` in seconds since the epoch."""

    ts: float
    level: str
    component: str
    message: str


class PluginReport(msgspec.Struct, frozen=True):
    """What discovery found for one plugin: where from, and whether it loaded."""

    kind: PluginKind
    name: str
    source: str
    state: PluginState
    reason: str = ""


class StrategyLeg(msgspec.Struct, frozen=True):
    """One symbol of a strategy instance: its position, last price and P&L in that symbol."""

    symbol: str
    position: float = 0.0
    last_price: float = 0.0
    pnl: float = 0.0
    working: int = 0


class StrategyStateEvent(msgspec.Struct, frozen=True):
    """An instance's state, as the strategy manager shows it.

    ``symbol`` and ``position`` are the primary symbol's; ``legs`` has every symbol the
    instance trades, primary first, and ``pnl`` is the sum over them."""

    instance: str
    strategy: str
    symbol: str
    state: StrategyState
    detail: str = ""
    broker: str = ""
    position: float = 0.0
    pnl: float = 0.0
    orders: int = 0
    working: int = 0
    variables: dict[str, str] = {}
    params: dict[str, object] = {}
    warmup: int = 0
    legs: list[StrategyLeg] = []

    @property
    def symbols(self) -> list[str]:
        """Every symbol of the instance, primary first."""
        return [leg.symbol for leg in self.legs] or [self.symbol]


class SubmitOrder(msgspec.Struct, frozen=True):
    """Command: place an order. ``order_id`` is chosen by the sender to track it."""

    order_id: str
    request: OrderRequest


class CancelOrder(msgspec.Struct, frozen=True):
    """Command: cancel one working order."""

    order_id: str


class AddStrategy(msgspec.Struct, frozen=True):
    """Command: create a strategy instance (stopped).

    ``warmup`` is the number of history bars fed before going live (-1: the class default);
    ``auto_start`` starts it again after a restart if it was running when the engine stopped.
    ``symbols`` lists every symbol of a multi-symbol instance, primary first (``symbol`` is
    then that first one, or empty); left empty, the instance trades ``symbol`` alone.
    """

    instance: str
    strategy: str
    symbol: str
    broker: str
    params: dict[str, object] = {}
    warmup: int = -1
    auto_start: bool = False
    symbols: list[str] = []

    def all_symbols(self) -> list[str]:
        """The instance's symbols, primary first; a ``symbol`` that contradicts ``symbols``
        is an error."""
        if not self.symbols:
            return [self.symbol]
        if self.symbol and self.symbol != self.symbols[0]:
            raise ValueError(
                f"symbol '{self.symbol}' is not the first of symbols ({', '.join(self.symbols)})"
            )
        return list(self.symbols)


class EditStrategy(msgspec.Struct, frozen=True):
    """Command: new parameters for a stopped instance."""

    instance: str
    params: dict[str, object] = {}
    warmup: int = -1


class ReloadStrategy(msgspec.Struct, frozen=True):
    """Command: re-import a strategy class's source; stopped instances take the new code."""

    strategy: str


class InstanceCommand(msgspec.Struct, frozen=True):
    """A command addressed to one strategy instance by name."""

    instance: str


class StartStrategy(InstanceCommand, frozen=True):
    """Command: warm an instance up on history, then run it live."""


class StopStrategy(InstanceCommand, frozen=True):
    """Command: stop an instance and cancel its working orders."""


class RemoveStrategy(InstanceCommand, frozen=True):
    """Command: stop an instance and forget it (its saved state too)."""


class CommandRejected(msgspec.Struct, frozen=True):
    """A command the engine could not carry out, and why (shown where it was sent from).

    ``order_id`` names the order the command was about (a ``SubmitOrder``'s own id, so the
    ticket that sent it can show the refusal), or is empty."""

    command: str
    reason: str
    order_id: str = ""


class WatchSymbols(msgspec.Struct, frozen=True):
    """Command: ``user`` (a watchlist, a chart, …) now uses exactly ``symbols``. A symbol's
    first user subscribes the feed that quotes it, its last one unsubscribes it."""

    user: str
    symbols: list[str] = []


class BreakerTripped(msgspec.Struct, frozen=True):
    """A circuit breaker tripped by itself: what it stopped and the figures that tripped it.
    ``target`` is the strategy or broker account it watched ("*": every order); ``scope``
    says what it stopped ("strategy": that strategy or that account's strategies; "all":
    everything). It stays tripped until a person re-arms it (``RearmBreaker``)."""

    breaker: str
    target: str
    scope: str
    reason: str
    ts: int


class BreakerRearmed(msgspec.Struct, frozen=True):
    """A person re-armed a tripped circuit breaker."""

    breaker: str
    target: str
    ts: int


class RearmBreaker(msgspec.Struct, frozen=True):
    """Command: re-arm the tripped breaker ``breaker`` watching ``target`` (a person's call)."""

    breaker: str
    target: str


class KillSwitch(msgspec.Struct, frozen=True):
    """Command: cancel every working order and stop every strategy, now."""

    reason: str = "kill switch"
