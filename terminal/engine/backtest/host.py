"""The backtest's engine room: the strategy runner's host, built from the live engine's parts.

One bus, a :class:`ManualClock` the run moves bar by bar, the order book, the portfolio and the
pre-trade pipeline (``standard_checks`` of the config) exactly as live, and the
:class:`SimulatedBroker` in place of a real one. Nothing here is shared with a running engine:
a backtest builds its own of everything, so it can run beside live trading, or in a process of
its own. Prices come from the bars: the last price of a symbol is its last base bar's close.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

from terminal.domain.enums import ConnectionStatus, OrderStatus
from terminal.domain.instrument import Instrument
from terminal.domain.market import FeedStatus, Tick
from terminal.domain.orders import Account, Fill, OrderRequest
from terminal.engine.backtest.broker import SimulatedBroker
from terminal.engine.backtest.settings import BacktestSection
from terminal.engine.bus import EventBus
from terminal.engine.clock import ManualClock
from terminal.engine.config import Config
from terminal.engine.market import MarketState
from terminal.engine.orders.book import OrderBook
from terminal.engine.orders.checks import (
    BrokerAccount,
    BrokerConnected,
    KnownBroker,
    LiveGuard,
    PreTradeCheck,
    PreTradeView,
    TrippedBreaker,
)
from terminal.engine.orders.contingent import ContingentOrders
from terminal.engine.orders.pretrade import PreTradePipeline, standard_checks
from terminal.engine.orders.risk import RiskLimitCheck
from terminal.engine.portfolio.book import Portfolio
from terminal.engine.strategy.host import NoBars, Registry

BROKER = "backtest"


class BarQuotes(Mapping[str, Tick]):
    """The latest "tick" of each symbol, made on demand from its last bar's close (a backtest
    has bars, not ticks; the checks that read ``market.latest`` see the close)."""

    def __init__(self, prices: dict[str, float], clock: ManualClock) -> None:
        self._prices, self._clock = prices, clock

    def __getitem__(self, symbol: str) -> Tick:
        price = self._prices[symbol]
        return Tick(symbol, self._clock.now_ns(), price, 0.0, 0.0, 0.0, (price,), (), (price,))

    def get(self, symbol: str, default: Any = None) -> Any:
        # Mapping.get goes through __getitem__ and a KeyError: every order's checks ask.
        price = self._prices.get(symbol)
        if price is None:
            return default
        return Tick(symbol, self._clock.now_ns(), price, 0.0, 0.0, 0.0, (price,), (), (price,))

    def __iter__(self) -> Iterator[str]:
        return iter(self._prices)

    def __len__(self) -> int:
        return len(self._prices)


class BacktestMarket(MarketState):
    """Instruments and sessions as live; last prices from the bars."""

    def __init__(self, instruments: dict[str, Instrument], clock: ManualClock) -> None:
        super().__init__(instruments)
        self.prices: dict[str, float] = {}
        """Last base-bar close per symbol: the run writes it as each bar closes."""
        self.latest = BarQuotes(self.prices, clock)  # type: ignore[assignment]
        self._days: dict[str, tuple[int, int, date]] = {}

    def last_price(self, symbol: str) -> float | None:
        return self.prices.get(symbol)

    def trading_day(self, symbol: str, ns: int) -> date:
        # A fill asks for its trading day several times (booking it, its position, the
        # account), and every bar of a session has the same one: the calendar answers once
        # per session, its answer kept for the session's [open, close).
        last = self._days.get(symbol)
        if last is not None and last[0] <= ns < last[1]:
            return last[2]
        calendar = self.calendar_of(symbol)
        index = calendar.locate(ns)
        day = super().trading_day(symbol, ns)
        if index >= 0:
            self._days[symbol] = (int(calendar.opens[index]), int(calendar.closes[index]), day)
        return day


class BacktestHost:
    """What the strategy runner needs (``StrategyHost``), for one backtest."""

    def __init__(
        self,
        config: Config,
        settings: BacktestSection,
        instruments: Mapping[str, Instrument],
        registry: Registry,
        start_ns: int,
        capital: float,
    ) -> None:
        self.bus = EventBus()
        self.clock = ManualClock(start_ns)
        self.registry = registry
        self.market = BacktestMarket(dict(instruments), self.clock)
        self.instruments: dict[str, Instrument] = self.market.instruments
        market = self.market
        self.order_book = OrderBook(self.bus, self.clock)
        self.portfolio = Portfolio(
            self.bus,
            market.instruments.get,
            market.last_price,
            trading_day=market.trading_day,
            close_today_first=lambda s: market.exchange_in(s, config.engine.close_today_first),
            now_ns=self.clock.now_ns,
        )
        self.fills: list[Fill] = []
        """Every fill of the run, in order."""
        self.broker = SimulatedBroker(BROKER, BrokerSide(self), settings)
        self.brokers: dict[str, Any] = {BROKER: self.broker}
        self.bars = NoBars()  # the run feeds the bars itself
        self.live_since_ns = 0
        self._orders_placed = 0
        view = PreTradeView(
            market=market,
            has_broker=self.brokers.__contains__,
            accounts_of=lambda broker: [broker] if broker in self.brokers else [],
            broker_status={BROKER: FeedStatus(BROKER, ConnectionStatus.LIVE)}.get,
            position=self.portfolio.position,
            quantity=self.portfolio.quantity,
            buying_power=self.portfolio.buying_power,
            working_orders=self.order_book.working,
            account=lambda broker: (
                self.portfolio.account(broker) if broker in self.brokers else None
            ),
            live_since_ns=lambda: self.live_since_ns,
            now_ns=self.clock.now_ns,
            exclusive=lambda: self.contingent.placing_siblings,
        )
        self.pretrade = PreTradePipeline(active_checks(config), view, self.bus)
        self.portfolio.open_account(BROKER, capital, settings.currency)
        # Brackets, OCO groups and trailing stops as live; trailing stops follow each bar.
        self.contingent = ContingentOrders(self, new_id=self.next_order_id, follow_ticks=False)

    def follow_prices(self, watch: Callable[[str, float, float], None] | None) -> None:
        """Have ``watch`` told each bar's (symbol, high, low) once its orders were tried (the
        trailing stops, while any is live); None: no one."""
        self.broker.after_bar = watch

    def next_order_id(self) -> str:
        """Numbered in the order placed, not the live clock-and-random ids: the same run gives
        the same ids, and making one costs nothing."""
        self._orders_placed += 1
        return f"B-{self._orders_placed:07d}"

    def submit(self, request: OrderRequest, order_id: str | None = None) -> str:
        """The live engine's route: the pipeline, then the book, then the broker."""
        if not order_id:
            order_id = self.next_order_id()
        refusal = self.pretrade.check(request)
        if refusal is not None:
            self.order_book.reject_request(order_id, request, refusal.reason)
            return order_id
        order = self.order_book.create(order_id, request)
        self.brokers[request.broker].submit(order)
        return order_id

    def cancel(self, order_id: str) -> None:
        if self.contingent.cancel_waiting(order_id):
            return
        order = self.order_book.get(order_id)
        if order is not None and order.status.is_working:
            self.brokers[order.broker].cancel(order)


