"""One backtest: a strategy class and its parameters over a :class:`BacktestData`.

The run adds one instance to a :class:`StrategyRunner` on a :class:`BacktestHost`, starts it on
the first ``warmup`` bars as history (``history_phase`` set, orders refused), then moves the
clock bar by bar: at a base bar's start the simulated broker tries the working orders on it
(their fills reach the strategy as live, through the book, the portfolio and the runner); at a
bar's close the runner delivers it. An exception in the strategy stops the run; its traceback
is the result's ``error``. The same inputs give the same fills, byte for byte: nothing reads
the wall clock or a random source.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from terminal.domain.enums import PluginKind, StrategyState
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar
from terminal.engine.backtest.data import BacktestData, SeriesData, event_order
from terminal.engine.backtest.host import BROKER, BacktestHost
from terminal.engine.backtest.result import BacktestResult, collect_result
from terminal.engine.backtest.settings import BacktestSection
from terminal.engine.config import Config
from terminal.engine.strategy.base import Strategy
from terminal.engine.strategy.instance import StrategyInstance
from terminal.engine.strategy.runner import StrategyRunner

INSTANCE = "backtest"
CHECK_EVERY = 8192
"""Events between two progress reports and cancel checks."""

Progress = Callable[[int, int], None]
"""(bars done, bars in all)."""


class Cancelled(Exception):
    """The run was cancelled (what ran so far is discarded)."""


class _OneStrategy:
    """The runner's registry in a backtest: the one class being tested."""

    def __init__(self, cls: type[Strategy]) -> None:
        self._cls = cls

    def get(self, kind: PluginKind, name: str) -> type[Any] | None:
        return self._cls if kind is PluginKind.STRATEGY and name == self._cls.plugin_name else None


