"""Indicators a strategy declares once (``self.indicator(SMA(10))``) and reads on every bar.

The runtime advances each declared indicator as it feeds the strategy a bar of its series.
Live, the indicator is primed on the bars fed so far and then pushed one close at a time. In a
backtest, where the series' columns are known beforehand, it is computed over the whole run in
one vectorised pass, and the series sets each bar's value as it is fed (no call per bar). The
two give the same values bit for bit (``terminal.engine.indicators`` steps live exactly as it
computes at once), so a strategy decides the same way in both; reading ``value`` costs an
attribute read either way.
"""

from __future__ import annotations

import math

import numpy as np

from terminal.domain.market import Bar
from terminal.engine.indicators import Indicator
from terminal.engine.strategy.bar_series import CAPACITY, BarSeries, ColumnBarSeries


class IndicatorLine:
    """One declared indicator on one symbol and timeframe.

    ``value`` is its first output on the last bar fed (NaN until it has enough bars);
    :meth:`output` reads any output, :meth:`ago` an earlier bar's value, :meth:`history` the
    values so far as an array."""

    __slots__ = ("_columns", "_fed", "_lists", "_offset", "first", "indicator", "value")

    def __init__(self, indicator: Indicator, series: BarSeries) -> None:
        self.indicator = indicator
        self.value = math.nan
        """The first output on the last bar fed."""
        self._offset = 0  # live lists drop their oldest values; this counts what was dropped
        self._columns: ColumnBarSeries | None = None
        if isinstance(series, ColumnBarSeries):
            # A backtest: every close of the run is known; compute once, and the series sets
            # ``value`` from ``first`` as it feeds each bar.
            computed = indicator.compute(series.columns.close)
            self._columns = series
            series.lines.append(self)
        else:
            computed = indicator.compute(series.close)  # primes the live state, too
        self._lists = {name: computed[name].tolist() for name in indicator.outputs}
        self.first: list[float] = self._lists[indicator.outputs[0]]
        """The first output's values (in a backtest, over the whole run)."""
        self._fed = len(self.first) if self._columns is None else 0
        if self.fed:
            self.value = self.first[self.fed - 1 - self._offset]

    @property
    def fed(self) -> int:
        """Bars fed to the line so far."""
        return self._columns.fed if self._columns is not None else self._fed

    def advance(self, bar: Bar) -> None:
        """Live: the runtime fed ``bar`` to this line's series; push its close. (In a backtest
        the series sets ``value`` itself.)"""
        for name, value in self.indicator.push(bar.close).items():
            self._lists[name].append(value)
        self._fed += 1
        first = self.first
        if len(first) > 2 * CAPACITY:  # live runs for months: trim in chunks
            cut = len(first) - CAPACITY
            for values in self._lists.values():
                del values[:cut]
            self._offset += cut
        self.value = first[-1]

    def output(self, name: str) -> float:
        """Output ``name`` (e.g. "upper" of Bollinger bands) on the last bar fed."""
        return self.ago(0, name)

    def ago(self, bars: int, name: str | None = None) -> float:
        """The value ``bars`` bars before the last one fed (0: the last), NaN before the
        first bar or beyond what is kept."""
        values = self._values(name)
        index = self.fed - 1 - bars - self._offset
        return values[index] if 0 <= index < len(values) else math.nan

    def history(self, name: str | None = None) -> np.ndarray:
        """Values on the bars fed so far (the last ``capacity`` of them), oldest first."""
        values = self._values(name)
        end = self.fed - self._offset
        return np.array(values[max(0, end - CAPACITY) : end], np.float64)

    def _values(self, name: str | None) -> list[float]:
        if name is None:
            return self.first
        try:
            return self._lists[name]
        except KeyError:
            raise KeyError(
                f"{self.indicator.label} has no output '{name}' "
                f"(it has {', '.join(self.indicator.outputs)})"
            ) from None
