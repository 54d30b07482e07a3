"""What the strategy runner needs from its host (the engine, or a replay), and small helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import msgspec

from terminal.domain.enums import PluginKind
from terminal.domain.events import BarEvent, FillEvent, OrderEvent, Tick
from terminal.domain.market import Bar
from terminal.domain.orders import OrderRequest
from terminal.engine import journal as j
from terminal.engine.bus import EventBus
from terminal.engine.clock import Clock
from terminal.engine.config import describe_validation_error


class BarSource(Protocol):
    def subscribe(self, symbol: str, timeframe: str = "1m") -> Callable[[], None]: ...

    def history(self, symbol: str, timeframe: str = "1m") -> list[Bar]: ...


class Registry(Protocol):
    def get(self, kind: PluginKind, name: str) -> type[Any] | None: ...


class StrategyHost(Protocol):
    """What the runner needs from the engine (or from a replay)."""

    @property
    def bus(self) -> EventBus: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def registry(self) -> Registry: ...

    @property
    def instruments(self) -> Mapping[str, Any]: ...

    @property
    def brokers(self) -> Mapping[str, Any]: ...

    @property
    def bars(self) -> BarSource: ...

    def submit(self, request: OrderRequest, order_id: str | None = None) -> str: ...

    def cancel(self, order_id: str) -> None: ...


def parse_params(cls: type[Any], params: dict[str, Any], name: str) -> Any:
    try:
        return msgspec.convert(params, cls.Params)
    except msgspec.ValidationError as exc:
        raise ValueError(describe_validation_error(exc, params, f"parameters of {name}")) from None


def journal_record(ts: int, event: object) -> j.Record:
    if isinstance(event, Tick):
        return j.TickRec(ts, event)
    if isinstance(event, BarEvent):
        return j.BarRec(ts, event.bar)
    if isinstance(event, OrderEvent):
        return j.OrderRec(ts, event.order)
    if isinstance(event, FillEvent):
        return j.FillRec(ts, event.fill)
    raise TypeError(f"no journal record for {type(event).__name__}")
