"""Eastmoney's K-lines (``push2his.eastmoney.com/api/qt/stock/kline/get``): every timeframe,
adjusted weeks and months included, where Sina and Tencent have gaps.

``?secid=1.601872&klt=101&fqt=1&fields1=f1,f2,f3,f4,f5,f6&fields2=f51,…,f57&beg=0&end=20500101
&lmt=1000`` answers::

    {"rc":0,…,"data":{"code":"601872","market":1,"name":"招商轮船","decimal":2,"dktotal":4621,
    "preKPrice":6.08,"klines":["2024-12-18,6.11,6.18,6.28,6.10,842743,542829495.00", …]}}

- ``secid`` is market.code: 1 for Shanghai (stocks, STAR, funds, indices), 0 for Shenzhen and
  Beijing. ``klt``: 1, 5, 15, 30, 60 minutes, 101 day, 102 week, 103 month. ``fqt``: 0 none,
  1 qfq, 2 hfq (prices only: volume and amount stay as traded). ``lmt``: the newest N bars.
- A ``klines`` item is CSV in the order of ``fields2``: f51 date (``YYYY-MM-DD``, or the bar's
  **end** ``YYYY-MM-DD HH:MM`` for minutes), f52 open, f53 **close**, f54 high, f55 low,
  f56 volume in **lots** (STAR and indices too), f57 amount in yuan.
- ``data`` null: no such code. ``klines`` empty with ``dktotal`` 0: throttled, or no such
  code — never read as "no history". ``cb=`` would wrap the answer as JSONP; it is unwrapped.
- Whether minute bars can be adjusted is not documented, so they are asked for as traded.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from terminal.adapters.history import ashare
from terminal.adapters.history.http import HttpHistoryProvider
from terminal.domain.enums import Adjust
from terminal.engine.history.provider import HistoryError, HistoryRequest, Progress

HOST = "https://push2his.eastmoney.com"
KLT = {"1m": 1, "5m": 5, "15m": 15, "30m": 30, "1h": 60, "1d": 101, "1w": 102, "1M": 103}
INTRADAY = ("1m", "5m", "15m", "30m", "1h")
FQT = {Adjust.NONE: 0, Adjust.QFQ: 1, Adjust.HFQ: 2}
FIELDS = ("open", "close", "high", "low", "volume", "amount")
FIELDS2 = "f51,f52,f53,f54,f55,f56,f57"  # date, open, close, high, low, lots, yuan


class EastmoneyHistory(HttpHistoryProvider):
    """Eastmoney K-lines of A-shares, funds and indices on SSE, SZSE and BSE."""

    plugin_name = "eastmoney"

    def native(self, timeframe: str, adjust: Adjust) -> bool:
        return timeframe in KLT and (timeframe not in INTRADAY or adjust is Adjust.NONE)

    async def fetch(self, request: HistoryRequest, progress: Progress) -> pd.DataFrame:
        symbol = request.symbol
        code = ashare.vendor_code(self.name, symbol)
        secid = f"{1 if code.startswith('sh') else 0}.{code[2:]}"
        begin = ashare.local_date(request.start).strftime("%Y%m%d") if request.start else "0"
        end = ashare.local_date(request.end).strftime("%Y%m%d") if request.end else "20500101"
        limit = request.count if request.count and request.start is None else 1_000_000
        path = (f"/api/qt/stock/kline/get?secid={secid}&klt={KLT[request.timeframe]}"
                f"&fqt={FQT[request.adjust]}&fields1=f1,f2,f3,f4,f5,f6&fields2={FIELDS2}"
                f"&beg={begin}&end={end}&lmt={limit}")  # fmt: skip
        bars = self.parse(request, await self.get(symbol, HOST, path))
        progress(1, 1, len(bars))
        return bars

    def parse(self, request: HistoryRequest, text: str) -> pd.DataFrame:
        symbol = request.symbol
        body = text.strip()
        if not body.startswith("{"):  # JSONP: name({...});
            body = body[body.find("(") + 1 : body.rfind(")")]
        answer = self.json(symbol, body, "the answer")
        data = self._data(symbol, answer)
        lines = data.get("klines")
        if not isinstance(lines, list):
            raise HistoryError(self.name, symbol, "the answer has no 'klines' list")
        if not lines and not data.get("dktotal"):
            raise HistoryError(self.name, symbol, "no bars and dktotal 0: throttled, or no "
                                                  "such code")  # fmt: skip
        starts, values, amounts = [], [], []
        for index, line in enumerate(lines):
            cells = str(line).split(",")
            starts.append(ashare.label(self.name, symbol, request.timeframe, cells[0]))
            o, c, h, low, v, amount = ashare.numbers(self.name, symbol, cells[1:7], index, FIELDS)
            values.append([o, h, low, c, v * ashare.LOT])
            amounts.append(amount)
        return ashare.frame(symbol, request.timeframe, starts, values, amounts)

    def _data(self, symbol: str, answer: Any) -> dict[str, Any]:
        if not isinstance(answer, dict):
            raise HistoryError(self.name, symbol, "the answer is not a JSON object")
        if answer.get("rc") not in (0, None):
            raise HistoryError(self.name, symbol, f"the vendor refused: rc {answer.get('rc')}")
        data = answer.get("data")
        if not isinstance(data, dict):
            raise HistoryError(self.name, symbol, "the answer has no data (unknown code?)")
        return data