def run_backtest(
    cls: type[Strategy],
    params: Mapping[str, Any],
    data: BacktestData,
    *,
    config: Config,
    settings: BacktestSection,
    instruments: Mapping[str, Instrument],
    capital: float | None = None,
    warmup: int = -1,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BacktestResult:
    """Run ``cls`` with ``params`` over ``data``; raises :class:`Cancelled` when
    ``cancelled()`` turns true, ``ValueError`` for parameters or symbols the class refuses."""
    started = time.perf_counter()
    capital = settings.capital if capital is None else capital
    lacking = [f"{s} {tf}" for s in data.symbols for tf in cls.timeframes
               if (s, tf) not in data.series]  # fmt: skip
    if lacking:
        raise ValueError(f"{cls.plugin_name} takes bars the backtest has not: {', '.join(lacking)}")
    keys, which, index, ends = event_order(data)
    total = len(which)
    first = data.series[keys[0]].columns.starts[0] if total else 0
    host = BacktestHost(config, settings, instruments, _OneStrategy(cls), first, capital)
    for symbol in data.symbols:
        host.broker.prepare(host.instruments[symbol], data.base(symbol))
    runner = StrategyRunner(host, columns=data.columns)
    instance = runner.add(
        INSTANCE, cls.plugin_name, data.symbols, BROKER, dict(params), warmup
    )
    # A handler's wall time says nothing in a backtest (declaring an indicator computes it over
    # the whole run): the slow-handler warning is for live.
    vars(instance.strategy)["slow_handler_s"] = math.inf  # this instance only
    warm = warmup_events(data, ends, instance.warmup)
    series = [data.series[key] for key in keys]
    is_base = [key[1] == data.timeframe for key in keys]
    delivered = [key[1] in cls.timeframes for key in keys]
    which_list, index_list = which.tolist(), index.tolist()
    history = [
        series[s].bar(index_list[n]) for n, s in enumerate(which_list[:warm]) if delivered[s]
    ]
    prices = host.market.prices
    for n in range(warm):  # the warm-up's last prices, as live ticks would have left them
        s = which_list[n]
        if is_base[s]:
            prices[series[s].symbol] = series[s].closes[index_list[n]]
    if warm:
        host.clock.set(int(ends[warm - 1]))
    host.live_since_ns = host.clock.now_ns()
    runner.start(INSTANCE, history=history)
    play = _Player(host, runner, instance, series, is_base, delivered, which_list, index_list,
                   ends.tolist())  # fmt: skip
    for chunk in range(warm, total, CHECK_EVERY):
        if cancelled is not None and cancelled():
            raise Cancelled(f"cancelled after {chunk} of {total} bars")
        if progress is not None:
            progress(chunk, total)
        if not play(chunk, min(chunk + CHECK_EVERY, total)):
            break
    error = ""
    if instance.state is StrategyState.ERROR:
        error = next(
            (line.message for line in reversed(instance.log_lines) if line.level == "ERROR"),
            instance.detail,
        )
    else:
        runner.stop(INSTANCE)
    if progress is not None:
        progress(total, total)
    return collect_result(
        cls.plugin_name, dict(params), data, host, instance, warm, capital, settings,
        error=error, seconds=time.perf_counter() - started,
    )


class _Player:
    """Plays events ``first``…``last`` of the run: the hot loop, kept free of allocations
    beyond the ``Bar`` each delivered bar needs (built inline: ``SeriesData.bar`` costs a
    call more)."""

    def __init__(
        self,
        host: BacktestHost,
        runner: StrategyRunner,
        instance: StrategyInstance,
        series: list[SeriesData],
        is_base: list[bool],
        delivered: list[bool],
        which: list[int],
        index: list[int],
        ends: list[int],
    ) -> None:
        self.host, self.runner, self.instance = host, runner, instance
        self.series, self.is_base, self.delivered = series, is_base, delivered
        self.which, self.index, self.ends = which, index, ends

    def __call__(self, first: int, last: int) -> bool:
        """False once the strategy stopped (by an error)."""
        if len(self.series) == 1:  # one symbol, one timeframe: most backtests
            return self._one_series(first, last)
        host, instance = self.host, self.instance
        series, is_base, delivered = self.series, self.is_base, self.delivered
        which, index, ends = self.which, self.index, self.ends
        clock, broker, accept_bar = host.clock, host.broker, self.runner.accept_bar
        working, prices = broker.working, host.market.prices
        last_prices = instance.runtime.last_prices
        running = StrategyState.RUNNING
        for n in range(first, last):
            s, i = which[n], index[n]
            bars = series[s]
            if is_base[s]:
                symbol = bars.symbol
                if working.get(symbol):
                    clock.now = bars.starts[i]
                    broker.on_bar(symbol, bars, i)
                prices[symbol] = last_prices[symbol] = bars.closes[i]
            clock.now = end = ends[n]
            if delivered[s]:
                accept_bar(end, Bar(bars.symbol, bars.timeframe, bars.starts[i], bars.opens[i],
                                    bars.highs[i], bars.lows[i], bars.closes[i],
                                    bars.volumes[i]))  # fmt: skip
            if instance.state is not running:
                return False
        return True


    def _one_series(self, first: int, last: int) -> bool:
        """The loop above for a single series: event n is its bar n, a base bar, delivered."""
        host, instance, bars = self.host, self.instance, self.series[0]
        symbol, timeframe = bars.symbol, bars.timeframe
        starts, opens, highs, lows, closes, volumes = (
            bars.starts, bars.opens, bars.highs, bars.lows, bars.closes, bars.volumes
        )
        clock, broker, accept_bar = host.clock, host.broker, self.runner.accept_bar
        working, prices, ends = broker.working, host.market.prices, self.ends
        last_prices = instance.runtime.last_prices
        running = StrategyState.RUNNING
        for i in range(first, last):
            if working.get(symbol):
                clock.now = starts[i]
                broker.on_bar(symbol, bars, i)
            close = prices[symbol] = last_prices[symbol] = closes[i]
            clock.now = end = ends[i]
            accept_bar(end, Bar(symbol, timeframe, starts[i], opens[i], highs[i], lows[i], close,
                                volumes[i]))  # fmt: skip
            if instance.state is not running:
                return False
        return True


def warmup_events(data: BacktestData, ends: np.ndarray, warmup: int) -> int:
    """How many events are warm-up: every bar closing no later than the ``warmup``-th bar of
    the primary symbol's first timeframe (``ends``: each event's close, in event order)."""
    if warmup <= 0 or not len(ends):
        return 0
    symbol = data.symbols[0]
    primary = data.series.get((symbol, data.timeframes[0])) or data.base(symbol)
    if warmup >= len(primary):
        raise ValueError(
            f"warm-up of {warmup} bars takes every {primary.timeframe} bar of {symbol} in the "
            f"range ({len(primary)}): choose a longer range or a shorter warm-up"
        )
    return int(np.searchsorted(ends, int(primary.ends[warmup - 1]), side="right"))
