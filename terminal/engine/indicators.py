"""Technical indicators: vectorized on history, incremental on live bars (Qt-free).

Each indicator computes its outputs over a whole close series at once (numpy / pandas' ewm,
no Python loop per bar), then keeps the small state it needs to go on bar by bar: ``push``
adds a closed bar, ``peek`` gives the values a forming bar would have without changing
anything. Definitions follow TA-Lib (same seeding, same warm-up, NaN where TA-Lib outputs
nothing), and a test compares the values.

The live step repeats the vectorised arithmetic operation for operation (a running cumulative
sum for the averages, pandas' own exponential-weighting formula, numpy's mean and standard
deviation), so a series pushed bar by bar gives exactly the values computed over it at once: a
backtest, which computes an indicator once over the whole run, decides as live would.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, fields
from typing import ClassVar, Protocol

import numpy as np
import pandas as pd

Outputs = dict[str, np.ndarray]
State = tuple[float, ...]


def sma(close: np.ndarray, period: int) -> np.ndarray:
    out = np.full(len(close), np.nan)
    if len(close) >= period:
        sums = np.cumsum(np.r_[0.0, close])
        out[period - 1 :] = (sums[period:] - sums[:-period]) / period
    return out


def ewm_step(previous: float, value: float, alpha: float) -> float:
    """One step of pandas' ``ewm(alpha=alpha, adjust=False).mean()`` in its own arithmetic,
    which differs from ``previous + alpha * (value - previous)`` in the last bits: pandas turns
    ``alpha`` into a centre of mass and back, and normalises by the sum of the weights."""
    if previous == value:
        return previous
    weight = 1.0 / (1.0 + (1.0 - alpha) / alpha)
    keep = 1.0 - weight
    return (keep * previous + weight * value) / (keep + weight)


def ema_from(values: np.ndarray, seed_index: int, alpha: float, period: int) -> np.ndarray:
    """EMA seeded at ``seed_index`` with the mean of the ``period`` values ending there
    (TA-Lib's seed), then ``y = y' + alpha (x - y')``."""
    out = np.full(len(values), np.nan)
    if seed_index >= len(values) or seed_index < period - 1:
        return out
    tail = values[seed_index:].astype(np.float64, copy=True)
    tail[0] = values[seed_index - period + 1 : seed_index + 1].mean()
    out[seed_index:] = pd.Series(tail).ewm(alpha=alpha, adjust=False).mean().to_numpy()
    return out


def ema(close: np.ndarray, period: int) -> np.ndarray:
    return ema_from(close, period - 1, 2.0 / (period + 1), period)


def rolling_std(close: np.ndarray, period: int) -> np.ndarray:
    """Population standard deviation over ``period`` bars (TA-Lib's STDDEV)."""
    out = np.full(len(close), np.nan)
    if len(close) >= period:
        windows = np.lib.stride_tricks.sliding_window_view(close, period)
        out[period - 1 :] = windows.std(axis=1)
    return out


@dataclass
class Indicator:
    """Base: ``outputs`` names the lines; ``overlay`` draws on the price pane."""

    kind: ClassVar[str] = ""
    outputs: ClassVar[tuple[str, ...]] = ()
    overlay: ClassVar[bool] = True

    @property
    def label(self) -> str:
        params = ",".join(f"{getattr(self, f.name):g}" for f in fields(self) if f.init)
        return f"{self.kind}({params})"

    def compute(self, close: np.ndarray) -> dict[str, np.ndarray]:
        """All outputs over ``close`` (vectorized); also primes the live state."""
        raise NotImplementedError

    def push(self, close: float) -> dict[str, float]:
        """A new closed bar: its values, with the state moved on."""
        raise NotImplementedError

    def peek(self, close: float) -> dict[str, float]:
        """The values a bar closing at ``close`` would have; the state is unchanged."""
        raise NotImplementedError


def _check_period(name: str, value: int, minimum: int = 1) -> None:
    if not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be a whole number ≥ {minimum}, got {value!r}")


class _RunningMean:
    """The mean of the last ``period`` values as :func:`sma` computes it: the difference of two
    running totals (numpy's ``cumsum`` adds one value at a time, and so does this)."""

    def __init__(self, period: int) -> None:
        self.period = period
        self.totals: deque[float] = deque([0.0], maxlen=period + 1)

    def prime(self, values: np.ndarray, computed: np.ndarray | None = None) -> None:
        """The running totals of ``values`` (``computed``, the line over them, is not needed)."""
        totals = np.cumsum(np.r_[0.0, values])
        self.totals = deque(totals[-self.period - 1 :].tolist(), maxlen=self.period + 1)

    def peek(self, value: float) -> float:
        totals, period = self.totals, self.period
        if len(totals) < period:
            return math.nan
        first = totals[1] if len(totals) > period else totals[0]
        return (totals[-1] + value - first) / period

    def push(self, value: float) -> float:
        out = self.peek(value)
        self.totals.append(self.totals[-1] + value)
        return out


class _Running(Protocol):
    """The live state of a one-line indicator: primed with the closes and the line computed
    over them at once, then moved on bar by bar."""

    def prime(self, values: np.ndarray, computed: np.ndarray) -> None: ...

    def peek(self, value: float) -> float: ...

    def push(self, value: float) -> float: ...


@dataclass
class _MovingAverage(Indicator):
    """A moving average of the last ``period`` closes: one line, computed at once by
    ``_line`` and carried on bar by bar by its ``_running`` state."""

    period: int = 20

    def __post_init__(self) -> None:
        _check_period(f"{self.kind} period", self.period)
        self._live = self._running()

    def _running(self) -> _Running:
        raise NotImplementedError

    def _line(self, close: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def compute(self, close: np.ndarray) -> dict[str, np.ndarray]:
        out = self._line(close)
        self._live.prime(close, out)
        return {self.outputs[0]: out}

    def peek(self, close: float) -> dict[str, float]:
        return {self.outputs[0]: self._live.peek(close)}

    def push(self, close: float) -> dict[str, float]:
        return {self.outputs[0]: self._live.push(close)}


@dataclass
class SMA(_MovingAverage):
    """Simple moving average."""

    kind: ClassVar[str] = "SMA"
    outputs: ClassVar[tuple[str, ...]] = ("sma",)

    def _running(self) -> _RunningMean:
        return _RunningMean(self.period)

    def _line(self, close: np.ndarray) -> np.ndarray:
        return sma(close, self.period)


@dataclass
class EMA(_MovingAverage):
    """Exponential moving average, seeded with the SMA of the first ``period`` closes."""

    kind: ClassVar[str] = "EMA"
    outputs: ClassVar[tuple[str, ...]] = ("ema",)

    def _running(self) -> _EmaState:
        return _EmaState(self.period, 2.0 / (self.period + 1))

    def _line(self, close: np.ndarray) -> np.ndarray:
        return ema(close, self.period)


class _EmaState:
    """Live EMA: before the seed it gathers values, then it follows the recursion."""

    def __init__(self, period: int, alpha: float) -> None:
        self.period, self.alpha = period, alpha
        self.last = math.nan
        self.pending: list[float] = []

    def prime(self, values: np.ndarray, computed: np.ndarray) -> None:
        valid = values[~np.isnan(values)]
        self.last = float(computed[-1]) if len(computed) else math.nan
        self.pending = [] if not math.isnan(self.last) else valid.tolist()

    def peek(self, value: float) -> float:
        if math.isnan(value):
            return math.nan
        if not math.isnan(self.last):
            return ewm_step(self.last, value, self.alpha)
        pending = [*self.pending, value]
        # The seed as ema_from takes it: numpy's mean of the first ``period`` values.
        return float(np.mean(pending)) if len(pending) == self.period else math.nan

    def push(self, value: float) -> float:
        out = self.peek(value)
        if math.isnan(self.last) and not math.isnan(value):
            self.pending.append(value)
        self.last = out if not math.isnan(out) else self.last
        return out


@dataclass
class Bollinger(Indicator):
    """Bollinger bands: SMA ± ``deviations`` population standard deviations."""

    kind: ClassVar[str] = "BB"
    outputs: ClassVar[tuple[str, ...]] = ("upper", "middle", "lower")
    period: int = 20
    deviations: float = 2.0

    def __post_init__(self) -> None:
        _check_period("Bollinger period", self.period)
        if not self.deviations > 0:
            raise ValueError(f"Bollinger deviations must be > 0, got {self.deviations!r}")
        self._window: deque[float] = deque(maxlen=self.period)
        self._mean = _RunningMean(self.period)

    def compute(self, close: np.ndarray) -> dict[str, np.ndarray]:
        self._window = deque(close[-self.period :].tolist(), maxlen=self.period)
        self._mean.prime(close)
        middle, spread = sma(close, self.period), self.deviations * rolling_std(close, self.period)
        return {"upper": middle + spread, "middle": middle, "lower": middle - spread}

    def peek(self, close: float) -> dict[str, float]:
        window = [*list(self._window)[len(self._window) == self.period :], close]
        if len(window) < self.period:
            return dict.fromkeys(self.outputs, math.nan)
        middle = self._mean.peek(close)
        spread = self.deviations * float(np.std(window))
        return {"upper": middle + spread, "middle": middle, "lower": middle - spread}

    def push(self, close: float) -> dict[str, float]:
        out = self.peek(close)
        self._window.append(close)
        self._mean.push(close)
        return out


@dataclass
class _Replay(Indicator):
    """Live values by recursion once warmed up; during warm-up (few bars by definition) by
    recomputing over the closes seen so far."""

    def __post_init__(self) -> None:
        self._closes: list[float] = []
        self._state: State | None = None

    def warm_up(self) -> int:
        raise NotImplementedError

    def compute(self, close: np.ndarray) -> dict[str, np.ndarray]:
        out = self._vectorized(close)
        self._closes = close[-self.warm_up() - 1 :].tolist()
        self._state = self._state_after(close, out)
        return out

    def _vectorized(self, close: np.ndarray) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def _state_after(self, close: np.ndarray, out: Outputs) -> State | None:
        raise NotImplementedError

    def _step(self, state: State, close: float) -> tuple[State, dict[str, float]]:
        raise NotImplementedError

    def peek(self, close: float) -> dict[str, float]:
        if self._state is not None:
            return self._step(self._state, close)[1]
        out = self._vectorized(np.array([*self._closes, close]))
        return {name: float(values[-1]) for name, values in out.items()}

    def push(self, close: float) -> dict[str, float]:
        if self._state is not None:
            self._state, out = self._step(self._state, close)
            return out
        self._closes.append(close)
        closes = np.array(self._closes)
        values = self._vectorized(closes)
        self._state = self._state_after(closes, values)
        return {name: float(v[-1]) for name, v in values.items()}


@dataclass
class MACD(_Replay):
    """MACD line (fast EMA − slow EMA), its signal EMA and the histogram, as TA-Lib: both
    EMAs seeded at the slow EMA's first bar, all outputs from ``slow + signal − 2`` on."""

    kind: ClassVar[str] = "MACD"
    outputs: ClassVar[tuple[str, ...]] = ("macd", "signal", "hist")
    overlay: ClassVar[bool] = False
    fast: int = 12
    slow: int = 26
    signal: int = 9

    def __post_init__(self) -> None:
        _check_period("MACD fast", self.fast)
        _check_period("MACD slow", self.slow, 2)
        _check_period("MACD signal", self.signal)
        if self.fast >= self.slow:
            raise ValueError(f"MACD fast ({self.fast}) must be shorter than slow ({self.slow})")
        super().__post_init__()

    def warm_up(self) -> int:
        return self.slow + self.signal - 2

    def _alphas(self) -> tuple[float, float, float]:
        return 2.0 / (self.fast + 1), 2.0 / (self.slow + 1), 2.0 / (self.signal + 1)

    def _vectorized(self, close: np.ndarray) -> dict[str, np.ndarray]:
        a_fast, a_slow, a_signal = self._alphas()
        start = self.slow - 1
        fast = ema_from(close, start, a_fast, self.fast)
        slow = ema_from(close, start, a_slow, self.slow)
        line = fast - slow
        signal = np.full(len(close), np.nan)
        if len(close) > start:
            signal[start:] = ema_from(line[start:], self.signal - 1, a_signal, self.signal)
        self._emas = (fast, slow)
        line[: self.warm_up()] = np.nan
        return {"macd": line, "signal": signal, "hist": line - signal}

    def _state_after(self, close: np.ndarray, out: Outputs) -> State | None:
        if not len(close) or math.isnan(out["signal"][-1]):
            return None
        fast, slow = self._emas
        return float(fast[-1]), float(slow[-1]), float(out["signal"][-1])

    def _step(self, state: State, close: float) -> tuple[State, dict[str, float]]:
        a_fast, a_slow, a_signal = self._alphas()
        fast, slow, signal = state
        fast = ewm_step(fast, close, a_fast)
        slow = ewm_step(slow, close, a_slow)
        line = fast - slow
        signal = ewm_step(signal, line, a_signal)
        return (fast, slow, signal), {"macd": line, "signal": signal, "hist": line - signal}


@dataclass
class RSI(_Replay):
    """Wilder's relative strength index (0–100), as TA-Lib: the first value at bar
    ``period`` from plain averages of the first ``period`` changes."""

    kind: ClassVar[str] = "RSI"
    outputs: ClassVar[tuple[str, ...]] = ("rsi",)
    overlay: ClassVar[bool] = False
    period: int = 14

    def __post_init__(self) -> None:
        _check_period("RSI period", self.period, 2)
        super().__post_init__()

    def warm_up(self) -> int:
        return self.period

    def _vectorized(self, close: np.ndarray) -> dict[str, np.ndarray]:
        out = np.full(len(close), np.nan)
        self._averages = (math.nan, math.nan)
        if len(close) <= self.period:
            return {"rsi": out}
        change = np.diff(close)
        alpha = 1.0 / self.period
        gain = ema_from(np.maximum(change, 0.0), self.period - 1, alpha, self.period)
        loss = ema_from(np.maximum(-change, 0.0), self.period - 1, alpha, self.period)
        total = gain + loss
        with np.errstate(invalid="ignore", divide="ignore"):
            out[1:] = np.where(total != 0, 100.0 * gain / total, 0.0)
        out[: self.period] = np.nan
        self._averages = (float(gain[-1]), float(loss[-1]))
        return {"rsi": out}

    def _state_after(self, close: np.ndarray, out: Outputs) -> State | None:
        if math.isnan(self._averages[0]):
            return None
        return float(close[-1]), *self._averages

    def _step(self, state: State, close: float) -> tuple[State, dict[str, float]]:
        previous, gain, loss = state
        change, alpha = close - previous, 1.0 / self.period
        gain = ewm_step(gain, max(change, 0.0), alpha)
        loss = ewm_step(loss, max(-change, 0.0), alpha)
        total = gain + loss
        return (close, gain, loss), {"rsi": 100.0 * gain / total if total else 0.0}


INDICATORS: dict[str, type[Indicator]] = {
    cls.kind: cls for cls in (SMA, EMA, Bollinger, MACD, RSI)
}
