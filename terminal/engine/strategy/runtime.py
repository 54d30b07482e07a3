"""What the runner keeps up to date for one strategy instance, and its strategy only reads.

The runner owns one ``StrategyRuntime`` per instance and writes it as it delivers events: the
instance's positions (from its fills), its working orders, the last price of each symbol, the
bars fed so far, whether warm-up history is being fed and the time of the event being handled.
The ``Strategy`` object reads it through its public properties (``position``,
``working_orders``, ``bars``, ``last_price``, ``history_phase``, ``now_ns``…) and never writes
it, so the runner needs no access to a strategy's own attributes.

A runtime outlives the strategy objects of its instance: an edit or a reload builds a new
object on the same runtime, which keeps the positions, orders and prices, and forgets the bars
(the new object is fed its own warm-up).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from terminal.domain.market import Bar
from terminal.domain.orders import Order
from terminal.engine.strategy.bar_series import BarSeries


class StrategyRuntime:
    """The state of one instance that events change; written by the runner only."""

    def __init__(
        self, symbols: Sequence[str], positions: Mapping[str, float] | None = None
    ) -> None:
        given = positions or {}
        self.positions: dict[str, float] = {s: given.get(s, 0.0) for s in symbols}
        """Net position per symbol, in the order of the instance's symbols."""
        self.working: dict[str, Order] = {}
        """Orders of the instance that can still fill, by id, oldest first."""
        self.last_prices: dict[str, float] = {}
        self.history_phase = False
        """True while warm-up history is fed: orders are refused."""
        self.now_ns = 0
        """Time of the event being handled (UTC ns)."""
        self._series: dict[tuple[str, str], BarSeries] = {}
        self._last_bar: dict[tuple[str, str], int] = {}
        """Start of the last bar fed per (symbol, timeframe): the seam between warm-up and
        live, where the same bar may come twice."""

    def book_order(self, order: Order) -> None:
        """Keep ``order`` among the working orders while it can fill, drop it once final."""
        if order.status.is_working:
            self.working[order.order_id] = order
        else:
            self.working.pop(order.order_id, None)

    def book_fill(self, symbol: str, signed_quantity: float) -> None:
        self.positions[symbol] = self.positions.get(symbol, 0.0) + signed_quantity

    def series(self, symbol: str, timeframe: str) -> BarSeries:
        """The bars of ``symbol`` and ``timeframe`` fed so far (empty before the first)."""
        key = (symbol, timeframe)
        found = self._series.get(key)
        if found is None:
            found = self._series[key] = BarSeries()
        return found

    def take_bar(self, bar: Bar) -> bool:
        """Append ``bar`` to its series; False (and nothing appended) if it is not newer than
        the last bar fed for its symbol and timeframe."""
        key = (bar.symbol, bar.timeframe)
        if bar.start <= self._last_bar.get(key, -1):
            return False
        self._last_bar[key] = bar.start
        self.series(bar.symbol, bar.timeframe).append(bar)
        return True

    def forget_bars(self) -> None:
        """For a new strategy object: its next start warms it up fully."""
        self._series.clear()
        self._last_bar.clear()
