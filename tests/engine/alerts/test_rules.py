"""Alert conditions on hand-made ticks and bars: when each fires, once or again after it
cleared, and what is refused with a line naming the field."""

from __future__ import annotations

import math

import pytest

from terminal.domain.market import Bar, Tick
from terminal.domain.market_alerts import (
    Alert,
    AlertCondition,
    AlertDirection,
    AlertField,
    IndicatorLine,
)
from terminal.engine.alerts.rules import AlertWatch, alert_problem, describe, fired_message

SYMBOL = "600000.SSE"
UP, DOWN, CROSS = AlertDirection.UP, AlertDirection.DOWN, AlertDirection.CROSS


def tick(last: float, bid: float = math.nan, ask: float = math.nan, prev: float = 10.0) -> Tick:
    return Tick(SYMBOL, 1, last, 0.0, bid_prices=() if math.isnan(bid) else (bid,),
                ask_prices=() if math.isnan(ask) else (ask,), prev_close=prev)  # fmt: skip


def bar(close: float) -> Bar:
    return Bar(SYMBOL, "1m", 0, close, close, close, close, 1.0)


def fires(watch: AlertWatch, lasts: list[float]) -> list[float | None]:
    return [watch.on_tick(tick(last)) for last in lasts]


def price_alert(direction: AlertDirection, price: float = 10.5, **more: object) -> Alert:
    return Alert(symbol=SYMBOL, price=price, direction=direction, **more)  # type: ignore[arg-type]


def test_a_crossing_fires_when_reached_from_the_side_it_starts_on_touching_counts() -> None:
    watch = AlertWatch(price_alert(CROSS))
    watch.prime(tick(10.2))  # below: it fires when the price reaches 10.50
    assert fires(watch, [10.3, 10.49, 10.5, 10.5, 10.6]) == [None, None, 10.5, None, None]
    # (A one-shot alert stops being watched there; the engine's tests show that.)


def test_a_crossing_that_stays_armed_fires_again_only_after_leaving_the_price() -> None:
    watch = AlertWatch(price_alert(CROSS, rearm=True))
    watch.prime(tick(10.8))  # above: first a fall to the price
    # 10.5 touches (fires); 10.5 again is no new crossing; 10.4 is strictly below, so the
    # next reach (10.55, from below) fires; the one after it (10.45) too.
    assert fires(watch, [10.6, 10.5, 10.5, 10.4, 10.55, 10.45]) == [
        None, 10.5, None, None, 10.55, 10.45]  # fmt: skip


def test_a_crossing_without_a_quote_takes_its_side_from_the_first_tick() -> None:
    watch = AlertWatch(price_alert(CROSS))
    watch.prime(None)
    assert fires(watch, [10.6, 10.7, 10.4]) == [None, None, 10.4]


def test_rises_to_fires_when_at_or_above_even_at_once_and_again_after_it_cleared() -> None:
    watch = AlertWatch(price_alert(UP))
    watch.prime(tick(10.6))
    assert fires(watch, [10.6, 10.7, 10.4, 10.5]) == [10.6, None, None, 10.5]
    falls = AlertWatch(price_alert(DOWN))
    assert fires(falls, [10.6, 10.5, 10.4, 10.6, 10.1]) == [None, 10.5, None, None, 10.1]


def test_bid_and_ask_alerts_watch_their_own_side_and_ignore_a_missing_level() -> None:
    ask = AlertWatch(price_alert(UP, field=AlertField.ASK))
    assert ask.on_tick(tick(10.6, bid=10.4, ask=10.45)) is None  # last above, ask not
    assert ask.on_tick(tick(10.6, bid=10.49)) is None  # no ask level at all
    assert ask.on_tick(tick(10.4, bid=10.49, ask=10.51)) == 10.51
    bid = AlertWatch(price_alert(DOWN, price=10.0, field=AlertField.BID))
    assert bid.on_tick(tick(9.0, bid=10.01, ask=10.02)) is None
    assert bid.on_tick(tick(9.0, bid=9.99, ask=10.0)) == 9.99


def test_a_quote_before_the_first_trade_is_not_a_last_price() -> None:
    watch = AlertWatch(price_alert(DOWN, price=10.0))
    assert watch.on_tick(tick(0.0)) is None  # last 0: not traded today


def test_day_move_up_down_and_either_way() -> None:
    def day(direction: AlertDirection) -> AlertWatch:
        alert = Alert(symbol=SYMBOL, condition=AlertCondition.DAY_MOVE, percent=3.0,
                      direction=direction)  # fmt: skip
        return AlertWatch(alert)

    up, down, either = day(UP), day(DOWN), day(CROSS)
    lasts = [10.2, 10.31, 10.35, 10.1, 9.69, 10.3]  # previous close 10.00
    moves = [None, 3.1, None, None, None, 3.0]
    assert [None if v is None else round(v, 2) for v in fires(up, lasts)] == moves
    assert [None if v is None else round(v, 2) for v in fires(down, lasts)] == [
        None, None, None, None, -3.1, None]  # fmt: skip
    lasts = [10.2, 10.31, 10.1, 9.69, 10.3, 10.0, 10.32]  # from -3.1 straight to +3: one move
    assert [None if v is None else round(v, 2) for v in fires(either, lasts)] == [
        None, 3.1, None, -3.1, None, None, 3.2]  # fmt: skip
    assert up.on_tick(tick(11.0, prev=0.0)) is None  # no previous close: no move


