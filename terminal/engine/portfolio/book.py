"""Positions and accounts, derived from fills and marked to the latest price.

Cash instruments (stocks, crypto, FX here) move cash by their notional; margin instruments
(``Instrument.margin_rate > 0``, i.e. futures) move cash only by realised P&L and commission,
and hold margin against buying power.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from terminal.domain.events import AccountEvent, FillEvent, PositionEvent
from terminal.domain.instrument import Instrument
from terminal.domain.orders import Account, Fill, Position
from terminal.engine.bus import EventBus
from terminal.engine.portfolio.position_days import DaySplit

TradingDay = Callable[[str, int], date | None]
"""(symbol, UTC ns) → the trading day that moment belongs to, or None if unknown."""


@dataclass(slots=True)
class _Holding:
    quantity: float = 0.0
    average_price: float = 0.0
    realized_pnl: float = 0.0
    days: DaySplit = field(default_factory=DaySplit)


@dataclass(slots=True)
class _Cash:
    currency: str = ""
    cash: float = 0.0
    commission: float = 0.0
    opened: bool = False


class Portfolio:
    """Net positions per (broker, symbol) and cash per broker, from the fills on the bus."""

    def __init__(
        self,
        bus: EventBus,
        instrument: Callable[[str], Instrument | None],
        last_price: Callable[[str], float | None],
        trading_day: TradingDay | None = None,
        close_today_first: Callable[[str], bool] | None = None,
        now_ns: Callable[[], int] | None = None,
    ) -> None:
        self._bus = bus
        self._trading_day = trading_day or (lambda symbol, ns: None)
        self._close_today_first = close_today_first or (lambda symbol: False)
        self._now_ns = now_ns or (lambda: 0)
        self._instrument = instrument
        self._last_price = last_price
        self._holdings: dict[tuple[str, str], _Holding] = {}
        self._cash: dict[str, _Cash] = {}
        bus.subscribe(FillEvent, self._on_fill)

    def restore(self, fills: list[Fill]) -> None:
        """Rebuild positions and cash movements from recorded fills (before brokers start)."""
        for fill in fills:
            self._book(fill)

    def open_account(self, broker: str, cash: float, currency: str) -> None:
        """Set the broker's starting cash; fills already booked (restored) still count."""
        state = self._cash.setdefault(broker, _Cash())
        state.cash += cash
        state.currency = currency
        state.opened = True
        self._bus.publish(AccountEvent(self.account(broker)))

    def seed(self, accounts: list[Account], positions: list[Position]) -> None:
        """Start from where a recorded run began (a replay): each account's cash and
        commission so far, and each position held, before any fill of the run is booked."""
        for position in positions:
            days = DaySplit(None, position.today_quantity, position.yesterday_quantity)
            self._holdings[(position.broker, position.symbol)] = _Holding(
                position.quantity, position.average_price, position.realized_pnl, days
            )
            self._bus.publish(PositionEvent(self._position(position.broker, position.symbol)))
        for account in accounts:
            self._cash[account.broker] = _Cash(
                account.currency, account.cash, account.commission, opened=True
            )
            self._bus.publish(AccountEvent(self.account(account.broker)))

    def quantity(self, broker: str, symbol: str) -> float:
        holding = self._holdings.get((broker, symbol))
        return holding.quantity if holding else 0.0

    def buying_power(self, broker: str) -> float | None:
        """What ``account(broker).buying_power`` says, without building the account (every
        order's cash check reads it); None before the account is opened."""
        state = self._cash.get(broker)
        if state is None or not state.opened:
            return None
        margin = margined_unrealized = 0.0
        for (owner, symbol), holding in self._holdings.items():
            if owner != broker or not holding.quantity:
                continue
            instrument = self._instrument(symbol)
            if instrument is None or instrument.margin_rate <= 0:
                continue  # a cash holding: paid for, it moves no buying power
            last = self._mark(symbol, holding)
            multiplier = instrument.multiplier
            margined_unrealized += (last - holding.average_price) * holding.quantity * multiplier
            margin += abs(holding.quantity * last * multiplier) * instrument.margin_rate
        return state.cash + margined_unrealized - margin

    def position(self, broker: str, symbol: str) -> Position | None:
        """The position in ``symbol`` at ``broker``; None if it was never traded there."""
        return self._position(broker, symbol) if (broker, symbol) in self._holdings else None

    def positions(self) -> list[Position]:
        return [self._position(broker, symbol) for broker, symbol in self._holdings]

    def accounts(self) -> list[Account]:
        return [self.account(broker) for broker, state in self._cash.items() if state.opened]

    def account(self, broker: str) -> Account:
        state = self._cash[broker]
        market_value = margin = realized = unrealized = margined_unrealized = 0.0
        for (owner, symbol), holding in self._holdings.items():
            if owner != broker:
                continue
            # Marked here, not through _position: every pre-trade check reads the account,
            # and the day split a Position carries is not needed for it.
            last = self._mark(symbol, holding)
            multiplier = self._multiplier(symbol)
            pnl = (last - holding.average_price) * holding.quantity * multiplier
            realized += holding.realized_pnl
            unrealized += pnl
            instrument = self._instrument(symbol)
            notional = holding.quantity * last * multiplier
            if instrument is not None and instrument.margin_rate > 0:
                margin += abs(notional) * instrument.margin_rate
                margined_unrealized += pnl
            else:
                market_value += notional
        return Account(
            broker=broker,
            currency=state.currency,
            cash=state.cash,
            equity=state.cash + market_value + margined_unrealized,
            realized_pnl=realized,
            unrealized_pnl=unrealized,
            commission=state.commission,
            market_value=market_value,
            margin=margin,
            buying_power=state.cash + margined_unrealized - margin,
        )

    def _on_fill(self, event: FillEvent) -> None:
        fill = event.fill
        self._book(fill)
        bus = self._bus
        # Built only for someone to read (a backtest's thousands of fills often have no one).
        if bus.has_handlers(PositionEvent):
            bus.publish(PositionEvent(self._position(fill.broker, fill.symbol)))
        if self._cash[fill.broker].opened and bus.has_handlers(AccountEvent):
            bus.publish(AccountEvent(self.account(fill.broker)))

    def _book(self, fill: Fill) -> None:
        holding = self._holdings.setdefault((fill.broker, fill.symbol), _Holding())
        multiplier = self._multiplier(fill.symbol)
        holding.days.book(
            self._trading_day(fill.symbol, fill.ts),
            fill.side.sign * fill.quantity,
            fill.offset,
            self._close_today_first(fill.symbol),
        )
        realized = _apply(holding, fill, multiplier)
        state = self._cash.setdefault(fill.broker, _Cash())
        instrument = self._instrument(fill.symbol)
        if instrument is not None and instrument.margin_rate > 0:
            state.cash += realized - fill.commission
        else:
            state.cash -= fill.side.sign * fill.quantity * fill.price * multiplier + fill.commission
        state.commission += fill.commission

    def _mark(self, symbol: str, holding: _Holding) -> float:
        """The price a holding is marked at: the last one, or its average before any."""
        last = self._last_price(symbol)
        return holding.average_price if last is None or math.isnan(last) else last

    def _position(self, broker: str, symbol: str) -> Position:
        holding = self._holdings[(broker, symbol)]
        last = self._mark(symbol, holding)
        unrealized = (last - holding.average_price) * holding.quantity * self._multiplier(symbol)
        today, yesterday = holding.days.as_of(self._trading_day(symbol, self._now_ns()))
        return Position(
            broker=broker,
            symbol=symbol,
            quantity=holding.quantity,
            average_price=holding.average_price,
            realized_pnl=holding.realized_pnl,
            unrealized_pnl=unrealized if holding.quantity else 0.0,
            last_price=last,
            today_quantity=today,
            yesterday_quantity=yesterday,
        )

    def _multiplier(self, symbol: str) -> float:
        instrument = self._instrument(symbol)
        return instrument.multiplier if instrument else 1.0


def _apply(holding: _Holding, fill: Fill, multiplier: float) -> float:
    """Book a fill into a net holding; returns the P&L it realised."""
    signed = fill.side.sign * fill.quantity
    if holding.quantity == 0 or (holding.quantity > 0) == (signed > 0):
        total = holding.quantity + signed
        holding.average_price = (
            holding.average_price * abs(holding.quantity) + fill.price * abs(signed)
        ) / abs(total)
        holding.quantity = total
        return 0.0
    closed = min(abs(signed), abs(holding.quantity))
    direction = 1.0 if holding.quantity > 0 else -1.0
    realized = (fill.price - holding.average_price) * closed * direction * multiplier
    holding.realized_pnl += realized
    remaining = holding.quantity + signed
    if abs(remaining) < 1e-12:
        holding.quantity, holding.average_price = 0.0, 0.0
    elif (remaining > 0) != (holding.quantity > 0):
        holding.quantity, holding.average_price = remaining, fill.price
    else:
        holding.quantity = remaining
    return realized
