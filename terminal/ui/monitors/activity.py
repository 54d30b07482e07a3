"""What happened to orders and strategies, one line each, for the Log dock's activity view.

Every order transition (submitted, accepted, partly filled, filled, cancelled, rejected,
expired), every strategy start, stop, error, addition and removal, a refused command and the
kill switch. The engine's warnings and messages are not here: they stay in the Messages view.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from terminal.domain.enums import OrderStatus, StrategyState
from terminal.domain.events import CommandRejected, KillSwitch, OrderEvent, StrategyStateEvent
from terminal.domain.orders import Order
from terminal.ui import formatting as fmt
from terminal.ui.bridge import EngineBridge
from terminal.ui.formatting import PriceDecimals
from terminal.ui.trading.sent_orders import describe


class ActivityFeed(QObject):
    """Turns the engine's order and strategy events into activity lines (``HH:MM:SS text``),
    emitted once per refresh, after the engine has recorded what they tell."""

    lines_added = Signal(object)  # list[str]

    def __init__(self, bridge: EngineBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._decimals = PriceDecimals(bridge.instrument)
        self._pending: list[str] = []
        self._states: dict[str, StrategyState] = {}
        self._unsubscribers: list[Callable[[], None]] = [
            bridge.subscribe(OrderEvent, self._on_order),
            bridge.subscribe(StrategyStateEvent, self._on_strategy),
            bridge.subscribe(CommandRejected, self._on_rejected),
            bridge.subscribe(KillSwitch, self._on_kill_switch),
        ]
        bridge.refreshed.connect(self.flush)

    def close(self) -> None:
        for unsubscribe in self._unsubscribers:
            unsubscribe()
        self._unsubscribers = []

    def flush(self) -> None:
        if self._pending:
            lines, self._pending = self._pending, []
            self.lines_added.emit(lines)

    def _add(self, text: str, ts_ns: int = 0) -> None:
        self._pending.append(f"{fmt.clock_time(ts_ns or time.time_ns())} {text}")

    # ---- orders -------------------------------------------------------------------------------
    def _on_order(self, event: OrderEvent) -> None:
        text = self.order_text(event.order)
        if text:
            self._add(text, event.order.updated_ns)

    def order_text(self, order: Order) -> str:
        """One line for the order's new state; "" for a state not worth a line (cancelling)."""
        what = self.tr("{order} ({order_id} at {broker})").format(
            order=describe(order, self._decimals(order.symbol)),
            order_id=order.order_id,
            broker=order.broker,
        )
        average = self._decimals.price(order.symbol, order.average_price)
        status = order.status
        if status is OrderStatus.SUBMITTED:
            return self.tr("Submitted {order}").format(order=what)
        if status is OrderStatus.ACCEPTED:
            return self.tr("Accepted {order}").format(order=what)
        if status is OrderStatus.PARTIALLY_FILLED:
            return self.tr("Partly filled {filled} of {order}, average {price}").format(
                filled=fmt.amount(order.filled_quantity), order=what, price=average
            )
        if status is OrderStatus.FILLED:
            return self.tr("Filled {order}, average {price}").format(order=what, price=average)
        if status is OrderStatus.CANCELLED:
            text = self.tr("Cancelled {order}").format(order=what)
            return f"{text}: {order.reason}" if order.reason else text
        if status is OrderStatus.REJECTED:
            return self.tr("Rejected {order}: {reason}").format(
                order=what, reason=order.reason or self.tr("no reason given")
            )
        if status is OrderStatus.EXPIRED:
            return self.tr("Expired {order}").format(order=what)
        return ""

    # ---- strategies and commands ------------------------------------------------------------
    def _on_strategy(self, event: StrategyStateEvent) -> None:
        before = self._states.get(event.instance)
        self._states[event.instance] = event.state
        if event.state is StrategyState.REMOVED:
            del self._states[event.instance]
        if event.state is not before:  # position and P&L updates repeat the state
            text = self.strategy_text(event, before)
            if text:
                self._add(text)

    def strategy_text(self, event: StrategyStateEvent, before: StrategyState | None) -> str:
        """One line for an instance going from ``before`` (None: not seen yet) to its state."""
        name, state = event.instance, event.state
        which = self.tr("{instance} ({strategy} on {symbols})").format(
            instance=name, strategy=event.strategy, symbols=", ".join(event.symbols)
        )
        if state is StrategyState.ERROR:
            return self.tr("Strategy {instance} stopped by an error: {detail}").format(
                instance=which, detail=event.detail
            )
        if state is StrategyState.REMOVED:
            return self.tr("Strategy {instance} removed").format(instance=name)
        if state is StrategyState.RUNNING and before is StrategyState.WARMING_UP:
            return self.tr("Strategy {instance} running: warm-up done").format(instance=name)
        if state.is_active and (before is None or not before.is_active):
            return self.tr("Strategy {instance} started").format(instance=which)
        if state is StrategyState.STOPPED and before is not None and before.is_active:
            return self.tr("Strategy {instance} stopped").format(instance=which)
        if state is StrategyState.STOPPED and before is None:
            return self.tr("Strategy {instance} added").format(instance=which)
        return ""

    def _on_rejected(self, rejected: CommandRejected) -> None:
        self._add(
            self.tr("Refused {command}: {reason}").format(
                command=rejected.command, reason=rejected.reason
            )
        )

    def _on_kill_switch(self, command: KillSwitch) -> None:
        self._add(self.tr("Kill switch: {reason}").format(reason=command.reason))