ALWAYS_YES_IN_A_BACKTEST = (KnownBroker, BrokerAccount, BrokerConnected, LiveGuard, TrippedBreaker)
"""Checks that cannot refuse here: the run's one broker is simulated, always connected and has
no named accounts; a backtest is history, its warm-up orders refused by the strategy itself
(``history_phase``), never stamped before a live start; no circuit breakers run in it."""


def active_checks(config: Config) -> list[PreTradeCheck]:
    """``standard_checks(config)`` less the checks that could only ever say yes here (the risk
    limits that are off everywhere, a limit of 0, and ``ALWAYS_YES_IN_A_BACKTEST``): a
    backtest asks every check for every order."""
    risk = config.risk
    kept = []
    for check in standard_checks(config):
        if isinstance(check, ALWAYS_YES_IN_A_BACKTEST):
            continue
        if isinstance(check, RiskLimitCheck):
            scopes = [risk, *risk.brokers.values()]
            if not any(getattr(scope, check.setting) for scope in scopes):
                continue
        kept.append(check)
    return kept


class BrokerSide:
    """The simulated broker's context: reports into the host's order book, reads its account."""

    def __init__(self, host: BacktestHost) -> None:
        self._host = host
        self.clock = host.clock

    def update_order(self, order_id: str, status: OrderStatus, reason: str = "") -> None:
        self._host.order_book.update_status(order_id, status, reason)

    def order_modified(
        self, order_id: str, price: float, quantity: float, trigger_price: float
    ) -> None:
        self._host.order_book.amend(order_id, price, quantity, trigger_price)

    def add_fill(
        self, order_id: str, fill_id: str, quantity: float, price: float, commission: float
    ) -> None:
        host = self._host
        order = host.order_book.get(order_id)
        assert order is not None, order_id  # the broker only fills orders the book created
        fill = Fill(fill_id, order_id, order.broker, order.symbol, order.side, quantity, price,
                    self.clock.now_ns(), commission, order.offset)  # fmt: skip
        host.fills.append(fill)
        host.order_book.apply_fill(fill)

    def account(self) -> Account:
        return self._host.portfolio.account(BROKER)

    def quantity(self, symbol: str) -> float:
        return self._host.portfolio.quantity(BROKER, symbol)
