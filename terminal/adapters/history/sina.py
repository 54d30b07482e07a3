"""Sina's K-lines: ``CN_MarketDataService.getKLineData`` and the ``qfq.js``/``hfq.js`` factors.

The answer (JSONP, behind a script guard)::

    /*<script>location.href='//sina.com';</script>*/
    var _sh600036_240_1577432551767=([{"day":"2019-12-27","open":"38.100","high":"38.500",
    "low":"37.800","close":"37.860","volume":"35953534"}, …]);

Rows oldest first, every value a string; ``volume`` in **shares** (a day's equals the quote's
share volume); ``day`` a date for day and week bars and the bar's **end** for intraday ones;
prices **unadjusted**; ``amount`` (yuan) only in some answers. ``scale`` is minutes per bar:
1, 5, 15, 30, 60, 240 (a day), 1200 (a week). There is no date range, only the newest
``datalen`` bars. The old ``json_v2`` endpoint wrote the same rows with unquoted keys; they are
read too. ``null`` or ``[]`` answers an unknown code.

Adjustment comes from factor files, newest first, each valid from its date on::

    var sh600103qfq={"total":2,"data":[{"d":"2019-06-03","f":"1.0000000000000000"},
    {"d":"2007-01-18","f":"1.3000000000000000"}, …, {"d":"1900-01-01","f":"…"}]}

qfq price = raw ÷ f, hfq price = raw × f, for bars of any length on that date. Monthly bars
(``scale=7200``) are not asked for: no real answer confirms that scale; months are built from
days. Weekly bars come unadjusted only, so adjusted weeks are built from adjusted days.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from terminal.adapters.history import ashare
from terminal.adapters.history.http import HttpHistoryProvider
from terminal.domain.enums import Adjust
from terminal.engine.history.provider import HistoryError, HistoryRequest, Progress

SCALES = {"1m": 1, "5m": 5, "15m": 15, "30m": 30, "1h": 60, "1d": 240, "1w": 1200}
MAX_DATALEN = 1970  # what akshare asks for; the server's own cap is not documented
KLINE_HOST = "https://quotes.sina.cn"
FACTOR_HOST = "https://finance.sina.com.cn"
_BARE_KEY = re.compile(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:")
FIELDS = ("open", "high", "low", "close", "volume")
CHINA_OFFSET_NS = 8 * 3600 * ashare.NS


class SinaHistory(HttpHistoryProvider):
    """Sina Finance K-lines of A-shares, funds and indices; qfq/hfq from Sina's factors."""

    plugin_name = "sina"
    encoding = "gbk"

    def native(self, timeframe: str, adjust: Adjust) -> bool:
        return timeframe in SCALES and (timeframe != "1w" or adjust is Adjust.NONE)

    async def fetch(self, request: HistoryRequest, progress: Progress) -> pd.DataFrame:
        symbol, adjust = request.symbol, request.adjust
        code = ashare.vendor_code(self.name, symbol)
        total = 1 if adjust is Adjust.NONE or ashare.is_index(symbol) else 2
        scale = SCALES[request.timeframe]
        path = (f"/cn/api/jsonp_v2.php/var%20_{code}_{scale}_{int(time.time() * 1000)}=/"
                f"CN_MarketDataService.getKLineData?symbol={code}&scale={scale}&ma=no"
                f"&datalen={self._datalen(request)}")  # fmt: skip
        bars = self.parse(symbol, request.timeframe, await self.get(symbol, KLINE_HOST, path))
        progress(1, total, len(bars))
        if total == 2:
            kind = adjust.value
            text = await self.get(symbol, FACTOR_HOST, f"/realstock/company/{code}/{kind}.js")
            bars = apply_factors(bars, self.factors(symbol, text, kind), adjust)
            progress(2, total, len(bars))
        return bars

    def _datalen(self, request: HistoryRequest) -> int:
        today = ashare.today()
        wanted = request.count or 0
        if request.start is not None:
            since = ashare.local_date(request.start)
            wanted = max(wanted, ashare.estimate_bars(request.timeframe, since, today))
        elif request.end is not None:
            since = ashare.local_date(request.end)
            wanted += ashare.estimate_bars(request.timeframe, since, today)
        return max(1, min(wanted or MAX_DATALEN, MAX_DATALEN))

    def parse(self, symbol: str, timeframe: str, text: str) -> pd.DataFrame:
        """Bars from a K-line answer (JSONP, plain, or the old unquoted-key form)."""
        rows = self._rows(symbol, text)
        if not rows:
            raise HistoryError(self.name, symbol, "the answer holds no bars (unknown code?)")
        starts, values, amounts = [], [], []
        for index, row in enumerate(rows):
            if not isinstance(row, dict) or "day" not in row:
                raise HistoryError(self.name, symbol, f"row {index} {row!r} has no 'day'")
            starts.append(ashare.label(self.name, symbol, timeframe, str(row["day"])))
            values.append(ashare.numbers(self.name, symbol, [row.get(f) for f in FIELDS],
                                         index, FIELDS))  # fmt: skip
            amounts.append(float(row["amount"]) if _number(row.get("amount")) else np.nan)
        return ashare.frame(symbol, timeframe, starts, values, amounts)

    def _rows(self, symbol: str, text: str) -> list[Any]:
        body = text.strip()
        if body.startswith("/*"):  # the script guard before the JSONP
            body = body[body.find("*/") + 2 :].strip()
        opening = body.find("(")
        if not body.startswith(("[", "null")) and opening >= 0:
            closing = body.rfind(")")
            if closing < opening:
                raise HistoryError(self.name, symbol, "the answer is cut short (no closing ')')")
            body = body[opening + 1 : closing]
        try:
            rows = json.loads(body)
        except ValueError:
            rows = self.json(symbol, _BARE_KEY.sub(r'\1"\2":', body), "the K-line answer")
        if rows is not None and not isinstance(rows, list):
            raise HistoryError(self.name, symbol, f"the answer is a {type(rows).__name__}, "
                                                  "not a list of bars")  # fmt: skip
        return rows or []

    def factors(self, symbol: str, text: str, kind: str) -> list[tuple[date, float]]:
        """(date, factor) of a qfq.js/hfq.js answer, oldest first."""
        what = f"{kind}.js"
        opening = text.find("{")
        if opening < 0:
            raise HistoryError(self.name, symbol, f"{what} holds no factor table")
        try:
            table, _ = json.JSONDecoder().raw_decode(text, opening)
            items = table["data"]
            factors = [(ashare.parse_day(self.name, symbol, item["d"]), float(item["f"]))
                       for item in items]  # fmt: skip
        except (ValueError, KeyError, TypeError) as exc:
            raise HistoryError(self.name, symbol, f"{what} is malformed: {exc}") from None
        if not factors or any(f <= 0 or not np.isfinite(f) for _, f in factors):
            raise HistoryError(self.name, symbol, f"{what} has no usable factors: {items!r:.80}")
        return sorted(factors)


def apply_factors(bars: pd.DataFrame, factors: list[tuple[date, float]],
                  adjust: Adjust) -> pd.DataFrame:  # fmt: skip
    """Prices of ``bars`` adjusted by the factor in force on each bar's date (the newest
    factor dated on or before it); volumes as traded."""
    if bars.empty:
        return bars
    # Start labels in China time: a bar's trading date (A-share sessions never cross midnight).
    local = pd.to_datetime(bars["start"].to_numpy(np.int64) + CHINA_OFFSET_NS, unit="ns")
    dates = np.array([d.toordinal() for d in local.date], np.int64)
    edges = np.array([d.toordinal() for d, _ in factors], np.int64)
    values = np.array([f for _, f in factors], np.float64)
    index = np.clip(np.searchsorted(edges, dates, side="right") - 1, 0, len(values) - 1)
    factor = values[index]
    adjusted = bars.copy()
    for column in ("open", "high", "low", "close"):
        raw = adjusted[column].to_numpy(np.float64)
        adjusted[column] = raw / factor if adjust is Adjust.QFQ else raw * factor
    return adjusted


def _number(value: object) -> bool:
    try:
        return value is not None and bool(np.isfinite(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
