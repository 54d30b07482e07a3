"""Positions and accounts, derived from fills and marked to the latest price."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from terminal.domain.events import AccountEvent, FillEvent, PositionEvent
from terminal.domain.instrument import Instrument
from terminal.domain.orders import Account, Fill, Position
from terminal.engine.bus import EventBus


@dataclass(slots=True)
class _Holding:
    quantity: float = 0.0
    average_price: float = 0.0
    realized_pnl: float = 0.0


@dataclass(slots=True)
class _Cash:
    currency: str
    cash: float
    commission: float = 0.0


class Portfolio:
    """Net positions per (broker, symbol) and cash per broker, from the fills on the bus."""

    def __init__(
        self,
        bus: EventBus,
        instrument: Callable[[str], Instrument | None],
        last_price: Callable[[str], float | None],
    ) -> None:
        self._bus = bus
        self._instrument = instrument
        self._last_price = last_price
        self._holdings: dict[tuple[str, str], _Holding] = {}
        self._cash: dict[str, _Cash] = {}
        bus.subscribe(FillEvent, self._on_fill)

    def open_account(self, broker: str, cash: float, currency: str) -> None:
        self._cash[broker] = _Cash(currency=currency, cash=cash)
        self._bus.publish(AccountEvent(self.account(broker)))

    def quantity(self, broker: str, symbol: str) -> float:
        holding = self._holdings.get((broker, symbol))
        return holding.quantity if holding else 0.0

    def positions(self) -> list[Position]:
        return [self._position(broker, symbol) for broker, symbol in self._holdings]

    def accounts(self) -> list[Account]:
        return [self.account(broker) for broker in self._cash]

    def account(self, broker: str) -> Account:
        cash = self._cash[broker]
        market_value = realized = unrealized = 0.0
        for (owner, symbol), holding in self._holdings.items():
            if owner != broker:
                continue
            position = self._position(owner, symbol)
            market_value += holding.quantity * position.last_price * self._multiplier(symbol)
            realized += position.realized_pnl
            unrealized += position.unrealized_pnl
        return Account(
            broker=broker,
            currency=cash.currency,
            cash=cash.cash,
            equity=cash.cash + market_value,
            realized_pnl=realized,
            unrealized_pnl=unrealized,
            commission=cash.commission,
        )

    def _on_fill(self, event: FillEvent) -> None:
        fill = event.fill
        holding = self._holdings.setdefault((fill.broker, fill.symbol), _Holding())
        _apply(holding, fill, self._multiplier(fill.symbol))
        cash = self._cash.get(fill.broker)
        if cash is not None:
            notional = fill.side.sign * fill.quantity * fill.price * self._multiplier(fill.symbol)
            cash.cash -= notional + fill.commission
            cash.commission += fill.commission
        self._bus.publish(PositionEvent(self._position(fill.broker, fill.symbol)))
        if cash is not None:
            self._bus.publish(AccountEvent(self.account(fill.broker)))

    def _position(self, broker: str, symbol: str) -> Position:
        holding = self._holdings[(broker, symbol)]
        last = self._last_price(symbol)
        if last is None or math.isnan(last):
            last = holding.average_price
        unrealized = (last - holding.average_price) * holding.quantity * self._multiplier(symbol)
        return Position(
            broker=broker,
            symbol=symbol,
            quantity=holding.quantity,
            average_price=holding.average_price,
            realized_pnl=holding.realized_pnl,
            unrealized_pnl=unrealized if holding.quantity else 0.0,
            last_price=last,
        )

    def _multiplier(self, symbol: str) -> float:
        instrument = self._instrument(symbol)
        return instrument.multiplier if instrument else 1.0


def _apply(holding: _Holding, fill: Fill, multiplier: float) -> None:
    signed = fill.side.sign * fill.quantity
    if holding.quantity == 0 or (holding.quantity > 0) == (signed > 0):
        total = holding.quantity + signed
        holding.average_price = (
            holding.average_price * abs(holding.quantity) + fill.price * abs(signed)
        ) / abs(total)
        holding.quantity = total
        return
    closed = min(abs(signed), abs(holding.quantity))
    direction = 1.0 if holding.quantity > 0 else -1.0
    holding.realized_pnl += (fill.price - holding.average_price) * closed * direction * multiplier
    remaining = holding.quantity + signed
    if abs(remaining) < 1e-12:
        holding.quantity, holding.average_price = 0.0, 0.0
    elif (remaining > 0) != (holding.quantity > 0):
        holding.quantity, holding.average_price = remaining, fill.price
    else:
        holding.quantity = remaining
