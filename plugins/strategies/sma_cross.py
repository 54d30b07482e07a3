"""Moving-average crossover: long when the fast average of closes is above the slow one."""

from __future__ import annotations

import msgspec

from terminal.domain.market import Bar
from terminal.engine.strategy import Strategy


class SmaCrossParams(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    fast: int = 5
    slow: int = 20
    quantity: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < self.fast < self.slow:
            raise ValueError(f"need 0 < fast < slow, got fast={self.fast}, slow={self.slow}")


class SmaCross(Strategy):
    """Goes long ``quantity`` on a golden cross and flat on a death cross (1-minute bars)."""

    plugin_name = "sma_cross"
    Params = SmaCrossParams
    variables = ("fast_ma", "slow_ma")

    def on_start(self) -> None:
        self.fast_ma = self.slow_ma = float("nan")
        self.log(f"started on {self.symbol} with fast={self.params.fast} slow={self.params.slow}")

    def on_bar(self, bar: Bar) -> None:
        closes = self.bars().close
        if len(closes) < self.params.slow:
            return
        self.fast_ma = float(closes[-self.params.fast :].mean())
        self.slow_ma = float(closes[-self.params.slow :].mean())
        fast, slow = self.fast_ma, self.slow_ma
        if fast > slow and self.position <= 0:
            self.buy(self.params.quantity, reason=f"golden cross: SMA{self.params.fast} "
                     f"{self.price_text(fast)} > SMA{self.params.slow} {self.price_text(slow)}")
        elif fast < slow and self.position > 0:
            self.sell(self.position, reason=f"death cross: SMA{self.params.fast} "
                      f"{self.price_text(fast)} < SMA{self.params.slow} {self.price_text(slow)}")


PLUGIN = SmaCross
