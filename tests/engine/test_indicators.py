"""Indicators against TA-Lib on the same input: vectorized on history, then bar by bar."""

from __future__ import annotations

import math

import numpy as np
import pytest
import talib

from terminal.engine.indicators import EMA, MACD, RSI, SMA, Bollinger, Indicator


def closes(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 3000.0 + np.cumsum(rng.normal(0.0, 2.0, n)).round(1)


def talib_outputs(indicator: Indicator, close: np.ndarray) -> dict[str, np.ndarray]:
    if isinstance(indicator, SMA):
        return {"sma": talib.SMA(close, indicator.period)}
    if isinstance(indicator, EMA):
        return {"ema": talib.EMA(close, indicator.period)}
    if isinstance(indicator, Bollinger):
        d = indicator.deviations
        upper, middle, lower = talib.BBANDS(close, indicator.period, d, d)
        return {"upper": upper, "middle": middle, "lower": lower}
    if isinstance(indicator, MACD):
        line, signal, hist = talib.MACD(close, indicator.fast, indicator.slow, indicator.signal)
        return {"macd": line, "signal": signal, "hist": hist}
    assert isinstance(indicator, RSI)
    return {"rsi": talib.RSI(close, indicator.period)}


def assert_same(ours: np.ndarray, theirs: np.ndarray, name: str) -> None:
    assert np.array_equal(np.isnan(ours), np.isnan(theirs)), f"{name}: warm-up differs"
    np.testing.assert_allclose(ours[~np.isnan(ours)], theirs[~np.isnan(theirs)],
                               rtol=1e-10, atol=1e-8, err_msg=name)


CASES = [
    lambda: SMA(5), lambda: SMA(50), lambda: EMA(9), lambda: EMA(30),
    lambda: Bollinger(20, 2.0), lambda: Bollinger(10, 1.5),
    lambda: MACD(12, 26, 9), lambda: MACD(5, 35, 5), lambda: RSI(14), lambda: RSI(6),
]


@pytest.mark.parametrize("make", CASES)
@pytest.mark.parametrize("seed", [1, 2])
def test_vectorized_history_matches_talib(make, seed: int) -> None:  # type: ignore[no-untyped-def]
    close = closes(600, seed)
    indicator = make()
    ours = indicator.compute(close)
    for name, values in talib_outputs(indicator, close).items():
        assert_same(ours[name], values, f"{indicator.label}.{name}")


@pytest.mark.parametrize("make", CASES)
@pytest.mark.parametrize("history", [0, 3, 40, 300])
def test_live_bars_continue_the_history_like_talib(make, history: int) -> None:  # type: ignore[no-untyped-def]
    close = closes(400, 3)
    indicator = make()
    indicator.compute(close[:history])
    expected = talib_outputs(indicator, close)
    for i in range(history, len(close)):
        forming = float(close[i]) + 7.0  # a forming bar that closes elsewhere
        peeked = indicator.peek(forming)
        reference = talib_outputs(make(), np.r_[close[:i], forming])
        for name in indicator.outputs:
            assert _close(peeked[name], reference[name][-1]), (indicator.label, name, i)
        pushed = indicator.push(float(close[i]))
        for name in indicator.outputs:
            assert _close(pushed[name], expected[name][i]), (indicator.label, name, i)


def _close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= 1e-8 + 1e-10 * abs(b)


def test_flat_prices_give_rsi_zero_like_talib() -> None:
    close = np.full(40, 100.0)
    assert_same(RSI(14).compute(close)["rsi"], talib.RSI(close, 14), "RSI flat")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: SMA(0), "SMA period must be a whole number ≥ 1, got 0"),
        (lambda: EMA(2.5), "EMA period must be a whole number ≥ 1, got 2.5"),
        (lambda: MACD(26, 12, 9), "MACD fast (26) must be shorter than slow (12)"),
        (lambda: Bollinger(20, -1.0), "Bollinger deviations must be > 0, got -1.0"),
        (lambda: RSI(1), "RSI period must be a whole number ≥ 2, got 1"),
    ],
)
def test_bad_parameters_are_named(make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()


@pytest.mark.parametrize("make", CASES)
@pytest.mark.parametrize("history", [0, 1, 7, 35, 250])
def test_pushed_bar_by_bar_equals_computed_at_once_exactly(make, history: int) -> None:  # type: ignore[no-untyped-def]
    """What a backtest computes over the whole run in one pass, live computes bar by bar:
    bit for bit, so a backtest decides exactly as live would on the same bars."""
    close = closes(900, 11)
    at_once = make().compute(close)
    indicator = make()
    primed = indicator.compute(close[:history])
    for name in indicator.outputs:
        np.testing.assert_array_equal(primed[name], at_once[name][:history])
    for i in range(history, len(close)):
        peeked = indicator.peek(float(close[i]))
        pushed = indicator.push(float(close[i]))
        for name in indicator.outputs:
            expected, got = at_once[name][i], pushed[name]
            same = got == expected or (math.isnan(expected) and math.isnan(got))
            assert same, (indicator.label, name, i, got, expected)
            assert peeked[name] == pushed[name] or math.isnan(expected), (indicator.label, name, i)


def test_exact_check_sees_a_last_bit_difference() -> None:
    """The exact comparison above would catch the textbook EMA step, which pandas' differs from
    in the last bits somewhere in a long series."""
    close = closes(900, 11)
    alpha = 2.0 / 10.0
    expected = EMA(9).compute(close)["ema"]
    value = float(expected[8])
    differs = 0
    for i in range(9, len(close)):
        value = value + alpha * (float(close[i]) - value)
        differs += value != expected[i]
    assert differs > 0
