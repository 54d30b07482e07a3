"""One strategy instance as the runner holds it, and the context its strategy acts through."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from terminal.domain.contingent import ModifyOrder
from terminal.domain.enums import StrategyState
from terminal.domain.events import StrategyLeg, StrategyStateEvent
from terminal.domain.instrument import Instrument
from terminal.domain.orders import Fill, OrderRequest
from terminal.engine.strategy.base import Strategy
from terminal.engine.strategy.runtime import StrategyRuntime
from terminal.engine.strategy.store import SavedInstance

if TYPE_CHECKING:
    from terminal.engine.strategy.runner import StrategyRunner

LOG_LINES = 500


class LogLine:
    """One line of an instance's own log (shown in the manager)."""

    __slots__ = ("level", "message", "ts")

    def __init__(self, ts: float, level: str, message: str) -> None:
        self.ts, self.level, self.message = ts, level, message


@dataclass(slots=True)
class StrategyInstance:
    """An instance: its settings, its current strategy object and the runtime that object
    reads, its state, cash flow and log."""

    name: str
    strategy_name: str
    symbols: tuple[str, ...]
    """Every symbol the instance trades, the primary one first."""
    broker: str
    params: dict[str, Any]
    warmup: int
    strategy: Strategy
    runtime: StrategyRuntime
    auto_start: bool = False
    multipliers: dict[str, float] = field(default_factory=dict)
    state: StrategyState = StrategyState.STOPPED
    detail: str = ""
    cash_by_symbol: dict[str, float] = field(default_factory=dict)
    """Cash flow of this instance's fills per symbol (commission included); a symbol's P&L is
    its cash plus its position marked at its last price."""
    orders_placed: int = 0
    refused: int = 0
    """Orders refused during the current warm-up."""
    unsubscribers: list[Callable[[], None]] = field(default_factory=list)
    log_lines: deque[LogLine] = field(default_factory=lambda: deque(maxlen=LOG_LINES))

    @property
    def symbol(self) -> str:
        """The primary symbol."""
        return self.symbols[0]

    @property
    def last_prices(self) -> dict[str, float]:
        """Last traded price per symbol (the strategy reads the same, as ``last_price``)."""
        return self.runtime.last_prices

    @property
    def cash(self) -> float:
        """Cash flow of all this instance's fills."""
        return sum(self.cash_by_symbol.values())

    def pnl_of(self, symbol: str) -> float:
        """P&L in one symbol: its cash flow plus its position at its own last price and
        multiplier."""
        price = self.last_prices.get(symbol, 0.0)
        position = self.runtime.positions.get(symbol, 0.0)
        return self.cash_by_symbol.get(symbol, 0.0) + position * price * self.multiplier(symbol)

    def multiplier(self, symbol: str) -> float:
        return self.multipliers.get(symbol, 1.0)

    @property
    def pnl(self) -> float:
        return sum(self.pnl_of(symbol) for symbol in self.symbols)

    def apply_fill(self, fill: Fill) -> None:
        """Book a fill of this instance's order: its symbol's position and cash flow."""
        signed = fill.side.sign * fill.quantity
        self.runtime.book_fill(fill.symbol, signed)
        cash = self.cash_by_symbol
        cash[fill.symbol] = cash.get(fill.symbol, 0.0) - (
            signed * fill.price * self.multiplier(fill.symbol) + fill.commission
        )

    def detach(self) -> None:
        """Drop the bar subscriptions made for this instance's timeframes."""
        for unsubscribe in self.unsubscribers:
            unsubscribe()
        self.unsubscribers = []

    def saved(self) -> SavedInstance:
        """What the strategy store keeps of this instance."""
        return SavedInstance(
            self.name, self.strategy_name, self.symbols, self.broker, self.params, self.warmup,
            self.auto_start, self.state, dict(self.runtime.positions),
            dict(self.cash_by_symbol),
        )

    def snapshot(self) -> StrategyStateEvent:
        """The instance as the strategy manager shows it."""
        working = list(self.runtime.working.values())
        legs = [
            StrategyLeg(
                symbol,
                self.runtime.positions.get(symbol, 0.0),
                self.last_prices.get(symbol, 0.0),
                self.pnl_of(symbol),
                sum(1 for order in working if order.symbol == symbol),
            )
            for symbol in self.symbols
        ]
        return StrategyStateEvent(
            instance=self.name,
            strategy=self.strategy_name,
            symbol=self.symbol,
            state=self.state,
            detail=self.detail,
            broker=self.broker,
            position=legs[0].position,
            pnl=sum(leg.pnl for leg in legs),
            orders=self.orders_placed,
            working=len(working),
            variables=self.strategy.display_values(),
            params=dict(self.params),
            warmup=self.warmup,
            legs=legs,
        )


class InstanceContext:
    """What one strategy instance may do: place and cancel orders, and write log lines.

    During warm-up (``history_phase``) orders are refused here, with a log line: a signal from
    history never becomes an order."""

    def __init__(self, runner: StrategyRunner, name: str, runtime: StrategyRuntime) -> None:
        self._runner = runner
        self._name = name
        self._log = logging.getLogger(f"terminal.strategy.{name}")
        self.runtime = runtime
        """The instance's runtime: what its strategy reads (see ``Strategy.__init__``)."""

    def submit(self, request: OrderRequest) -> str:
        instance = self._runner.get(self._name)
        if self.runtime.history_phase:
            instance.refused += 1
            message = (
                f"history phase: {request.side.value} {request.quantity:g} {request.symbol} "
                f"refused ({request.note or 'no reason given'}): a warm-up signal never "
                f"becomes an order"
            )
            if instance.refused == 1:
                self.log(message, "WARNING")
            else:  # every one in the instance's log; the runner sums them up for the app log
                instance.log_lines.append(LogLine(time.time(), "WARNING", message))
            return ""
        return self._runner.submit_for(instance, request)

    def place(self, command: Any) -> list[str]:
        """A contingent order (refused in warm-up like any order, and when the engine refuses
        it: the reason goes to the instance's log)."""
        instance = self._runner.get(self._name)
        if self.runtime.history_phase:
            instance.refused += 1
            self.log(f"history phase: {type(command).__name__} refused: a warm-up signal never "
                     "becomes an order", "WARNING")  # fmt: skip
            return []
        try:
            return self._runner.place_for(instance, command)
        except ValueError as exc:
            self.log(f"{type(command).__name__} refused: {exc}", "WARNING")
            return []

    def modify(self, command: ModifyOrder) -> None:
        try:
            self._runner.modify_for(self._runner.get(self._name), command)
        except ValueError as exc:
            self.log(f"modify of {command.order_id} refused: {exc}", "WARNING")

    def instrument(self, symbol: str) -> Instrument:
        return self._runner.instrument(symbol)

    def cancel(self, order_id: str) -> None:
        self._runner.cancel_for(self._runner.get(self._name), order_id)

    def log(self, message: str, level: str = "INFO") -> None:
        instance = self._runner.get(self._name)
        instance.log_lines.append(LogLine(time.time(), level, message))
        self._log.log(logging.getLevelName(level), "%s", message)
