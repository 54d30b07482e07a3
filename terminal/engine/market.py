"""The market as an engine knows it: instruments, the latest tick of each symbol, sessions.

One :class:`MarketState` serves each engine (live, remote, replay): it answers the last price,
the trading sessions, calendar and trading day of a symbol, and estimates an order before it
is sent. The engine subscribes :meth:`MarketState.on_tick` to its bus before anything else that
takes ticks, so every later handler sees the tick's symbol with its latest quote.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import NamedTuple

from terminal.domain.instrument import Instrument, TradingSessions
from terminal.domain.market import Tick
from terminal.domain.orders import OrderRequest
from terminal.engine.bars.calendar import SessionCalendar
from terminal.engine.sessions import ALWAYS, load_sessions, session_calendar

CommissionEstimate = Callable[[str, float, float], float]
"""A broker's commission for (symbol, quantity, price)."""


class OrderEstimate(NamedTuple):
    """What an order would cost before it is sent, in the instrument's currency."""

    notional: float
    commission: float
    margin: float


class MarketState:
    """Instruments, latest ticks and sessions of one engine, and what follows from them."""

    def __init__(
        self,
        instruments: dict[str, Instrument] | None = None,
        sessions: dict[str, TradingSessions] | None = None,
    ) -> None:
        self.instruments: dict[str, Instrument] = {} if instruments is None else instruments
        """Every known instrument by symbol; feeds (or the server, or the journal) fill it."""
        self.sessions: dict[str, TradingSessions] = (
            load_sessions() if sessions is None else sessions
        )
        self.latest: dict[str, Tick] = {}
        self.tick_count = 0
        # symbol → (calendar, session open ns, close ns, trading day) of its last look-up
        self._sessions_seen: dict[str, tuple[SessionCalendar, int, int, date]] = {}

    def on_tick(self, tick: Tick) -> None:
        self.latest[tick.symbol] = tick
        self.tick_count += 1

    def last_price(self, symbol: str) -> float | None:
        """The last traded price; before the day's first trade (or while suspended), the
        previous close; None without a quote."""
        tick = self.latest.get(symbol)
        if tick is None:
            return None
        if tick.traded:
            return tick.last
        return tick.prev_close or None

    def trading_sessions(self, name: str) -> TradingSessions:
        """The sessions called ``name``; an unknown name trades around the clock."""
        return self.sessions.get(name, ALWAYS)

    def session_of(self, symbol: str) -> TradingSessions:
        instrument = self.instruments.get(symbol)
        return self.trading_sessions(instrument.sessions) if instrument else ALWAYS

    def calendar_of(self, symbol: str) -> SessionCalendar:
        return session_calendar(self.session_of(symbol))

    def trading_day(self, symbol: str, ns: int) -> date:
        """The trading day ``ns`` belongs to (a night session: the next one)."""
        calendar = self.calendar_of(symbol)
        # Asked for every fill and every position shown: remember each symbol's session.
        known = self._sessions_seen.get(symbol)
        if known is not None and known[0] is calendar and known[1] <= ns < known[2]:
            return known[3]
        day = calendar.trading_day_of(ns)
        if day is None:
            # Outside any session (or sessions "always"): the exchange's calendar date.
            return datetime.fromtimestamp(ns / 1e9, UTC).date()
        index = calendar.locate(ns)
        opens, closes = int(calendar.opens[index]), int(calendar.closes[index])
        self._sessions_seen[symbol] = (calendar, opens, closes, day)
        return day

    def exchange_in(self, symbol: str, exchanges: list[str]) -> bool:
        instrument = self.instruments.get(symbol)
        return instrument is not None and instrument.exchange in exchanges

    def estimate(
        self, request: OrderRequest, commission: CommissionEstimate | None = None
    ) -> OrderEstimate:
        """Notional, commission and margin of ``request`` at its price (a market order: at
        the last price). Without ``commission`` (no broker here to ask) it shows as 0."""
        instrument = self.instruments.get(request.symbol)
        if instrument is None:
            return OrderEstimate(0.0, 0.0, 0.0)
        price = request.price or self.last_price(request.symbol) or 0.0
        notional = request.quantity * price * instrument.multiplier
        fee = commission(request.symbol, request.quantity, price) if commission else 0.0
        return OrderEstimate(notional, fee, notional * instrument.margin_rate)


class MarketMixin:
    """An engine's members read from its :class:`MarketState` ``market`` (part of
    :class:`~terminal.engine.view.EngineView`): the same on the live, remote and replay engines."""

    market: MarketState

    @property
    def instruments(self) -> dict[str, Instrument]:
        return self.market.instruments

    @property
    def latest(self) -> dict[str, Tick]:
        return self.market.latest

    @property
    def tick_count(self) -> int:
        return self.market.tick_count
