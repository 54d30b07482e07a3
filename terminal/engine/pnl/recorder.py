"""The P&L recorder: equity, realised and unrealised P&L of each account, each strategy
instance and their total, sampled from the bus.

A sample is taken when a fill lands or an account changes, at most once a second (a burst of
fills waits for the once-a-second task, ``run``, so the order path pays a time check, not a
sample and a database write per fill), and by that task when the price of something held (by
an account or a strategy) moved: the tick path pays nothing.
Accounts come from the portfolio as it marks them; strategies' P&L from their own fills (an
order's origin ``strategy:<instance>``), booked at average cost like the portfolio books an
account's, and marked at the last price. The total adds the accounts'
figures as they are (each in its own currency). Samples go to the history file when there is
one, so the day's curve survives a restart.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from datetime import datetime

from terminal.domain.events import AccountEvent, FillEvent, OrderEvent, PositionEvent, Tick
from terminal.domain.orders import Account, Fill, Order
from terminal.engine.bus import EventBus
from terminal.engine.market import MarketState
from terminal.engine.pnl.history import PnlHistory
from terminal.engine.pnl.series import (
    TOTAL,
    PnlSeries,
    Row,
    SampleColumns,
    account_key,
    strategy_key,
)
from terminal.engine.portfolio.book import _apply as book_fill
from terminal.engine.portfolio.book import _Holding as Holding

SAMPLE_EVERY_NS = 1_000_000_000
STRATEGY_ORIGIN = "strategy:"


def start_of_day_ns(now_ns: int) -> int:
    """Midnight of the machine's local day holding ``now_ns``: where "the day" starts."""
    local = datetime.fromtimestamp(now_ns / 1e9).astimezone()
    return int(local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp() * 1e9)


