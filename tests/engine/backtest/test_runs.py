"""Whole backtests: the same inputs give the same files byte for byte; warm-up as live; a
strategy that raises stops its run with the traceback; several symbols and timeframes."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from terminal.domain.market import Bar
from terminal.engine.indicators import SMA
from terminal.engine.strategy import Strategy
from tests.engine.backtest.helpers import (
    MINUTE_NS,
    STOCK,
    T0,
    fills_of,
    flat,
    frame,
    run,
    scripted,
    walk,
)


class Crossing(Strategy):
    """Long 10 while SMA(5) is above SMA(20), flat otherwise."""

    plugin_name = "crossing"
    warmup_bars = 25

    def on_start(self) -> None:
        self.fast, self.slow = self.indicator(SMA(5)), self.indicator(SMA(20))

    def on_bar(self, bar: Bar) -> None:
        if self.fast.value > self.slow.value and self.position == 0:
            self.buy(10)
        elif self.fast.value < self.slow.value and self.position > 0:
            self.sell(self.position)


def test_the_same_inputs_give_the_same_files_byte_for_byte(tmp_path: Path) -> None:
    bars = frame(walk(3000))
    first, second = run(Crossing, bars), run(Crossing, bars)
    assert len(first.fills) > 50
    written = [first.write(tmp_path / "a"), second.write(tmp_path / "b")]
    for a, b in zip(*written, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_warm_up_feeds_history_and_refuses_its_orders() -> None:
    plan = scripted({n: (lambda s: s.buy(1)) for n in range(6)}, warmup_bars=4)
    result = run(plan, frame(flat(10)))
    assert [phase for _, phase in plan.seen] == [True] * 4 + [False] * 6
    # Bars 0–3 were history (their buys refused, never orders); 4 and 5 traded at 5 and 6.
    assert [n for n, *_ in fills_of(result)] == [5, 6]
    assert "a warm-up signal never becomes an order" in "\n".join(result.log)
    # The report covers the bars after the warm-up.
    assert result.times[0] == T0 + 4 * MINUTE_NS and len(result.times) == 6


def test_warmup_given_for_the_run_replaces_the_classes() -> None:
    plan = scripted({n: (lambda s: s.buy(1)) for n in range(3)}, warmup_bars=4)
    result = run(plan, frame(flat(10)), warmup=1)
    assert [phase for _, phase in plan.seen][:2] == [True, False]
    assert [n for n, *_ in fills_of(result)] == [2, 3]


def test_a_warm_up_as_long_as_the_range_is_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match=r"warm-up of 10 bars takes every 1m bar of T\.LOCAL"):
        run(scripted({}), frame(flat(10)), warmup=10)


class Explodes(Strategy):
    plugin_name = "explodes"
    warmup_bars = 0

    def on_start(self) -> None:
        self.count = 0

    def on_bar(self, bar: Bar) -> None:
        self.count += 1
        if self.count == 1:
            self.buy(1)
        if self.count == 5:
            raise RuntimeError(f"signal broke on the bar at {bar.close:g}")


def test_a_strategy_that_raises_stops_its_backtest_with_the_traceback() -> None:
    result = run(Explodes, frame(flat(50)))
    assert not result.ok
    assert "RuntimeError: signal broke on the bar at 10" in result.error
    assert "Traceback (most recent call last)" in result.error
    assert 'in on_bar\n    raise RuntimeError(f"signal broke' in result.error
    assert len(result.fills) == 1  # the buy before the error; nothing after it
    assert result.summary()["error"] == result.error


class TwoLegs(Strategy):
    plugin_name = "two_legs"
    timeframes = ("1m", "5m")
    min_symbols = max_symbols = 2
    warmup_bars = 0
    order: ClassVar[list[tuple[str, str, int]]] = []

    def on_bar(self, bar: Bar) -> None:
        self.order.append((bar.symbol, bar.timeframe, (bar.start - T0) // MINUTE_NS))


def test_several_symbols_and_timeframes_come_in_the_order_they_close() -> None:
    other = STOCK.__class__("U.LOCAL", "Other", "LOCAL", STOCK.asset_class, tick_size=0.01)
    bars = {"T.LOCAL": frame(flat(10)), "U.LOCAL": frame(flat(10, 20.0))}
    TwoLegs.order = []
    run(TwoLegs, bars, instruments=[STOCK, other])
    assert TwoLegs.order[:11] == [
        ("T.LOCAL", "1m", 0), ("U.LOCAL", "1m", 0), ("T.LOCAL", "1m", 1), ("U.LOCAL", "1m", 1),
        ("T.LOCAL", "1m", 2), ("U.LOCAL", "1m", 2), ("T.LOCAL", "1m", 3), ("U.LOCAL", "1m", 3),
        ("T.LOCAL", "1m", 4), ("U.LOCAL", "1m", 4), ("T.LOCAL", "5m", 0),
    ]  # fmt: skip
    assert len(TwoLegs.order) == 24  # 2 × 10 one-minute bars, 2 × 2 five-minute ones


def test_a_finer_timeframe_than_the_bars_loaded_is_refused() -> None:
    class Minutes(Strategy):
        plugin_name = "minutes"

    with pytest.raises(ValueError, match="takes 1m bars, finer than the 1d bars loaded"):
        run(Minutes, frame(flat(5), step=86_400 * 10**9), timeframe="1d")
