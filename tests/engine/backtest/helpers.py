"""Hand-made bars and scripted strategies for the strategy tester's tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, ClassVar

import msgspec
import numpy as np
import pandas as pd

from terminal.domain.enums import AssetClass
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar
from terminal.domain.orders import Fill
from terminal.engine.backtest.data import BacktestData
from terminal.engine.backtest.result import BacktestResult
from terminal.engine.backtest.run import run_backtest
from terminal.engine.backtest.settings import BacktestSection
from terminal.engine.config import Config
from terminal.engine.indicators import SMA
from terminal.engine.strategy import Strategy

MINUTE_NS = 60_000_000_000
DAY_NS = 86_400_000_000_000
T0 = 1_704_153_600_000_000_000  # 2024-01-02 00:00 UTC, a Tuesday
STOCK = Instrument("T.LOCAL", "Test", "LOCAL", AssetClass.STOCK, tick_size=0.01)
FUTURE = Instrument("F.LOCAL", "Future", "LOCAL", AssetClass.FUTURE, tick_size=0.5,
                    multiplier=10.0, margin_rate=0.1)  # fmt: skip

Action = Callable[[Strategy], Any]


def frame(
    rows: Sequence[tuple[float, float, float, float]],
    start: int = T0,
    step: int = MINUTE_NS,
    starts: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Bars from (open, high, low, close) rows, ``step`` apart from ``start``."""
    stamps = list(starts) if starts is not None else [start + k * step for k in range(len(rows))]
    return pd.DataFrame(
        {"start": stamps, "open": [r[0] for r in rows], "high": [r[1] for r in rows],
         "low": [r[2] for r in rows], "close": [r[3] for r in rows], "volume": 100.0}
    )  # fmt: skip


def flat(count: int, price: float = 10.0) -> list[tuple[float, float, float, float]]:
    return [(price, price, price, price)] * count


class Scripted(Strategy):
    """Does ``plan[n]`` on the n-th bar it is handed (0-based); keeps what it saw in the
    class's ``seen`` and ``filled`` (the test reads them after the run)."""

    plugin_name = "scripted"
    warmup_bars = 0
    plan: ClassVar[dict[int, Action]] = {}
    seen: ClassVar[list[tuple[Bar, bool]]] = []
    filled: ClassVar[list[Fill]] = []

    def on_bar(self, bar: Bar) -> None:
        n = len(self.seen)
        self.seen.append((bar, self.history_phase))
        action = self.plan.get(n)
        if action is not None:
            action(self)

    def on_fill(self, fill: Fill) -> None:
        self.filled.append(fill)


def scripted(plan: dict[int, Action], **attributes: Any) -> type[Scripted]:
    """A Scripted class of its own (its own ``seen`` and ``filled``)."""
    return type("Plan", (Scripted,), {"plan": plan, "seen": [], "filled": [], **attributes})


def run(
    cls: type[Strategy],
    frames: dict[str, pd.DataFrame] | pd.DataFrame,
    *,
    instruments: Sequence[Instrument] = (STOCK,),
    timeframe: str = "1m",
    params: dict[str, Any] | None = None,
    settings: BacktestSection | None = None,
    config: Config | None = None,
    capital: float | None = None,
    warmup: int = -1,
) -> BacktestResult:
    if isinstance(frames, pd.DataFrame):
        frames = {instruments[0].symbol: frames}
    known = {i.symbol: i for i in instruments}
    data = BacktestData(frames, timeframe, cls.timeframes, known)
    config = config or Config()
    return run_backtest(
        cls, params or {}, data, config=config, settings=settings or config.backtest,
        instruments=known, capital=capital, warmup=warmup,
    )  # fmt: skip


def fills_of(result: BacktestResult) -> list[tuple[int, str, float, float]]:
    """(bar index from T0 in minutes, side, quantity, price) of each fill."""
    return [((f.ts - T0) // MINUTE_NS, f.side.value, f.quantity, f.price) for f in result.fills]


class CrossParams(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    fast: Annotated[int, msgspec.Meta(ge=2, le=8)] = 5
    slow: int = 20
    quantity: float = 10.0

    def __post_init__(self) -> None:
        if not 0 < self.fast < self.slow:
            raise ValueError(f"need 0 < fast < slow, got fast={self.fast}, slow={self.slow}")


class Crosses(Strategy):
    """Long ``quantity`` while SMA(fast) is above SMA(slow), flat otherwise."""

    plugin_name = "crosses"
    Params = CrossParams
    warmup_bars = 25

    def on_start(self) -> None:
        self.fast = self.indicator(SMA(self.params.fast))
        self.slow = self.indicator(SMA(self.params.slow))

    def on_bar(self, bar: Bar) -> None:
        if self.fast.value > self.slow.value and self.position == 0:
            self.buy(self.params.quantity)
        elif self.fast.value < self.slow.value and self.position > 0:
            self.sell(self.position)


def walk(n: int, seed: int = 3) -> list[tuple[float, float, float, float]]:
    """A seeded random walk around 20, as (open, high, low, close) rows."""
    rng = np.random.default_rng(seed)
    close = np.round(20 * np.exp(np.cumsum(rng.normal(0, 0.002, n))), 2)
    opens = np.r_[20.0, close[:-1]]
    return [(o, max(o, c) + 0.01, min(o, c) - 0.01, c) for o, c in zip(opens, close, strict=True)]
