"""Alert conditions: whether an alert is well formed, what it says in words, and the watching
of one alert between ticks or bars (:class:`AlertWatch`).

When a condition fires:

- ``UP`` / ``DOWN``: the watched value is at or beyond the threshold (a close strictly above
  or below its indicator). It fires as soon as that holds, then not again until it has not
  held for a tick or a bar (so a re-arming alert fires once per excursion).
- ``CROSS``: from the side the value is on when watching starts, it fires when the value
  reaches the threshold (touches or passes it); then it waits until the value is strictly on
  one side again, and fires on the next reach from there. A day move ``CROSS`` is "up or down
  by ``percent``".
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence

import numpy as np

from terminal.domain.market import Bar, Tick
from terminal.domain.market_alerts import (
    Alert,
    AlertCondition,
    AlertDirection,
    AlertField,
    IndicatorLine,
)
from terminal.engine.bars.timeframes import parse_timeframe
from terminal.engine.indicators import INDICATORS, Indicator

PriceText = Callable[[float], str]
MAX_PERCENT = 1000.0


def overlay_kinds() -> list[str]:
    """Indicators drawn in price units (a close can be above or below them)."""
    return [kind for kind, cls in INDICATORS.items() if cls.overlay]


def make_indicator(line: IndicatorLine) -> tuple[Indicator, str]:
    """The indicator ``line`` names and the output to compare with; ValueError naming the
    field and value if it is not one."""
    cls = INDICATORS.get(line.kind)
    if cls is None or not cls.overlay:
        raise ValueError(
            f"indicator = '{line.kind}': not one of {', '.join(overlay_kinds())} "
            "(a close is compared with lines in price units)"
        )
    parameters = inspect.signature(cls).parameters
    arguments: dict[str, float | int] = {}
    for name, value in line.params.items():
        if name not in parameters:
            raise ValueError(
                f"indicator {line.kind}: no parameter '{name}' "
                f"(it takes {', '.join(parameters) or 'none'})"
            )
        default = parameters[name].default
        if isinstance(default, int) and not isinstance(default, bool):
            if not float(value).is_integer():
                raise ValueError(f"indicator {line.kind}: {name} = {value:g} must be whole")
            arguments[name] = int(value)
        else:
            arguments[name] = float(value)
    indicator = cls(**arguments)  # its own checks: ValueError naming the parameter
    output = line.line or cls.outputs[0]
    if output not in cls.outputs:
        raise ValueError(
            f"indicator {line.kind}: line '{output}' is not one of {', '.join(cls.outputs)}"
        )
    return indicator, output


def alert_problem(alert: Alert) -> str:
    """'' if ``alert`` can be watched, else one line naming the field and its value."""
    if not alert.symbol.strip():
        return "symbol: empty"
    condition = alert.condition
    if condition is AlertCondition.PRICE and not (
        math.isfinite(alert.price) and alert.price > 0
    ):
        return f"price = {alert.price:g}: must be a positive price"
    if condition is AlertCondition.DAY_MOVE and not (0 < alert.percent <= MAX_PERCENT):
        return f"percent = {alert.percent:g}: must be more than 0 and at most {MAX_PERCENT:g}"
    if condition is AlertCondition.BAR_CLOSE:
        if alert.indicator is None:
            return "indicator: a bar-close alert needs an indicator to compare the close with"
        try:
            parse_timeframe(alert.timeframe)
            make_indicator(alert.indicator)
        except ValueError as exc:
            return str(exc)
    return ""


def describe(alert: Alert, price_text: PriceText) -> str:
    """The condition in words: ``600000.SSE last crosses 10.50``."""
    direction, symbol = alert.direction, alert.symbol
    if alert.condition is AlertCondition.DAY_MOVE:
        way = {AlertDirection.UP: "up", AlertDirection.DOWN: "down"}.get(direction, "up or down")
        return f"{symbol} {way} {alert.percent:g}% on the day"
    if alert.condition is AlertCondition.BAR_CLOSE:
        verb = {AlertDirection.UP: "closes above", AlertDirection.DOWN: "closes below"}.get(
            direction, "closes across"
        )
        label = alert.indicator.label if alert.indicator else "?"
        return f"{symbol} {alert.timeframe} bar {verb} {label}"
    verb = {AlertDirection.UP: "rises to", AlertDirection.DOWN: "falls to"}.get(
        direction, "crosses"
    )
    return f"{symbol} {alert.field.value} {verb} {price_text(alert.price)}"


def fired_message(alert: Alert, value: float, level: float, price_text: PriceText) -> str:
    """What happened, in a line: the condition and the value that met it."""
    said = describe(alert, price_text)
    if alert.condition is AlertCondition.DAY_MOVE:
        return f"{said}: {value:+.2f}% from the previous close"
    if alert.condition is AlertCondition.BAR_CLOSE:
        label = alert.indicator.label if alert.indicator else "?"
        return f"{said}: close {price_text(value)}, {label} {price_text(level)}"
    return f"{said}: {alert.field.value} {price_text(value)}"


def mail_key(alert: Alert) -> str:
    """What the mail of the alert's latest firing is known by (a mail broker's outbox)."""
    return f"alert-{alert.alert_id}-{alert.fired_count}"


class AlertWatch:
    """One armed alert and what it remembers between ticks or bars: the side a crossing
    starts from, whether the condition cleared since it last fired, the indicator's state.

    The condition is taken apart once, into plain numbers: a tick costs a few comparisons,
    not a walk through the alert's enums."""

    __slots__ = ("_day", "_indicator", "_line", "_quote", "_ready", "_side", "_threshold",
                 "_way", "alert", "level")  # fmt: skip

    def __init__(self, alert: Alert) -> None:
        self.alert = alert
        self.level = math.nan  # the indicator's value at the last closed bar
        self._side = 0  # CROSS: +1 strictly above, -1 strictly below, 0 not yet on a side
        self._ready = True  # UP/DOWN: the condition did not hold since the last fire
        self._way = _WAYS[alert.direction]
        self._day = alert.condition is AlertCondition.DAY_MOVE
        self._quote = _QUOTES[alert.field]
        self._threshold = alert.percent if self._day else alert.price
        self._indicator: Indicator | None = None
        self._line = ""
        if alert.condition is AlertCondition.BAR_CLOSE and alert.indicator is not None:
            self._indicator, self._line = make_indicator(alert.indicator)

    @property
    def on_bars(self) -> bool:
        return self._indicator is not None

    def prime(self, tick: Tick | None, closes: Sequence[float] = ()) -> None:
        """Start from now: the indicator over the closed bars so far; for a crossing, the side
        the current quote (or the last close) is on."""
        if self._indicator is not None:
            values = self._indicator.compute(np.asarray(closes, dtype=np.float64))
            self.level = float(values[self._line][-1]) if len(closes) else math.nan
            if len(closes) and self._way == _CROSS:
                self._side = _side(float(closes[-1]), self.level)
            return
        value = self.quote_value(tick) if tick is not None else None
        if value is not None and self._way == _CROSS and not self._day:
            self._side = _side(value, self._threshold)

    def quote_value(self, tick: Tick) -> float | None:
        """The watched value in ``tick``: a price, or the day's change in percent."""
        if self._day:
            if tick.last <= 0 or tick.prev_close <= 0:  # not traded today, or no close
                return None
            return (tick.last / tick.prev_close - 1.0) * 100.0
        quote = self._quote
        if quote == _LAST:
            value = tick.last  # 0 before the day's first trade: no price
        else:
            levels = tick.bid_prices if quote == _BID else tick.ask_prices
            value = levels[0] if levels else 0.0
        return value if value > 0 else None

    def on_tick(self, tick: Tick) -> float | None:
        """The watched value if this quote fires the alert, else None."""
        value = self.quote_value(tick)
        if value is None:
            return None
        if self._day:
            way, percent = self._way, self._threshold
            met = (value >= percent if way == _UP else value <= -percent if way == _DOWN
                   else abs(value) >= percent)  # fmt: skip
            return value if self._once(met) else None
        return value if self._reached(value, self._threshold, strict=False) else None

    def on_bar(self, bar: Bar) -> float | None:
        """The close if this closed bar fires the alert, else None (the indicator moves on
        either way)."""
        if self._indicator is None:
            return None
        self.level = self._indicator.push(bar.close)[self._line]
        if math.isnan(self.level):
            return None
        return bar.close if self._reached(bar.close, self.level, strict=True) else None

    def _reached(self, value: float, threshold: float, strict: bool) -> bool:
        way = self._way
        if way == _CROSS:
            side = 1 if value > threshold else -1 if value < threshold else 0
            if self._side == 0 or side == self._side:
                self._side = side or self._side
                return False
            self._side = side  # 0 after a touch: wait until strictly on a side again
            return True
        if way == _UP:
            met = value > threshold if strict else value >= threshold
        else:
            met = value < threshold if strict else value <= threshold
        return self._once(met)

    def _once(self, met: bool) -> bool:
        """True the first time ``met`` holds since it last did not."""
        if not met:
            self._ready = True
            return False
        fire, self._ready = self._ready, False
        return fire


_UP, _DOWN, _CROSS = 1, -1, 0
_WAYS = {AlertDirection.UP: _UP, AlertDirection.DOWN: _DOWN, AlertDirection.CROSS: _CROSS}
_LAST, _BID, _ASK = 0, 1, 2
_QUOTES = {AlertField.LAST: _LAST, AlertField.BID: _BID, AlertField.ASK: _ASK}


def _side(value: float, threshold: float) -> int:
    return 1 if value > threshold else -1 if value < threshold else 0
