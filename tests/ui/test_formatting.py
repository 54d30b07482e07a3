"""Shown numbers: a change too small to show has no sign, so "-0.00%" never appears."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from plugins.feeds.simulated import load_sim_instruments
from terminal.domain.market import Tick
from terminal.engine.paths import RESOURCES
from terminal.ui import formatting as fmt
from terminal.ui.watch.columns import COLUMN_OF_KEY, COLUMNS

INSTRUMENTS = {
    s.symbol: s.instrument() for s in load_sim_instruments(RESOURCES / "sim_instruments.toml")
}
SMALL_NEGATIVE = st.floats(min_value=-0.004999, max_value=-1e-12)
CHANGE, CHANGE_PCT = COLUMNS[COLUMN_OF_KEY["change"]], COLUMNS[COLUMN_OF_KEY["change_pct"]]


def has_signed_zero(text: str) -> bool:
    return text[:1] in ("-", "+") and not any(d in text for d in "123456789")


@given(SMALL_NEGATIVE)
def test_a_tiny_loss_is_shown_as_zero_without_a_sign(value: float) -> None:
    assert fmt.percent(value) == "0.00%"
    assert fmt.money(value) == "0.00"
    for decimals in range(3):
        assert not has_signed_zero(fmt.price(value, decimals))
    for shown in (fmt.quantity(value), fmt.big(value), fmt.quantity(value / 1000)):
        assert not has_signed_zero(shown), shown


@given(st.floats(min_value=1.0, max_value=100_000.0), st.floats(min_value=1e-9, max_value=4e-5))
def test_the_market_watch_never_shows_minus_zero(prev_close: float, drop: float) -> None:
    """A last price a hair under the previous close: the day's change rounds to nothing."""
    tick = Tick("600000.SSE", 1, last=prev_close * (1.0 - drop), volume=1.0, prev_close=prev_close)
    for instrument in INSTRUMENTS.values():
        assert CHANGE_PCT.text(tick, instrument) == "0.00%"
        assert "-0.00%" not in CHANGE_PCT.text(tick, instrument)
        change = CHANGE.text(tick, instrument)
        assert not has_signed_zero(change), (instrument.symbol, change)


def test_real_changes_keep_their_sign() -> None:
    assert fmt.percent(-0.0051) == "-0.01%"
    assert fmt.percent(0.32) == "+0.32%"
    assert fmt.percent(0.0) == "0.00%"
    assert fmt.money(-12.5) == "-12.50"
    assert fmt.price(-0.006, 2) == "-0.01"
    assert fmt.unsigned_zero("-0") == "0"
    assert fmt.unsigned_zero("-10") == "-10"
