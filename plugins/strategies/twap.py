"""TWAP execution helper: splits one parent order into equal slices over time."""

from __future__ import annotations

from typing import Literal

import msgspec

from terminal.domain.market import Tick
from terminal.domain.orders import Fill
from terminal.engine.strategy import Strategy

SECOND_NS = 1_000_000_000


class TwapParams(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    side: Literal["buy", "sell"] = "buy"
    quantity: float = 10.0
    """The parent order's total quantity."""
    slices: int = 10
    interval_s: float = 60.0
    """Seconds between two slices."""
    limit: bool = False
    """Slices as limit orders at the best opposite price (else market orders)."""

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise ValueError(f"quantity must be positive, got {self.quantity}")
        if self.slices < 1:
            raise ValueError(f"slices must be at least 1, got {self.slices}")
        if self.interval_s <= 0:
            raise ValueError(f"interval_s must be positive, got {self.interval_s}")


class Twap(Strategy):
    """Sends ``slices`` child orders of ``quantity / slices``, one every ``interval_s``, on the
    first tick at or after each slice time; the last slice takes the rounding rest. Times are
    the ticks' own, so a replay slices exactly as live."""

    plugin_name = "twap"
    Params = TwapParams
    warmup_bars = 0
    variables = ("sent", "filled", "slices_sent")
    plain_variables = ("sent", "filled")  # quantities

    def on_start(self) -> None:
        self.sent = self.filled = 0.0
        self.slices_sent = 0
        self.next_slice_ns = 0

    def on_tick(self, tick: Tick) -> None:
        p = self.params
        if self.slices_sent >= p.slices or tick.ts < self.next_slice_ns:
            return
        self.slices_sent += 1
        size = p.quantity / p.slices
        if self.slices_sent == p.slices:
            size = p.quantity - self.sent
        self.sent += size
        self.next_slice_ns = tick.ts + int(p.interval_s * SECOND_NS)
        price = (tick.ask if p.side == "buy" else tick.bid) if p.limit else None
        order = self.buy if p.side == "buy" else self.sell
        order(size, price, reason=f"TWAP slice {self.slices_sent}/{p.slices} of {p.quantity:g}")
        if self.slices_sent == p.slices:
            self.log(f"TWAP: all {p.slices} slices sent ({self.sent:g})")

    def on_fill(self, fill: Fill) -> None:
        self.filled += fill.quantity


PLUGIN = Twap
