"""What a chart shows (symbol, timeframe, indicators with their parameters, the clock of its
time axis, the drawing magnet), kept across restarts with the window's layout. (The drawings
themselves are kept per symbol by ``drawing_store``.)

Saved as JSON in the window's settings. Anything that no longer applies when read back (a
symbol the engine does not list, an indicator kind or parameter that is gone, a settings
value that is not ours) is skipped with a log line naming it; the rest is restored.
"""

from __future__ import annotations

import json
import logging
from dataclasses import fields
from typing import Any

from terminal.engine.indicators import INDICATORS, Indicator
from terminal.ui.chart.chart import TIMEFRAMES, CandleChart

log = logging.getLogger(__name__)


def chart_state(chart: CandleChart) -> dict[str, Any]:
    return {
        "symbol": chart.symbol,
        "timeframe": chart.timeframe,
        "indicators": [_indicator_state(s.indicator) for s in chart.indicators.series],
        "local_time": chart.local_time,
        "magnet": chart.drawings.magnet,
    }


def _indicator_state(indicator: Indicator) -> dict[str, Any]:
    params = {f.name: getattr(indicator, f.name) for f in fields(indicator) if f.init}
    return {"kind": indicator.kind, **params}


def apply_chart_state(chart: CandleChart, state: dict[str, Any], where: str) -> None:
    """Show what ``state`` describes on ``chart``; ``where`` names the chart in log lines."""
    symbol, timeframe = state.get("symbol"), state.get("timeframe")
    if isinstance(symbol, str) and symbol:
        if symbol in chart.instruments:
            chart.set_symbol(symbol)
        else:
            log.warning("%s: symbol %r is not listed by the engine; kept %s", where, symbol,
                        chart.symbol)  # fmt: skip
    if isinstance(timeframe, str) and timeframe in TIMEFRAMES:
        chart.set_timeframe(timeframe)
    elif timeframe is not None:
        log.warning("%s: timeframe %r is not one of %s", where, timeframe, ", ".join(TIMEFRAMES))
    for key, apply in (("local_time", chart.set_local_time),
                       ("magnet", chart.drawings.set_magnet)):  # fmt: skip
        value = state.get(key)
        if isinstance(value, bool):
            apply(value)
        elif value is not None:
            log.warning("%s: %s %r is not true or false; kept the default", where, key, value)
    for saved in state.get("indicators") or []:
        indicator = _indicator(saved, where)
        if indicator is not None:
            chart.indicators.add(indicator)


def _indicator(saved: object, where: str) -> Indicator | None:
    if not isinstance(saved, dict):
        log.warning("%s: indicator %r is not a map; skipped", where, saved)
        return None
    params = dict(saved)
    kind = params.pop("kind", None)
    cls = INDICATORS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        log.warning("%s: indicator kind %r is unknown (known: %s); skipped", where, kind,
                    ", ".join(INDICATORS))  # fmt: skip
        return None
    try:
        return cls(**params)
    except (TypeError, ValueError) as exc:
        log.warning("%s: indicator %s %s not restored: %s", where, kind, params, exc)
        return None


def dump_charts(main: CandleChart, extra: dict[str, CandleChart]) -> str:
    """JSON of the main chart and each extra chart dock, keyed by the dock's object name."""
    return json.dumps(
        {
            "main": chart_state(main),
            "extra": {name: chart_state(chart) for name, chart in extra.items()},
        }
    )


def load_charts(text: object) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(main chart state, {dock object name: state}) from :func:`dump_charts`'s JSON; empty
    when there is nothing (first start) or it cannot be read (logged)."""
    if text is None or text == "":
        return {}, {}
    try:
        data = json.loads(str(text))
        main, extra = data.get("main") or {}, data.get("extra") or {}
        if not isinstance(main, dict) or not isinstance(extra, dict):
            raise ValueError("'main' or 'extra' is not a map")
    except (ValueError, AttributeError) as exc:
        log.warning("saved charts could not be read (%s); charts start afresh", exc)
        return {}, {}
    return main, {str(name): state for name, state in extra.items() if isinstance(state, dict)}
