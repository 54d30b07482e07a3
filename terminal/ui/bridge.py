"""The bridge between the engine's bus and the widgets.

Bus handlers only record what changed; a timer (``refresh_hz``) turns that into one signal
per kind of change, so the GUI repaints at the refresh rate whatever the tick rate.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from terminal.domain.events import (
    AccountEvent,
    BarEvent,
    CommandRejected,
    FeedStatus,
    FillEvent,
    LogEvent,
    OrderEvent,
    PositionEvent,
    StrategyStateEvent,
    Tick,
)
from terminal.domain.market import Bar
from terminal.domain.orders import Fill, Order
from terminal.engine.engine import Engine

SNAPSHOT_EVERY = 5  # positions and accounts are re-marked every fifth refresh


class EngineBridge(QObject):
    """Coalesces engine events into per-refresh Qt signals; sends commands to the engine."""

    ticks_changed = Signal(object)  # dict[str, Tick]: latest tick of each changed symbol
    orders_changed = Signal(object)  # list[Order]: latest state of each changed order
    fills_added = Signal(object)  # list[Fill]
    portfolio_changed = Signal(object, object)  # list[Position], list[Account]
    logs_added = Signal(object)  # list[LogEvent]
    status_changed = Signal(object)  # FeedStatus of a feed or broker
    strategies_changed = Signal(object)  # list[StrategyStateEvent]
    command_rejected = Signal(object)  # CommandRejected
    refreshed = Signal()
    tick_rate_changed = Signal(float)

    def __init__(self, engine: Engine, refresh_hz: int = 20, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self._ticks: dict[str, Tick] = {}
        self._orders: dict[str, Order] = {}
        self._fills: list[Fill] = []
        self._logs: list[LogEvent] = []
        self._strategies: dict[str, StrategyStateEvent] = {}
        self._portfolio_dirty = True
        # Closed bars per symbol with the store's bar count they were read at: the chart asks
        # every frame, and reading them from the store builds a fresh list each time.
        self._closed_bars: dict[str, tuple[int, list[Bar]]] = {}
        self._frames = 0
        self._rate_mark = (time.monotonic(), 0)
        bus = engine.bus
        self._unsubscribers = [
            bus.subscribe(Tick, self._on_tick),
            bus.subscribe(OrderEvent, self._on_order),
            bus.subscribe(FillEvent, self._on_fill),
            bus.subscribe(PositionEvent, self._on_portfolio),
            bus.subscribe(AccountEvent, self._on_portfolio),
            bus.subscribe(LogEvent, self._logs.append),
            bus.subscribe(FeedStatus, self.status_changed.emit),
            bus.subscribe(StrategyStateEvent, self._on_strategy),
            bus.subscribe(CommandRejected, self.command_rejected.emit),
            bus.subscribe(BarEvent, self._on_bar),
        ]
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, round(1000 / max(1, refresh_hz))))
        self._timer.timeout.connect(self.flush)
        self._timer.start()

    def send(self, command: Any) -> None:
        """Hand a command (SubmitOrder, CancelOrder, StartStrategy, …) to the engine."""
        self.engine.bus.publish(command)

    def close(self) -> None:
        self._timer.stop()
        for unsubscribe in self._unsubscribers:
            unsubscribe()
        self._unsubscribers = []

    def latest(self, symbol: str) -> Tick | None:
        return self.engine.latest.get(symbol)

    def closed_bars(self, symbol: str) -> list[Bar]:
        """Closed bars of the default timeframe, oldest first; the same list until one closes
        or history arrives (so a caller can tell "unchanged" by identity)."""
        bars = self.engine.bars
        count = (
            len(bars.store.series(symbol, bars.timeframe))
            if bars.store.has(symbol, bars.timeframe)
            else 0
        )
        cached = self._closed_bars.get(symbol)
        if cached is None or cached[0] != count:
            cached = self._closed_bars[symbol] = (count, bars.history(symbol))
        return cached[1]

    def forming_bar(self, symbol: str) -> Bar | None:
        return self.engine.bars.forming(symbol)

    def _on_tick(self, tick: Tick) -> None:
        self._ticks[tick.symbol] = tick

    def _on_bar(self, event: BarEvent) -> None:
        if event.closed:
            self._closed_bars.pop(event.bar.symbol, None)

    def _on_order(self, event: OrderEvent) -> None:
        self._orders[event.order.order_id] = event.order

    def _on_fill(self, event: FillEvent) -> None:
        self._fills.append(event.fill)

    def _on_portfolio(self, _event: object) -> None:
        self._portfolio_dirty = True

    def _on_strategy(self, event: StrategyStateEvent) -> None:
        self._strategies[event.instance] = event

    def flush(self) -> None:
        """Emit what changed since the last refresh (also called directly by tests)."""
        self.engine.commit()  # nothing is shown before it is recorded
        self._frames += 1
        if self._ticks:
            ticks, self._ticks = self._ticks, {}
            self.ticks_changed.emit(ticks)
        if self._orders:
            orders, self._orders = list(self._orders.values()), {}
            self.orders_changed.emit(orders)
        if self._fills:
            fills, self._fills = self._fills, []
            self.fills_added.emit(fills)
        if self._logs:
            logs, self._logs = self._logs, []
            self.logs_added.emit(logs)
        if self._strategies:
            states, self._strategies = list(self._strategies.values()), {}
            self.strategies_changed.emit(states)
        if self._portfolio_dirty or self._frames % SNAPSHOT_EVERY == 0:
            self._portfolio_dirty = False
            portfolio = self.engine.portfolio
            self.portfolio_changed.emit(portfolio.positions(), portfolio.accounts())
        self._update_rate()
        self.refreshed.emit()

    def _update_rate(self) -> None:
        now = time.monotonic()
        mark_time, mark_count = self._rate_mark
        if now - mark_time >= 1.0:
            count = self.engine.tick_count
            self.tick_rate_changed.emit((count - mark_count) / (now - mark_time))
            self._rate_mark = (now, count)