def sma_alert(direction: AlertDirection, period: int = 3) -> AlertWatch:
    alert = Alert(symbol=SYMBOL, condition=AlertCondition.BAR_CLOSE, direction=direction,
                  indicator=IndicatorLine("SMA", {"period": period}))  # fmt: skip
    return AlertWatch(alert)


def test_a_bar_closing_above_its_moving_average() -> None:
    watch = sma_alert(UP)
    watch.prime(None, [10.0, 10.0, 10.0])  # SMA(3) = 10
    # closes 9.9 (SMA 9.97: below), 10.2 (SMA 10.03: above → fires), 10.3 (still above),
    # 9.0 (below), 10.5 (SMA 9.93: above again → fires)
    got = [watch.on_bar(bar(close)) for close in (9.9, 10.2, 10.3, 9.0, 10.5)]
    assert got == [None, 10.2, None, None, 10.5]
    assert watch.level == pytest.approx((10.3 + 9.0 + 10.5) / 3)


def test_bar_close_below_and_across_and_the_warm_up() -> None:
    below = sma_alert(DOWN)
    below.prime(None, [10.0, 10.0, 10.0])
    assert [below.on_bar(bar(c)) for c in (10.1, 9.8)] == [None, 9.8]
    across = sma_alert(CROSS)
    across.prime(None, [10.0, 10.0, 10.2])  # last close above its SMA (10.067)
    assert [across.on_bar(bar(c)) for c in (10.3, 9.7, 9.6, 10.4)] == [None, 9.7, None, 10.4]
    cold = sma_alert(UP, period=5)
    cold.prime(None, [10.0])  # too few bars: no average yet, so nothing fires
    assert [cold.on_bar(bar(c)) for c in (11.0, 12.0, 13.0)] == [None, None, None]
    assert math.isnan(cold.level)
    assert cold.on_bar(bar(14.0)) == 14.0  # the first average, SMA(10..14) = 12: above it
    assert cold.on_bar(bar(15.0)) is None  # still above: no new fire


def test_bollinger_lines_and_what_is_said_when_it_fires() -> None:
    upper = IndicatorLine("BB", {"period": 3, "deviations": 1.0}, "upper")
    alert = Alert(symbol=SYMBOL, condition=AlertCondition.BAR_CLOSE, timeframe="5m",
                  direction=UP, indicator=upper)  # fmt: skip
    watch = AlertWatch(alert)
    watch.prime(None, [10.0, 10.0, 10.0])
    assert watch.on_bar(bar(10.3)) == 10.3  # band (10.0, 10.0, 10.3): upper 10.24
    text = fired_message(alert, 10.3, watch.level, lambda p: f"{p:.2f}")
    assert text == "600000.SSE 5m bar closes above BB(3,1).upper: close 10.30, BB(3,1).upper 10.24"
    price = price_alert(CROSS, field=AlertField.BID)
    assert describe(price, lambda p: f"{p:.2f}") == "600000.SSE bid crosses 10.50"
    move = Alert(symbol=SYMBOL, condition=AlertCondition.DAY_MOVE, percent=2.5, direction=DOWN)
    assert fired_message(move, -2.61, math.nan, str) == (
        "600000.SSE down 2.5% on the day: -2.61% from the previous close")


@pytest.mark.parametrize(
    ("alert", "problem"),
    [
        (Alert(symbol=""), "symbol: empty"),
        (Alert(symbol=SYMBOL, price=0.0), "price = 0: must be a positive price"),
        (Alert(symbol=SYMBOL, price=math.inf), "price = inf: must be a positive price"),
        (Alert(symbol=SYMBOL, condition=AlertCondition.DAY_MOVE, percent=-1),
         "percent = -1: must be more than 0 and at most 1000"),
        (Alert(symbol=SYMBOL, condition=AlertCondition.BAR_CLOSE),
         "indicator: a bar-close alert needs an indicator to compare the close with"),
        (Alert(symbol=SYMBOL, condition=AlertCondition.BAR_CLOSE, timeframe="7x",
               indicator=IndicatorLine("SMA", {"period": 20})), "timeframe '7x' is not one of"),
        (Alert(symbol=SYMBOL, condition=AlertCondition.BAR_CLOSE,
               indicator=IndicatorLine("RSI", {"period": 14})), "indicator = 'RSI': not one of"),
        (Alert(symbol=SYMBOL, condition=AlertCondition.BAR_CLOSE,
               indicator=IndicatorLine("SMA", {"period": 2.5})), "period = 2.5 must be whole"),
        (Alert(symbol=SYMBOL, condition=AlertCondition.BAR_CLOSE,
               indicator=IndicatorLine("SMA", {"length": 5})), "no parameter 'length'"),
        (Alert(symbol=SYMBOL, condition=AlertCondition.BAR_CLOSE,
               indicator=IndicatorLine("SMA", {"period": 0})), "SMA period must be"),
        (Alert(symbol=SYMBOL, condition=AlertCondition.BAR_CLOSE,
               indicator=IndicatorLine("BB", {}, "top")), "line 'top' is not one of"),
    ],
)  # fmt: skip
def test_what_cannot_be_watched_is_named(alert: Alert, problem: str) -> None:
    assert problem in alert_problem(alert)


def test_a_well_formed_alert_has_no_problem() -> None:
    assert alert_problem(price_alert(CROSS)) == ""
    ema = IndicatorLine("EMA", {"period": 10})
    assert alert_problem(Alert(symbol=SYMBOL, condition=AlertCondition.BAR_CLOSE, indicator=ema,
                               timeframe="15m")) == ""  # fmt: skip
