"""What the strategy runner needs from its host (the engine, or a replay), and small helpers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import msgspec

from terminal.domain.contingent import ModifyOrder
from terminal.domain.enums import PluginKind
from terminal.domain.market import Bar
from terminal.domain.orders import OrderRequest
from terminal.engine.bus import EventBus
from terminal.engine.clock import Clock
from terminal.engine.config import describe_validation_error
from terminal.engine.strategy.base import Strategy, StrategyContext


class BarSource(Protocol):
    def subscribe(self, symbol: str, timeframe: str = "1m") -> Callable[[], None]: ...

    def history(self, symbol: str, timeframe: str = "1m") -> list[Bar]: ...

    def request_history(
        self, symbol: str, timeframe: str = "1m", count: int | None = None
    ) -> asyncio.Future[Any] | None:
        """Fetch what is missing of the newest ``count`` bars in the background; the future
        is done once they are stored (None: nothing to fetch)."""


class NoBars:
    """A bar source for a host that feeds the runner its bars itself (a backtest's run, a
    replay's journal, whose ``start`` records carry the warm-up): the runner's subscriptions
    are no-ops, and there is no history to read or fetch."""

    def subscribe(self, symbol: str, timeframe: str = "1m") -> Callable[[], None]:
        return lambda: None

    def history(self, symbol: str, timeframe: str = "1m") -> list[Bar]:
        return []

    def request_history(
        self, symbol: str, timeframe: str = "1m", count: int | None = None
    ) -> asyncio.Future[Any] | None:
        return None


class ContingentPlacer(Protocol):
    """Where a strategy's contingent orders go (the engine's ``ContingentOrders``)."""

    def place(self, command: Any) -> list[str]: ...

    def modify(self, command: ModifyOrder) -> None: ...


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

    @property
    def contingent(self) -> ContingentPlacer: ...

    def submit(self, request: OrderRequest, order_id: str | None = None) -> str: ...

    def cancel(self, order_id: str) -> None: ...


def parse_params(cls: type[Any], params: dict[str, Any], name: str) -> Any:
    try:
        return msgspec.convert(params, cls.Params)
    except msgspec.ValidationError as exc:
        raise ValueError(describe_validation_error(exc, params, f"parameters of {name}")) from None


def checked_symbols(
    cls: type[Strategy], name: str, symbols: str | Sequence[str], instruments: Mapping[str, Any]
) -> tuple[str, ...]:
    """``symbols`` as a tuple, primary first, if known instruments the class can trade."""
    symbols = (symbols,) if isinstance(symbols, str) else tuple(symbols)
    if not any(symbols):
        raise ValueError(f"instance '{name}' has no symbol")
    if not all(symbols):
        raise ValueError(f"instance '{name}' has an empty symbol in ({', '.join(symbols)})")
    for symbol in symbols:
        if symbol not in instruments:
            raise ValueError(f"unknown symbol '{symbol}'")
    problem = cls.symbols_problem(symbols)
    if problem:
        raise ValueError(problem)
    return symbols


def construct_strategy(
    cls: type[Strategy],
    name: str,
    symbols: tuple[str, ...],
    broker: str,
    context: StrategyContext,
    params: Any,
) -> Strategy:
    if len(symbols) == 1:  # as before multi-symbol instances: an own __init__ still works
        return cls(name, symbols[0], broker, context, params)
    return cls(name, symbols[0], broker, context, params, symbols=symbols)


def warmup_history(
    source: BarSource, symbols: Sequence[str], timeframes: Sequence[str], warmup: int
) -> list[Bar]:
    """The last ``warmup`` bars of every symbol and timeframe, in time order; bars starting
    together come in the order their timeframes, then their symbols, are declared."""
    if warmup <= 0:
        return []
    bars: list[Bar] = []
    for symbol in symbols:
        for tf in timeframes:
            bars.extend(source.history(symbol, tf)[-warmup:])
    tf_order = {tf: i for i, tf in enumerate(timeframes)}
    symbol_order = {symbol: i for i, symbol in enumerate(symbols)}
    return sorted(
        bars, key=lambda bar: (bar.start, tf_order[bar.timeframe], symbol_order[bar.symbol])
    )


def per_symbol(symbols: tuple[str, ...], value: float | Mapping[str, float]) -> dict[str, float]:
    """A value per symbol, in the order of ``symbols``; a plain number is the primary's."""
    if isinstance(value, Mapping):
        return {symbol: float(value.get(symbol, 0.0)) for symbol in symbols}
    return {symbol: float(value) if n == 0 else 0.0 for n, symbol in enumerate(symbols)}
