"""Channel breakout with a protective stop, long and short."""

from __future__ import annotations

import msgspec

from terminal.domain.enums import Side
from terminal.domain.market import Bar
from terminal.domain.orders import Fill
from terminal.engine.strategy import Strategy


class BreakoutParams(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    window: int = 20
    """Bars in the channel: a close beyond its high (low) enters long (short)."""
    stop_pct: float = 1.0
    """Protective stop, in percent of the entry price."""
    quantity: float = 1.0

    def __post_init__(self) -> None:
        if self.window < 2:
            raise ValueError(f"window must be at least 2, got {self.window}")
        if not 0 < self.stop_pct < 50:
            raise ValueError(f"stop_pct must be in (0, 50), got {self.stop_pct}")
        if self.quantity <= 0:
            raise ValueError(f"quantity must be positive, got {self.quantity}")


class Breakout(Strategy):
    """Enters when a bar closes outside the previous ``window`` bars' range, then protects the
    position with a stop ``stop_pct`` away from the fill price. Flat again when the stop fills;
    one position at a time."""

    plugin_name = "breakout"
    Params = BreakoutParams
    variables = ("channel_high", "channel_low", "stop_price")

    def on_start(self) -> None:
        self.channel_high = self.channel_low = self.stop_price = float("nan")
        self.entry_id = ""
        self.stop_id = ""

    def on_bar(self, bar: Bar) -> None:
        series = self.bars(bar.timeframe)
        window = self.params.window
        if len(series) < window + 1:
            return
        self.channel_high = float(series.high[-window - 1 : -1].max())
        self.channel_low = float(series.low[-window - 1 : -1].min())
        if self.position != 0 or self.working_orders:
            return
        if bar.close > self.channel_high:
            self.entry_id = self.buy(
                self.params.quantity, reason=f"close {self.price_text(bar.close)} above "
                f"{window}-bar high {self.price_text(self.channel_high)}"
            )
        elif bar.close < self.channel_low:
            self.entry_id = self.sell(
                self.params.quantity, reason=f"close {self.price_text(bar.close)} below "
                f"{window}-bar low {self.price_text(self.channel_low)}"
            )

    def on_fill(self, fill: Fill) -> None:
        if fill.order_id == self.entry_id and self.position != 0 and not self.stop_id:
            long = self.position > 0
            distance = fill.price * self.params.stop_pct / 100.0
            self.stop_price = fill.price - distance if long else fill.price + distance
            self.stop_id = self.stop_order(
                Side.SELL if long else Side.BUY,
                abs(self.position),
                self.stop_price,
                reason=f"protective stop {self.params.stop_pct:g}% from entry "
                f"{self.price_text(fill.price)}",
            )
        elif fill.order_id == self.stop_id and self.position == 0:
            self.log(f"stopped out at {self.price_text(fill.price)}")
            self.entry_id = self.stop_id = ""
            self.stop_price = float("nan")


PLUGIN = Breakout
