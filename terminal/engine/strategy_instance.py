"""One strategy instance as the runner holds it, and the context its strategy acts through."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from terminal.domain.events import StrategyStateEvent
from terminal.domain.orders import OrderRequest
from terminal.engine.strategy import Strategy

if TYPE_CHECKING:
    from terminal.engine.strategies import StrategyRunner

STOPPED, WARMING_UP, RUNNING, ERROR = "stopped", "warming up", "running", "error"
ACTIVE = (WARMING_UP, RUNNING)
LOG_LINES = 500


class LogLine:
    """One line of an instance's own log (shown in the manager)."""

    __slots__ = ("level", "message", "ts")

    def __init__(self, ts: float, level: str, message: str) -> None:
        self.ts, self.level, self.message = ts, level, message


@dataclass(slots=True)
class StrategyInstance:
    name: str
    strategy_name: str
    symbol: str
    broker: str
    params: dict[str, Any]
    warmup: int
    strategy: Strategy
    auto_start: bool = False
    multiplier: float = 1.0
    state: str = STOPPED
    detail: str = ""
    cash: float = 0.0
    """Cash flow of this instance's fills (commission included); P&L = cash + marked position."""
    last_price: float | None = None
    orders_placed: int = 0
    refused: int = 0
    """Orders refused during the current warm-up."""
    last_bar: dict[str, int] = field(default_factory=dict)
    """Start of the last bar fed per timeframe: the seam between warm-up and live."""
    unsubscribers: list[Callable[[], None]] = field(default_factory=list)
    log_lines: deque[LogLine] = field(default_factory=lambda: deque(maxlen=LOG_LINES))

    @property
    def pnl(self) -> float:
        price = self.last_price or 0.0
        return self.cash + self.strategy.position * price * self.multiplier

    def snapshot(self) -> StrategyStateEvent:
        return StrategyStateEvent(
            instance=self.name,
            strategy=self.strategy_name,
            symbol=self.symbol,
            state=self.state,
            detail=self.detail,
            broker=self.broker,
            position=self.strategy.position,
            pnl=self.pnl,
            orders=self.orders_placed,
            working=len(self.strategy.working_orders),
            variables=self.strategy.display_values(),
            params=dict(self.params),
            warmup=self.warmup,
        )


class InstanceContext:
    """What one strategy instance may do: place and cancel orders, and write log lines.

    During warm-up (``history_phase``) orders are refused here, with a log line: a signal from
    history never becomes an order."""

    def __init__(self, runner: StrategyRunner, name: str) -> None:
        self._runner = runner
        self._name = name
        self._log = logging.getLogger(f"terminal.strategy.{name}")

    def submit(self, request: OrderRequest) -> str:
        instance = self._runner.get(self._name)
        if instance.strategy.history_phase:
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

    def cancel(self, order_id: str) -> None:
        self._runner.cancel_for(self._runner.get(self._name), order_id)

    def log(self, message: str, level: str = "INFO") -> None:
        instance = self._runner.get(self._name)
        instance.log_lines.append(LogLine(time.time(), level, message))
        self._log.log(logging.getLevelName(level), "%s", message)
