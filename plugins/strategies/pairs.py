"""Pairs trading on two symbols: trade the z-score of their log-price spread.

The spread is ``ln(first) - hedge_ratio * ln(second)``. Its mean and standard deviation come
from the last ``window`` closed bars that both legs have (same bar start); the z-score of the
current spread is checked on every tick of either leg, from the two last prices.

- z at or above ``entry_z``: the first leg is rich, so short the spread (sell the first leg,
  buy the second); at or below ``-entry_z``: long the spread (buy the first, sell the second).
- |z| back at or below ``exit_z``: flat in both legs. A z beyond ``entry_z`` on the other side
  reverses both legs in one step.

The first leg trades ``quantity``; the second is sized to the same notional (price times
multiplier) times ``hedge_ratio``, rounded to its lot size. While an order of either leg is
working, no new decision is taken.
"""

from __future__ import annotations

import math

import msgspec
import numpy as np

from terminal.domain.market import Bar, Tick
from terminal.domain.orders import Fill
from terminal.engine.strategy import Strategy


class PairsParams(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    window: int = 60
    """Closed bars (present in both legs) in the spread's mean and standard deviation."""
    entry_z: float = 2.0
    """Enter when the spread's z-score reaches this (either sign)."""
    exit_z: float = 0.5
    """Go flat when |z| is back at or below this."""
    quantity: float = 1.0
    """Size of the first leg; the second is sized to the same notional."""
    hedge_ratio: float = 1.0
    """β in ln(first) − β·ln(second), and the second leg's notional relative to the first."""

    def __post_init__(self) -> None:
        if self.window < 5:
            raise ValueError(f"window must be at least 5 bars, got {self.window}")
        if not 0 <= self.exit_z < self.entry_z:
            raise ValueError(
                f"need 0 <= exit_z < entry_z, got exit_z={self.exit_z}, entry_z={self.entry_z}"
            )
        if self.quantity <= 0:
            raise ValueError(f"quantity must be positive, got {self.quantity}")
        if self.hedge_ratio <= 0:
            raise ValueError(f"hedge_ratio must be positive, got {self.hedge_ratio}")


class PairsSpread(Strategy):
    """Long one leg and short the other when their spread is stretched; flat when it is back."""

    plugin_name = "pairs"
    Params = PairsParams
    min_symbols = max_symbols = 2
    variables = ("zscore", "spread_mean", "spread_std", "side")
    plain_variables = ("zscore", "spread_mean", "spread_std")  # of log prices: no price

    def on_start(self) -> None:
        self.spread_mean = self.spread_std = self.zscore = math.nan
        self.stats_start = -1
        self.side = self._side_name(self._held_side())

    def on_bar(self, bar: Bar) -> None:
        first, second = self.symbols
        a, b = self.bars(bar.timeframe, first), self.bars(bar.timeframe, second)
        if a.last is None or b.last is None or a.last.start != b.last.start:
            return  # the other leg's bar of this minute has not closed yet
        if a.last.start == self.stats_start:
            return
        self.stats_start = a.last.start
        window = self.params.window
        _, ia, ib = np.intersect1d(a.start, b.start, assume_unique=True, return_indices=True)
        if len(ia) < window:
            return
        spread = np.log(a.close[ia[-window:]]) - self.params.hedge_ratio * np.log(
            b.close[ib[-window:]]
        )
        self.spread_mean = float(spread.mean())
        self.spread_std = float(spread.std(ddof=1))
        self._decide(a.last.close, b.last.close)

    def on_tick(self, tick: Tick) -> None:
        first, second = self.symbols
        price_a, price_b = self.last_price(first), self.last_price(second)
        if price_a and price_b:
            self._decide(price_a, price_b)

    def _decide(self, price_a: float, price_b: float) -> None:
        p = self.params
        if not self.spread_std > 0:  # no statistics yet (or a flat spread)
            return
        spread = math.log(price_a) - p.hedge_ratio * math.log(price_b)
        self.zscore = z = (spread - self.spread_mean) / self.spread_std
        if self.working_orders:
            return  # a leg is still in flight: decide again once it is done
        held = self._held_side()
        if z >= p.entry_z:
            wanted = -1
        elif z <= -p.entry_z:
            wanted = 1
        elif abs(z) <= p.exit_z:
            wanted = 0
        else:
            wanted = held
        if wanted == held:
            return
        first, second = self.symbols
        why = f"z {z:+.2f} ({self._side_name(wanted)})"
        self.set_target_position(wanted * p.quantity, reason=why, symbol=first)
        self.set_target_position(
            -wanted * self._hedge_quantity(price_a, price_b), reason=why, symbol=second
        )

    def on_fill(self, fill: Fill) -> None:
        self.side = self._side_name(self._held_side())

    def _hedge_quantity(self, price_a: float, price_b: float) -> float:
        first, second = (self.instrument(s) for s in self.symbols)
        notional = self.params.quantity * price_a * first.multiplier * self.params.hedge_ratio
        lot = second.lot_size or 1.0
        lots = max(1, round(notional / (price_b * second.multiplier) / lot))
        return round(lots * lot, 10)

    def _held_side(self) -> int:
        position = self.position_of(self.symbols[0])
        return (position > 0) - (position < 0)

    @staticmethod
    def _side_name(side: int) -> str:
        return {1: "long spread", -1: "short spread", 0: "flat"}[side]


PLUGIN = PairsSpread
