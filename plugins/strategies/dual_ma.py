"""Dual moving average crossover, long and short: reverses on the opposite cross."""

from __future__ import annotations

import msgspec

from terminal.domain.market import Bar
from terminal.engine.strategy import Strategy


class DualMaParams(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    fast: int = 10
    """Bars in the fast average of closes."""
    slow: int = 20
    """Bars in the slow average of closes."""
    quantity: float = 1.0
    """Size of the position held, long or short."""

    def __post_init__(self) -> None:
        if not 0 < self.fast < self.slow:
            raise ValueError(f"need 0 < fast < slow, got fast={self.fast}, slow={self.slow}")
        if self.quantity <= 0:
            raise ValueError(f"quantity must be positive, got {self.quantity}")


class DualMa(Strategy):
    """Long ``quantity`` after the fast average crosses above the slow one, short after it
    crosses below; each cross reverses the position in one order (as in the common CTA
    examples). Signals are taken on closed 1-minute bars."""

    plugin_name = "dual_ma"
    Params = DualMaParams
    variables = ("fast_ma", "slow_ma", "signal")

    def on_start(self) -> None:
        self.fast_ma = self.slow_ma = float("nan")
        self.signal = "none"

    def on_bar(self, bar: Bar) -> None:
        closes = self.bars(bar.timeframe).close
        p = self.params
        if len(closes) < p.slow + 1:
            return
        fast_now, slow_now = closes[-p.fast :].mean(), closes[-p.slow :].mean()
        fast_before, slow_before = closes[-p.fast - 1 : -1].mean(), closes[-p.slow - 1 : -1].mean()
        self.fast_ma, self.slow_ma = float(fast_now), float(slow_now)
        crossed_up = fast_before <= slow_before and fast_now > slow_now
        crossed_down = fast_before >= slow_before and fast_now < slow_now
        if crossed_up:
            self.signal = "long"
            self.set_target_position(
                p.quantity, reason=f"fast MA {self.price_text(fast_now)} crossed above slow "
                f"{self.price_text(slow_now)}"
            )
        elif crossed_down:
            self.signal = "short"
            self.set_target_position(
                -p.quantity, reason=f"fast MA {self.price_text(fast_now)} crossed below slow "
                f"{self.price_text(slow_now)}"
            )


PLUGIN = DualMa
