"""What the GUI reads from an engine: the in-process :class:`Engine` and the
:class:`RemoteEngine` of a GUI attached to ``terminal serve`` both provide it.

Read-only members (properties here) so that either side may hold a richer type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from terminal.domain.enums import PluginKind
from terminal.domain.events import PluginReport
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar, FeedStatus, Tick
from terminal.domain.orders import Account, Order, OrderRequest, Position
from terminal.engine.bus import EventBus
from terminal.engine.config import Config
from terminal.engine.conflation import ConflationStats

if TYPE_CHECKING:
    from terminal.engine.engine import OrderEstimate


class RegistryView(Protocol):
    @property
    def reports(self) -> list[PluginReport]: ...
    def names(self, kind: PluginKind) -> list[str]: ...
    def failed(self) -> list[PluginReport]: ...


class ConflatorView(Protocol):
    def stats(self) -> ConflationStats: ...


class OrdersView(Protocol):
    def working(self) -> list[Order]: ...


class StrategyView(Protocol):
    @property
    def state(self) -> str: ...


class StrategiesView(Protocol):
    def instances(self) -> Sequence[StrategyView]: ...


class PortfolioView(Protocol):
    def positions(self) -> list[Position]: ...
    def accounts(self) -> list[Account]: ...


class BarsView(Protocol):
    def history(self, symbol: str, timeframe: str = "1m") -> list[Bar]: ...
    def forming(self, symbol: str, timeframe: str = "1m") -> Bar | None: ...


class BrokerView(Protocol):
    @property
    def simulated(self) -> bool: ...


class EngineView(Protocol):
    """The engine as the widgets and the bridge use it; they act only by commands on ``bus``."""

    @property
    def bus(self) -> EventBus: ...
    @property
    def config(self) -> Config: ...
    @property
    def instruments(self) -> dict[str, Instrument]: ...
    @property
    def latest(self) -> dict[str, Tick]: ...
    @property
    def brokers(self) -> Mapping[str, BrokerView]: ...
    @property
    def registry(self) -> RegistryView: ...
    @property
    def feed_status(self) -> dict[str, FeedStatus]: ...
    @property
    def broker_status(self) -> dict[str, FeedStatus]: ...
    @property
    def conflator(self) -> ConflatorView: ...
    @property
    def order_book(self) -> OrdersView: ...
    @property
    def strategies(self) -> StrategiesView: ...
    @property
    def portfolio(self) -> PortfolioView: ...
    @property
    def bars(self) -> BarsView: ...
    @property
    def tick_count(self) -> int: ...
    def commit(self) -> None: ...
    def is_simulated(self, broker: str) -> bool: ...
    def estimate(self, request: OrderRequest) -> OrderEstimate: ...
