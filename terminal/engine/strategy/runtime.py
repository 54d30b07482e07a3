"""What the runner keeps up to date for one strategy instance, and its strategy only reads.

The runner owns one ``StrategyRuntime`` per instance and writes it as it delivers events: the
instance's positions (from its fills), its working orders, the last price of each symbol, the
bars fed so far, whether warm-up history is being fed and the time of the event being handled.
The ``Strategy`` object reads it through its public properties (``position``,
``working_orders``, ``bars``, ``last_price``, ``history_phase``, ``now_ns``…) and never writes
it, so the runner needs no access to a strategy's own attributes.

In a backtest the runtime is given the run's bar columns (``columns``): its series are then
windows over them, and the indicators a strategy declares are computed once over the whole run
(``indicator_line.py``).

A runtime outlives the strategy objects of its instance: an edit or a reload builds a new
object on the same runtime, which keeps the positions, orders and prices, and forgets the bars
(the new object is fed its own warm-up).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from terminal.domain.market import Bar
from terminal.domain.orders import Order
from terminal.engine.indicators import Indicator
from terminal.engine.strategy.bar_series import BarColumns, BarSeries, ColumnBarSeries
from terminal.engine.strategy.indicator_line import IndicatorLine

ColumnSource = Callable[[str, str], BarColumns | None]
"""(symbol, timeframe) → every bar of a backtest's run, None when there are none (live)."""


class StrategyRuntime:
    """The state of one instance that events change; written by the runner only."""

    def __init__(
        self,
        symbols: Sequence[str],
        positions: Mapping[str, float] | None = None,
        columns: ColumnSource | None = None,
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
        self._columns = columns
        self._fed: dict[tuple[str, str], _Fed] = {}

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
        return self._slot(symbol, timeframe).series

    def _slot(self, symbol: str, timeframe: str) -> _Fed:
        key = (symbol, timeframe)
        found = self._fed.get(key)
        if found is None:
            columns = self._columns(symbol, timeframe) if self._columns is not None else None
            found = self._fed[key] = _Fed(
                BarSeries() if columns is None else ColumnBarSeries(columns)
            )
        return found

    def indicator(self, symbol: str, timeframe: str, indicator: Indicator) -> IndicatorLine:
        """``indicator`` on the bars of ``symbol`` and ``timeframe``, advanced with every bar
        fed from now on; declaring an equal one again returns the line already there."""
        slot = self._slot(symbol, timeframe)
        for line in slot.lines:
            if line.indicator == indicator:
                return line
        line = IndicatorLine(indicator, slot.series)
        slot.lines.append(line)
        if not isinstance(slot.series, ColumnBarSeries):  # a backtest's series advances its own
            slot.live_lines.append(line)
        return line

    def take_bar(self, bar: Bar) -> bool:
        """Append ``bar`` to its series and advance its indicators; False (and nothing
        appended) if it is not newer than the last bar fed for its symbol and timeframe."""
        slot = self._fed.get((bar.symbol, bar.timeframe)) or self._slot(bar.symbol, bar.timeframe)
        if bar.start <= slot.last_start:
            return False
        slot.last_start = bar.start
        slot.series.append(bar)
        for line in slot.live_lines:
            line.advance(bar)
        return True

    def forget_bars(self) -> None:
        """For a new strategy object: its next start warms it up fully (and declares its
        indicators again)."""
        self._fed.clear()


class _Fed:
    """What was fed of one symbol and timeframe: its series, the start of its last bar (the
    seam between warm-up and live, where the same bar may come twice) and its indicators."""

    __slots__ = ("last_start", "lines", "live_lines", "series")

    def __init__(self, series: BarSeries) -> None:
        self.series = series
        self.last_start = -1
        self.lines: list[IndicatorLine] = []
        self.live_lines: list[IndicatorLine] = []
        """The lines pushed bar by bar (live); a backtest's series sets its lines' values."""
