"""Tencent's (QQ's) K-lines: ``fqkline/get`` for days, weeks and months, ``kline/mkline`` for
minutes.

``fqkline/get?param=sh601166,day,2026-01-01,2026-12-31,640,qfq`` answers::

    {"code":0,"msg":"","data":{"sh601166":{"qfqday":[["2026-01-09","20.980","20.840",
    "21.060","20.790","593631.000"], …],"qt":{…},"prec":"20.920","version":"18"}}}

- Row order is **date, open, CLOSE, HIGH, LOW, volume** (checked against the answer's own
  quote), then optional extras (a dividend object, turnover) that are ignored.
- The series comes under ``qfqday``/``qfqweek``/``qfqmonth`` (``hfq…`` for hfq) for A-share
  stocks; an index answers under plain ``day`` even when qfq is asked (an index has nothing to
  adjust). A fund or stock that answers an adjusted request under the plain key gets an error:
  whether those prices are adjusted is not known, so another source is asked.
- Volume is in **lots** of 100 shares, for indices too, but in **shares** on the STAR market
  (688/689). Beijing codes are not served: their unit is not confirmed.
- Weeks and months are dated by their last trading day so far. One request covers at most a
  year of days (``count`` 640, as akshare asks), so long ranges take one request a year.
- An unknown code answers ``{"code":0,…,"data":{"sh999999":{"qt":{"sh999999":[]},…}}}``.

``kline/mkline?param=sh600519,m5,,640`` answers rows ``["202607090950", open, close, high,
low, volume, {}, turnover %]`` under ``m1``…``m60``: the time is the bar's **end**, volume in
lots (STAR: shares), no amount, no adjustment, only the newest ``count`` bars.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd

from terminal.adapters.history import ashare
from terminal.adapters.history.http import HttpHistoryProvider
from terminal.domain.enums import Adjust
from terminal.engine.history.provider import HistoryError, HistoryRequest, Progress

KLINE_HOST = "https://web.ifzq.gtimg.cn"
MINUTE_HOST = "https://ifzq.gtimg.cn"  # web.ifzq.gtimg.cn redirects mkline to a dead host
PERIODS = {"1d": "day", "1w": "week", "1M": "month"}
MINUTES = {"1m": "m1", "5m": "m5", "15m": "m15", "30m": "m30", "1h": "m60"}
COUNT = 640
WINDOW_DAYS = {"1d": 366, "1w": 3653, "1M": 3653}  # days per request: at most COUNT bars
PER_WINDOW = {"1d": 240, "1w": 500, "1M": 120}  # bars a full window holds, about
MAX_REQUESTS = 40
FIELDS = ("open", "close", "high", "low", "volume")


class QQHistory(HttpHistoryProvider):
    """Tencent Finance K-lines of A-shares, funds and indices on SSE and SZSE."""

    plugin_name = "qq"

    def supports(self, symbol: str) -> bool:
        return super().supports(symbol) and not symbol.endswith(".BSE")

    def native(self, timeframe: str, adjust: Adjust) -> bool:
        return timeframe in PERIODS or (timeframe in MINUTES and adjust is Adjust.NONE)

    async def fetch(self, request: HistoryRequest, progress: Progress) -> pd.DataFrame:
        code = ashare.vendor_code(self.name, request.symbol)
        if request.timeframe in MINUTES:
            count = min(COUNT, request.count or COUNT)
            path = f"/appstock/app/kline/mkline?param={code},{MINUTES[request.timeframe]},,{count}"
            answer = await self.get(request.symbol, MINUTE_HOST, path)
            bars = self.parse(request, answer, MINUTES[request.timeframe])
            progress(1, 1, len(bars))
            return bars
        return await self._days(request, code, progress)

    async def _days(self, request: HistoryRequest, code: str, progress: Progress) -> pd.DataFrame:
        """Windows of at most ``COUNT`` bars, newest first, until the range or the count is
        covered or a window comes back empty (before the listing). Without a start or an end
        the first request asks for the newest bars whatever their dates (``,,,N``)."""
        newest = request.start is None and request.end is None
        wanted = request.count or 0
        per_window = PER_WINDOW[request.timeframe]
        total = -(-wanted // per_window) if request.start is None else 0
        parts: list[pd.DataFrame] = []
        held, done = 0, 0
        until = ashare.local_date(request.end) if request.end is not None else ashare.today()
        first = ashare.local_date(request.start) if request.start is not None else date(1990, 1, 1)
        span = WINDOW_DAYS[request.timeframe]
        cut: list[tuple[date | None, date | None]] = [(None, None)]
        if not newest:
            cut = list(ashare.windows(first, until, span))
        total = total or len(cut)
        while cut and done < MAX_REQUESTS:
            since, till = cut.pop(0)
            bars = await self._window(request, code, since, till, min(wanted or COUNT, COUNT))
            parts.append(bars)
            held, done = held + len(bars), done + 1
            progress(done, max(total, done), held)
            if bars.empty or (wanted and held >= wanted):
                break
            if newest:  # then a year at a time before the oldest bar received
                oldest = ashare.local_date(int(bars["start"].iloc[0]))
                cut = list(ashare.windows(first, oldest - timedelta(days=1), span))
        found = [part for part in reversed(parts) if not part.empty]
        return pd.concat(found, ignore_index=True) if found else parts[0]

    async def _window(self, request: HistoryRequest, code: str, since: date | None,
                      till: date | None, count: int) -> pd.DataFrame:  # fmt: skip
        fq = "" if request.adjust is Adjust.NONE else request.adjust.value
        dates = f"{since.isoformat() if since else ''},{till.isoformat() if till else ''}"
        path = (f"/appstock/app/fqkline/get?param={code},{PERIODS[request.timeframe]},{dates},"
                f"{count if since is None else COUNT},{fq}")  # fmt: skip
        text = await self.get(request.symbol, KLINE_HOST, path)
        return self.parse(request, text, fq, first_window=since is None)

    def parse(self, request: HistoryRequest, text: str, key: str,
              first_window: bool = True) -> pd.DataFrame:  # fmt: skip
        """Bars of one answer; ``key``: ``m5``… for minutes, the fq (``qfq``, ``hfq``, ``""``)
        for days, weeks and months. An empty window later than the first gives no bars."""
        symbol, code = request.symbol, ashare.vendor_code(self.name, request.symbol)
        answer = self.json(symbol, text[text.find("{") :] if "{" in text else text, "the answer")
        node = self._node(symbol, code, answer)
        if request.timeframe in MINUTES:
            rows = node.get(key)
        else:
            period = PERIODS[request.timeframe]
            rows = node.get(key + period) if key else None
            if rows is None and (not key or ashare.is_index(symbol)):
                rows = node.get(period)  # indices: nothing to adjust, served as traded
            elif rows is None and period in node:
                raise HistoryError(self.name, symbol, f"asked for {key} prices, the answer has "
                                   f"only '{period}' (not known to be adjusted)")  # fmt: skip
        if rows is None:
            if not node.get("qt", {}).get(code):
                raise HistoryError(self.name, symbol, "the answer holds no bars (unknown code?)")
            rows = []
            if first_window and request.start is None and request.end is None:
                raise HistoryError(self.name, symbol, "the answer holds no bars")
        if not isinstance(rows, list):
            raise HistoryError(self.name, symbol, f"bars are a {type(rows).__name__}, not a list")
        shares = 1.0 if ashare.is_star(symbol) else ashare.LOT
        starts, values = [], []
        for index, row in enumerate(rows):
            if not isinstance(row, list) or not row:
                raise HistoryError(self.name, symbol, f"row {index} {row!r} is not a list")
            starts.append(ashare.label(self.name, symbol, request.timeframe, str(row[0])))
            o, c, h, low, v = ashare.numbers(self.name, symbol, row[1:6], index, FIELDS)
            values.append([o, h, low, c, v * shares])
        return ashare.frame(symbol, request.timeframe, starts, values, None)

    def _node(self, symbol: str, code: str, answer: Any) -> dict[str, Any]:
        if not isinstance(answer, dict):
            raise HistoryError(self.name, symbol, "the answer is not a JSON object")
        if answer.get("code") not in (0, "0"):
            why = answer.get("msg") or answer.get("code")
            raise HistoryError(self.name, symbol, f"the vendor refused: {why!r}")
        data = answer.get("data")
        node = data.get(code) if isinstance(data, dict) else None
        if not isinstance(node, dict):
            raise HistoryError(self.name, symbol, f"the answer has no data for {code}")
        return node
