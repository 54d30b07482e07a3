"""Indicators a strategy declares: live (pushed bar by bar through the runner) and in a
backtest (computed once over the run) they give the same values, bit for bit; and the bars a
strategy reads are the same arrays both ways."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from terminal.domain.enums import PluginKind
from terminal.domain.events import BarEvent
from terminal.domain.market import Bar
from terminal.engine import journal as j
from terminal.engine.indicators import EMA, MACD, RSI, SMA, Bollinger
from terminal.engine.replay.host import ReplayHost
from terminal.engine.strategy import Strategy
from terminal.engine.strategy.runner import StrategyRunner
from tests.engine.backtest.helpers import STOCK, frame, run, walk


class Records(Strategy):
    """Writes down, on every bar, what its declared indicators and its bars read."""

    plugin_name = "records"
    warmup_bars = 30
    rows: ClassVar[list[tuple[Any, ...]]] = []

    def on_start(self) -> None:
        self.sma = self.indicator(SMA(7))
        self.ema = self.indicator(EMA(12))
        self.bands = self.indicator(Bollinger(20, 2.0))
        self.macd = self.indicator(MACD(12, 26, 9))
        self.rsi = self.indicator(RSI(14))
        assert self.indicator(SMA(7)) is self.sma  # declared twice: the same line

    def on_bar(self, bar: Bar) -> None:
        closes = self.bars().close
        self.rows.append((
            bar.start, self.history_phase, self.sma.value, self.sma.ago(1), self.ema.value,
            self.bands.output("upper"), self.bands.output("lower"), self.macd.output("signal"),
            self.macd.ago(2, "hist"), self.rsi.value, float(closes[-5:].sum()), len(closes),
            float(self.sma.history()[-1]) if len(self.sma.history()) else None,
        ))  # fmt: skip


class Registry:
    def get(self, kind: PluginKind, name: str) -> type[Any] | None:
        return Records if name == "records" else None


def live_rows(bars: list[Bar]) -> list[tuple[Any, ...]]:
    """The strategy fed as the live engine feeds it: warm-up history, then closed bars."""
    Records.rows = []
    host = ReplayHost(Registry(), j.SetupRec(0, [STOCK], ["b"]), [])
    runner = StrategyRunner(host)
    runner.add("live", "records", STOCK.symbol, "b", {}, -1)
    runner.start("live", history=bars[:30])
    for bar in bars[30:]:
        runner.accept(bar.start + 60_000_000_000, BarEvent(bar, closed=True))
    return Records.rows


def test_declared_indicators_and_bars_read_the_same_live_and_in_a_backtest() -> None:
    bars_frame = frame(walk(600, seed=5))
    Records.rows = []
    result = run(Records, bars_frame)
    assert result.ok, result.error
    backtest = Records.rows
    bars = [Bar(STOCK.symbol, "1m", int(r.start), r.open, r.high, r.low, r.close, r.volume)
            for r in bars_frame.itertuples()]  # fmt: skip
    live = live_rows(bars)
    assert len(backtest) == len(live) == 600
    for got, expected in zip(backtest, live, strict=True):
        assert repr(got) == repr(expected)  # NaN and all, bit for bit


def test_reading_an_output_it_does_not_have_names_the_ones_it_has() -> None:
    class Asks(Strategy):
        plugin_name = "asks"
        warmup_bars = 0

        def on_start(self) -> None:
            self.line = self.indicator(SMA(3))

        def on_bar(self, bar: Bar) -> None:
            self.line.output("upper")

    result = run(Asks, frame(walk(5)))
    assert "KeyError: \"SMA(3) has no output 'upper' (it has sma)\"" in result.error


def test_an_indicator_on_a_timeframe_it_does_not_take_is_refused() -> None:
    class Wrong(Strategy):
        plugin_name = "wrong"

        def on_start(self) -> None:
            self.indicator(SMA(3), timeframe="5m")

    with pytest.raises(ValueError, match="timeframe '5m' is not one of wrong's timeframes"):
        Wrong("w", STOCK.symbol, "b", _Context(), None).on_start()


class _Context:
    def submit(self, request: Any) -> str:
        return ""

    def cancel(self, order_id: str) -> None: ...

    def log(self, message: str, level: str = "INFO") -> None: ...

    def instrument(self, symbol: str) -> Any:
        return STOCK
