"""Contingent orders, kept by the engine (live and in backtests) over plain broker orders.

- **Bracket**: an entry with a take-profit (limit) and a stop-loss (stop, possibly trailing)
  attached. The exits wait in the engine until the entry fills, then go live sized to what
  filled; later fills of the entry resize them (a broker that cannot modify orders gets its
  exits once the entry is done instead). The first exit filled in full cancels the other and
  what is left of the entry: the trade is over. A partial exit fill shrinks the other exit.
- **OCO**: orders of which the first filled in full cancels the others; a partial fill
  reduces the others by as much (where the broker modifies orders).
- **Trailing stop**: a stop whose trigger follows the best price by a distance or a percent,
  only ever the protective way, moved by ``Broker.modify`` when it gains a tick or more (live
  on each trade, in a backtest after each bar, from its high or low).

Each group's state is recorded in the trading store and published as ``ContingentEvent`` at
every change; after a restart the groups come back and are settled against the order book
(:meth:`ContingentOrders.resume`). What to do next is always worked out from the order book,
one step at a time (:meth:`_step`), so a fill arriving in the middle of a step, a restart
between two steps or a repeated event all end in the same place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from msgspec.structs import replace

from terminal.domain.contingent import (
    ContingentGroup,
    ContingentLeg,
    ModifyOrder,
    SubmitBracket,
    SubmitOco,
    SubmitTrailingStop,
)
from terminal.domain.enums import ContingentKind, LegState, OrderStatus, Side
from terminal.domain.events import FillEvent, OrderEvent, Tick
from terminal.domain.orders import Order, can_amend
from terminal.engine.orders.contingent_build import (
    ROLE_NAMES,
    STOP_LOSS_SUFFIX,
    TAKE_PROFIT_SUFFIX,
    bracket_group,
    live_exit,
    oco_group,
    trailing_group,
)
from terminal.engine.orders.contingent_records import (
    ContingentRecords,
    filled_of,
    legs_from_book,
    status_of,
)
from terminal.engine.orders.modify import changed_request, send_modification, snap_trigger

log = logging.getLogger("terminal.orders")

EPS = 1e-9
MAX_STEPS = 64  # per settling: far more than any group needs; a guard against a loop
_FILLING = (OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED)

Command = SubmitBracket | SubmitOco | SubmitTrailingStop


class ContingentOrders(ContingentRecords):
    """The engine's contingent groups over ``host`` (the engine, or a backtest's host: its
    ``bus``, ``clock``, ``order_book``, ``brokers``, ``instruments``, ``market``, ``pretrade``,
    ``submit`` and ``cancel``). ``new_id`` makes order ids (default: the book's)."""

    def __init__(
        self, host: Any, store: Any = None, new_id: Callable[[], str] | None = None,
        follow_ticks: bool = True,
    ) -> None:  # fmt: skip
        super().__init__(host, store, new_id, follow_ticks)
        self._settling: set[str] = set()

    # ---- commands ---------------------------------------------------------------------------
    def place(self, command: Command) -> list[str]:
        """Carry out ``command``; its order ids (a bracket's entry first). Raises ValueError
        with the reason when it is refused (nothing is placed then)."""
        if isinstance(command, SubmitBracket):
            return self.submit_bracket(command)
        if isinstance(command, SubmitOco):
            return self.submit_oco(command)
        return self.submit_trailing(command)

    def submit_bracket(self, command: SubmitBracket) -> list[str]:
        host, entry = self._host, command.entry
        entry_id = self._free_id(command.order_id)
        for suffix in (TAKE_PROFIT_SUFFIX, STOP_LOSS_SUFFIX):
            self._free_id(entry_id + suffix)
        group = bracket_group(command, entry_id, host.instruments.get(entry.symbol),
                              host.brokers.get(entry.broker), self._last(entry.symbol),
                              self._now())  # fmt: skip
        self._start(group)
        try:
            host.submit(entry, entry_id)
        except Exception:
            if entry_id in self._groups:
                self._finish(self._groups[entry_id], "entry not placed")
            raise
        self._settle(entry_id)
        return group.order_ids()

    def submit_oco(self, command: SubmitOco) -> list[str]:
        host = self._host
        ids = [self._free_id(submit.order_id) for submit in command.orders]
        self._start(oco_group(command, ids, host.instruments, host.brokers, self._now()))
        self._settle(ids[0])  # places the orders one by one (one filled at once stops the rest)
        return ids

    def submit_trailing(self, command: SubmitTrailingStop) -> list[str]:
        host, symbol = self._host, command.request.symbol
        order_id = self._free_id(command.order_id)
        self._start(trailing_group(command, order_id, host.instruments.get(symbol),
                                   host.brokers.get(command.request.broker), self._last(symbol),
                                   self._now()))  # fmt: skip
        self._settle(order_id)
        return [order_id]

    def modify(self, command: ModifyOrder) -> None:
        """Move a waiting exit (its level), or modify a working order through its broker (a
        trailing stop moved by hand trails from there). ValueError says why not."""
        group = self.group_of(command.order_id)
        leg = group.leg(command.order_id) if group is not None else None
        if group is not None and leg is not None and leg.state is LegState.WAITING:
            self._move_waiting(group, leg, command)
            return
        host = self._host
        order = host.order_book.get(command.order_id)
        if order is None:
            raise ValueError(f"modify: no order {command.order_id}")
        request = changed_request(order, command)
        if request is None:
            return
        refusal = host.pretrade.check_modification(request)
        if refusal is not None:
            raise ValueError(f"modify {order.order_id}: {refusal.reason}")
        broker = host.brokers.get(order.broker)
        if broker is None:
            raise ValueError(f"modify {order.order_id}: broker {order.broker} is not running")
        send_modification(broker, order, request)
        moved = request.trigger_price != order.trigger_price
        if group is not None and leg is not None and leg.trail is not None and moved:
            trail = leg.trail.moved_to(leg.request.side, leg.best, request.trigger_price)
            self._update(group.with_leg(replace(leg, trail=trail, request=replace(
                leg.request, trigger_price=request.trigger_price))))  # fmt: skip

    def cancel_waiting(self, order_id: str) -> bool:
        """Drop a bracket exit that waits for its entry; False if ``order_id`` is no such exit
        (it is then an order to cancel at its broker)."""
        group = self.group_of(order_id)
        leg = group.leg(order_id) if group is not None else None
        if group is None or leg is None or leg.state is not LegState.WAITING:
            return False
        dropped = replace(leg, state=LegState.DONE, reason="cancelled before it was placed")
        self._update(group.with_leg(dropped))
        self._settle(group.group_id)
        return True

    # ---- a restart ----------------------------------------------------------------------------
    def resume(self, groups: list[ContingentGroup] | None = None) -> None:
        """Take back the active groups (``groups``, or the store's) once the brokers are up,
        and settle each against the order book: what happened meanwhile is acted on now."""
        if groups is None:
            groups = self._store.groups() if self._store is not None else []
        for group in groups:
            self._groups[group.group_id] = group
            self._index(group)
        self._watch()
        for group_id in list(self._groups):
            self._settle(group_id)

    # ---- events -------------------------------------------------------------------------------
    def _on_order(self, event: OrderEvent) -> None:
        # A fill's order update comes before the portfolio has the fill: exits wait for its
        # FillEvent, so their checks (close offsets, T+1, funds) see the position.
        if event.order.status not in _FILLING:
            group_id = self._of_order.get(event.order.order_id)
            if group_id is not None:
                self._settle(group_id)

    def _on_fill(self, event: FillEvent) -> None:
        group_id = self._of_order.get(event.fill.order_id)
        if group_id is not None:
            self._settle(group_id)

    def _on_tick(self, tick: Tick) -> None:
        if tick.symbol in self._trailing and tick.traded:
            self.on_price(tick.symbol, tick.last, tick.last)

    def on_price(self, symbol: str, high: float, low: float) -> None:
        """``symbol`` traded between ``low`` and ``high``: trailing stops follow."""
        for group_id in list(self._trailing.get(symbol, ())):
            group = self._groups.get(group_id)
            for leg in group.legs if group is not None else ():
                if leg.trail is not None and leg.state is LegState.LIVE:
                    self._trail(group, leg, high, low)  # type: ignore[arg-type]

    # ---- settling: one step at a time, each worked out from the order book -------------------
    def _settle(self, group_id: str) -> None:
        if group_id in self._settling:
            return  # the step running re-reads the book when it is done
        self._settling.add(group_id)
        try:
            for _ in range(MAX_STEPS):
                if not self._step(group_id):
                    return
            log.error("contingent group %s: still settling after %d steps", group_id, MAX_STEPS)
        finally:
            self._settling.discard(group_id)

    def _step(self, group_id: str) -> bool:
        """Take the next action the book calls for; False when there is none."""
        group = self._groups.get(group_id)
        if group is None:
            return False
        book = self._host.order_book
        group = self._update(legs_from_book(group, book))
        orders = {leg.order_id: book.get(leg.order_id) for leg in group.legs}
        entry = book.get(group.entry_id) if group.entry_id else None
        full = [leg for leg in group.legs if status_of(orders[leg.order_id]) is OrderStatus.FILLED]
        if full:
            return self._close_others(group, full[0], orders, entry)
        if group.kind is not ContingentKind.BRACKET:  # its orders are placed one by one
            waiting = next((leg for leg in group.legs if leg.state is LegState.WAITING), None)
            if waiting is not None:
                self._place_leg(group, replace(waiting, state=LegState.LIVE))
                return True
        if group.kind is ContingentKind.BRACKET:
            if entry is not None and self._bracket_step(group, orders, entry):
                return True
        elif self._modifies(group.broker) and self._oco_step(group, orders):
            return True
        if all(leg.state is LegState.DONE for leg in group.legs) and (
            entry is None or entry.status.is_final
        ):
            self._finish(group, group.reason or "all its orders ended")
        return False

    def _close_others(
        self, group: ContingentGroup, filled: ContingentLeg, orders: dict[str, Order | None],
        entry: Order | None,
    ) -> bool:  # fmt: skip
        """One order filled in full: the others go, and what is left of a bracket's entry."""
        why = f"{ROLE_NAMES[filled.role]} {filled.order_id} filled"
        for leg in group.legs:
            if leg.state is LegState.WAITING:
                self._update(group.with_leg(replace(leg, state=LegState.DONE, reason=why)), why)
                return True
            order = orders[leg.order_id]
            if leg.state is LegState.LIVE and order is not None and self._cancel(order):
                return True
        if entry is not None and self._cancel(entry):
            return True
        if entry is None or entry.status.is_final:
            self._finish(group, why)
        return False

    def _bracket_step(
        self, group: ContingentGroup, orders: dict[str, Order | None], entry: Order
    ) -> bool:
        filled = entry.filled_quantity
        if entry.status.is_final and filled <= EPS:
            waiting = [leg for leg in group.legs if leg.state is LegState.WAITING]
            if waiting:
                why = f"entry {entry.status.value}" + (f": {entry.reason}" if entry.reason else "")
                legs = tuple(replace(leg, state=LegState.DONE, reason=why)
                             if leg.state is LegState.WAITING else leg for leg in group.legs)
                self._update(replace(group, legs=legs), why)  # fmt: skip
                return True
            return False
        modifies = self._modifies(group.broker)
        if filled <= EPS or not (modifies or entry.status.is_final):
            return False
        open_ = filled - sum(filled_of(orders[leg.order_id]) for leg in group.legs)
        for leg in group.legs:
            order = orders[leg.order_id]
            if leg.state is LegState.WAITING and open_ > EPS:
                instrument = self._host.instruments.get(group.symbol)
                live = live_exit(leg, open_, entry.average_price, instrument)
                self._place_leg(group, live)
                return True
            if leg.state is not LegState.LIVE or order is None or not modifies:
                continue
            if self._resize(order, order.filled_quantity + open_):
                return True
        return False

    def _oco_step(self, group: ContingentGroup, orders: dict[str, Order | None]) -> bool:
        total = sum(filled_of(order) for order in orders.values())
        for leg in group.legs:
            order = orders[leg.order_id]
            if leg.state is not LegState.LIVE or order is None:
                continue
            others = total - order.filled_quantity
            target = leg.request.quantity - others  # what the others have not done
            if target <= order.filled_quantity + EPS:
                if self._cancel(order):
                    return True
            elif self._resize(order, target):
                return True
        return False

    # ---- actions ----------------------------------------------------------------------------
    def _place_leg(self, group: ContingentGroup, leg: ContingentLeg) -> None:
        """Record ``leg`` as live, then place it (recorded first: a crash in between finds it
        live with no order, and places it again)."""
        self._update(group.with_leg(leg))
        self.placing_siblings = frozenset(
            other.order_id for other in group.legs
            if other.order_id != leg.order_id and other.state is LegState.LIVE
        )  # fmt: skip
        try:
            self._host.submit(leg.request, leg.order_id)
        except Exception as exc:  # the id in use (it never is: ids are reserved up front)
            log.exception("contingent group %s: %s not placed", group.group_id, leg.order_id)
            current = self._groups.get(group.group_id, group)
            done = replace(leg, state=LegState.DONE, reason=f"not placed: {exc}")
            self._update(current.with_leg(done))
        finally:
            self.placing_siblings = frozenset()

    def _cancel(self, order: Order) -> bool:
        """Ask once to cancel ``order`` if it is still working; whether it was asked now."""
        if not order.status.is_working or order.status is OrderStatus.PENDING_CANCEL:
            return False
        if order.order_id in self._cancel_sent:
            return False
        self._cancel_sent.add(order.order_id)
        self._host.cancel(order.order_id)
        return True

    def _resize(self, order: Order, quantity: float) -> bool:
        """Modify ``order`` to ``quantity`` if it differs (a refusal is logged, not retried)."""
        if abs(order.quantity - quantity) <= EPS or not can_amend(order.status):
            return False
        if (order.order_id, quantity) in self._tried:
            return False
        self._tried.add((order.order_id, quantity))
        self._amend(order, quantity=quantity)
        return True

    def _trail(self, group: ContingentGroup, leg: ContingentLeg, high: float, low: float) -> None:
        side = leg.request.side
        best = max(leg.best, high) if side is Side.SELL else min(leg.best or low, low)
        if best == leg.best:
            return
        moved = replace(leg, best=best)
        order = self._host.order_book.get(leg.order_id)
        trail = leg.trail
        if order is not None and trail is not None and can_amend(order.status):
            instrument = self._host.instruments.get(order.symbol)
            level = snap_trigger(trail.level(side, best), side, instrument)
            gained = level > order.trigger_price + EPS if side is Side.SELL else (
                level < order.trigger_price - EPS
            )
            if gained and self._amend(order, trigger=level):
                self._update(group.with_leg(replace(
                    moved, request=replace(leg.request, trigger_price=level))))  # fmt: skip
                return
        self._groups[group.group_id] = group.with_leg(moved)  # not worth a write: kept in memory

    def _amend(self, order: Order, quantity: float = 0.0, trigger: float = 0.0) -> bool:
        """Have the broker modify ``order`` (the engine's own change: a refusal is logged)."""
        command = ModifyOrder(order.order_id, quantity=quantity, trigger_price=trigger)
        try:
            request = changed_request(order, command)
            if request is not None:
                send_modification(self._host.brokers[order.broker], order, request)
        except (ValueError, KeyError) as exc:
            log.warning("contingent order %s not modified: %s", order.order_id, exc,
                        extra={"order_id": order.order_id, "symbol": order.symbol})  # fmt: skip
            return False
        return True

    def _move_waiting(
        self, group: ContingentGroup, leg: ContingentLeg, command: ModifyOrder
    ) -> None:
        """A waiting exit's level moved (no broker has it yet)."""
        request = leg.request
        if command.quantity:
            raise ValueError(f"modify {leg.order_id}: a bracket's exit is sized to the entry's "
                             "fill; its quantity cannot be set")  # fmt: skip
        wrong = command.price if request.order_type.has_trigger else command.trigger_price
        if wrong:
            what = "a trigger" if request.order_type.has_trigger else "a limit price"
            raise ValueError(f"modify {leg.order_id}: a {ROLE_NAMES[leg.role]} has {what}")
        level = command.trigger_price or command.price
        if not level or level == leg.level:
            return
        if request.order_type.has_trigger:
            request = replace(request, trigger_price=level)
        else:
            request = replace(request, price=level)
        refusal = self._host.pretrade.check_modification(request)
        if refusal is not None:
            raise ValueError(f"modify {leg.order_id}: {refusal.reason}")
        self._update(group.with_leg(replace(leg, request=request)))