class PnlRecorder:
    """Samples of every account, strategy instance and the total, by key (``TOTAL``,
    ``account:<broker>``, ``strategy:<instance>``); ``version`` counts samples taken."""

    def __init__(
        self,
        bus: EventBus,
        now_ns: Callable[[], int],
        accounts: Callable[[], list[Account]],
        market: MarketState,
        every_ns: int = SAMPLE_EVERY_NS,
    ) -> None:
        """``accounts``: the portfolio's, marked now; ``market``: last prices and
        multipliers of the symbols strategies hold."""
        self._now_ns = now_ns
        self._accounts = accounts
        self._market = market
        self._every_ns = every_ns
        self.history: PnlHistory | None = None
        self.version = 0
        self._columns: dict[str, SampleColumns] = {}
        self._last_sample = -every_ns
        self._pending = False  # a fill or an account change waits for its sample
        self._instance_of: dict[str, str] = {}  # order id → strategy instance
        self._books: dict[str, dict[str, Holding]] = {}  # instance → symbol → holding
        self._commission: dict[str, float] = {}  # instance → commission paid
        self._positions: dict[tuple[str, str], float] = {}  # (owner, symbol) → quantity
        self._held: set[str] = set()  # symbols someone holds: their prices move the P&L
        bus.subscribe(OrderEvent, self._on_order)
        bus.subscribe(FillEvent, self._on_fill)
        bus.subscribe(AccountEvent, self._on_account)
        bus.subscribe(PositionEvent, self._on_position)
        self._marked: dict[str, Tick | None] = {}  # held symbol → the quote last sampled

    # ---- reads -----------------------------------------------------------------------------
    def series_keys(self) -> list[str]:
        """Keys with samples: the total first, then accounts, then strategies."""
        order = {TOTAL: 0, "account": 1, "strategy": 2}
        return sorted(self._columns, key=lambda k: (order.get(k.split(":")[0], 3), k))

    def series(self, key: str) -> PnlSeries:
        columns = self._columns.get(key) or SampleColumns(1)
        return columns.series()

    # ---- set-up ----------------------------------------------------------------------------
    def restore(self, orders: list[Order], fills: list[Fill]) -> None:
        """Strategies' books from the recorded orders and fills (before anything runs)."""
        for order in orders:
            self._note_origin(order)
        for fill in fills:
            self._book(fill)

    def open_history(self, history: PnlHistory) -> None:
        """Keep samples in ``history`` from now on, after reading back today's."""
        self.history = history
        for ts, key, row in history.read(start_of_day_ns(self._now_ns())):
            self._columns.setdefault(key, SampleColumns()).append(ts, row)
        if self._columns:
            self.version += 1

    def close(self) -> None:
        if self.history is not None:
            self.history.close()
            self.history = None

    # ---- the bus ---------------------------------------------------------------------------
    def _on_order(self, event: OrderEvent) -> None:
        self._note_origin(event.order)

    def _note_origin(self, order: Order) -> None:
        if order.origin.startswith(STRATEGY_ORIGIN):
            self._instance_of[order.order_id] = order.origin[len(STRATEGY_ORIGIN) :]

    def _on_fill(self, event: FillEvent) -> None:
        self._book(event.fill)
        self._sample_soon()

    def _book(self, fill: Fill) -> None:
        instance = self._instance_of.get(fill.order_id)
        if instance is None:
            return
        holding = self._books.setdefault(instance, {}).setdefault(fill.symbol, Holding())
        # The portfolio's own average-cost booking: a strategy's realised P&L is figured
        # exactly as an account's (one rule, not two that drift apart).
        book_fill(holding, fill, self._multiplier(fill.symbol))
        self._commission[instance] = self._commission.get(instance, 0.0) + fill.commission
        self._hold((f"{STRATEGY_ORIGIN}{instance}", fill.symbol), holding.quantity)

    def _on_position(self, event: PositionEvent) -> None:
        position = event.position
        self._hold((position.broker, position.symbol), position.quantity)

    def _hold(self, owner: tuple[str, str], quantity: float) -> None:
        symbol = owner[1]
        self._positions[owner] = quantity
        if quantity:
            self._held.add(symbol)
        elif not any(q for (_, s), q in self._positions.items() if s == symbol):
            self._held.discard(symbol)

    def _on_account(self, event: AccountEvent) -> None:
        account = event.account
        columns = self._columns.get(account_key(account.broker))
        last = columns.last() if columns is not None else None
        if last is None:
            self.sample()  # an account opened: its curve starts now
        elif last != _account_row(account):
            # Changed: by a fill this engine is dispatching (the portfolio hears it first,
            # the fill's own sample follows, with the strategy's book up to date) or a remote
            # engine's; either way the once-a-second task samples it at the latest.
            self._pending = True

    # ---- sampling --------------------------------------------------------------------------
    async def run(self, interval_s: float = SAMPLE_EVERY_NS / 1e9) -> None:
        """Every ``interval_s``: a sample if a held symbol's price moved (the engine's task)."""
        while True:
            await asyncio.sleep(interval_s)
            self.sample_if_moved()

    def sample_if_moved(self) -> bool:
        """A sample if a fill or an account change waits for one, or the quote of something
        held changed since the last one."""
        latest = self._market.latest
        if not self._pending and all(
            latest.get(symbol) is self._marked.get(symbol) for symbol in self._held
        ):
            return False
        self.sample()
        return True

    def _sample_soon(self) -> None:
        """A sample now if the last is a second old, else by the once-a-second task."""
        if self._now_ns() - self._last_sample >= self._every_ns:
            self.sample()
        else:
            self._pending = True

    def sample(self) -> None:
        """Take a sample of everything now."""
        now = self._now_ns()
        self._last_sample = now
        self._pending = False
        latest = self._market.latest
        self._marked = {symbol: latest.get(symbol) for symbol in self._held}
        rows: dict[str, Row] = {}
        total = [0.0, 0.0, 0.0, 0.0]
        for account in self._accounts():
            row = rows[account_key(account.broker)] = _account_row(account)
            total = [a + b for a, b in zip(total, row, strict=True)]
        if rows:
            rows[TOTAL] = (total[0], total[1], total[2], total[3])
        for instance, holdings in self._books.items():
            rows[strategy_key(instance)] = self._strategy_row(instance, holdings)
        if not rows:
            return
        for key, row in rows.items():
            self._columns.setdefault(key, SampleColumns()).append(now, row)
        self.version += 1
        if self.history is not None:
            self.history.write(now, rows)

    def _strategy_row(self, instance: str, holdings: dict[str, Holding]) -> Row:
        realized = unrealized = 0.0
        for symbol, holding in holdings.items():
            realized += holding.realized_pnl
            if holding.quantity:
                last = self._market.last_price(symbol)
                if last is not None and not math.isnan(last):
                    unrealized += ((last - holding.average_price) * holding.quantity
                                   * self._multiplier(symbol))  # fmt: skip
        return math.nan, realized, unrealized, self._commission.get(instance, 0.0)

    def _multiplier(self, symbol: str) -> float:
        instrument = self._market.instruments.get(symbol)
        return instrument.multiplier if instrument else 1.0


def _account_row(account: Account) -> Row:
    return account.equity, account.realized_pnl, account.unrealized_pnl, account.commission
