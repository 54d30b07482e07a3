"""A local HTTP server answering like Sina's, Tencent's and Eastmoney's K-line endpoints.

Tests give it bars (as vendor rows) or saved real answers per code; it answers each request
the way the vendor does — Sina's newest ``datalen`` rows in its JSONP wrapper (GBK), Tencent's
rows of the asked date window under the key of the asked adjustment, Eastmoney's newest ``lmt``
rows of the asked dates — and records every request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from tests.local_http import local_server

SINA_GUARD = "/*<script>location.href='//sina.com';</script>*/\n"
Answer = tuple[int, str]


@dataclass
class VendorBars:
    """Bars one vendor holds per code, in its own row format, oldest first."""

    sina: dict[tuple[str, int], list[dict[str, str]]] = field(default_factory=dict)
    sina_factors: dict[tuple[str, str], str] = field(default_factory=dict)
    qq: dict[tuple[str, str], list[list[object]]] = field(default_factory=dict)
    """(code, key as answered: qfqday, day, m5…) → rows."""
    eastmoney: dict[tuple[str, int, int], list[str]] = field(default_factory=dict)
    """(secid, klt, fqt) → CSV lines."""
    raw: dict[str, str] = field(default_factory=dict)
    """Path prefix → a saved answer, served as it is (before anything above)."""
    requests: list[str] = field(default_factory=list)
    fail: dict[str, int] = field(default_factory=dict)
    """Path prefix → HTTP status to answer with."""
    gate: threading.Event | None = None
    """When set, every answer waits until the event is set (a slow vendor)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, target: str) -> tuple[int, bytes, str]:
        with self.lock:
            self.requests.append(target)
        path, query = _split(target)
        for prefix, status in self.fail.items():
            if target.startswith(prefix):
                return status, b"busy", "text/plain"
        for prefix, text in self.raw.items():
            if target.startswith(prefix):
                charset = "GBK" if "sina" in prefix or "CN_Market" in target else "UTF-8"
                return 200, text.encode(charset), f"application/javascript; charset={charset}"
        for route in (self._sina, self._sina_factor, self._qq_days, self._qq_minutes, self._em):
            found = route(path, query)
            if found is not None:
                status, text = found
                charset = "GBK" if route in (self._sina, self._sina_factor) else "UTF-8"
                return status, text.encode(charset), f"application/javascript; charset={charset}"
        return 404, b"not found", "text/plain"

    # ---- Sina ------------------------------------------------------------------------------
    def _sina(self, path: str, query: dict[str, str]) -> Answer | None:
        if "getKLineData" not in path:
            return None
        code, scale, datalen = query["symbol"], int(query["scale"]), int(query["datalen"])
        rows = self.sina.get((code, scale))
        name = unquote(path.split("/jsonp_v2.php/")[1].split("=")[0])
        body = "null" if rows is None else json.dumps(rows[-datalen:], separators=(",", ":"))
        return 200, f"{SINA_GUARD}{name}=({body});"

    def _sina_factor(self, path: str, query: dict[str, str]) -> Answer | None:
        if not path.startswith("/realstock/company/"):
            return None
        code, kind = path.split("/")[3], path.rsplit("/", 1)[1].removesuffix(".js")
        text = self.sina_factors.get((code, kind))
        return (404, "not found") if text is None else (200, text)

    # ---- Tencent ---------------------------------------------------------------------------
    def _qq_days(self, path: str, query: dict[str, str]) -> Answer | None:
        if path != "/appstock/app/fqkline/get":
            return None
        code, period, since, until, count, fq = query["param"].split(",")
        node: dict[str, object] = {"qt": {code: ["1", "name", code[2:]]} if self._knows(code)
                                   else {code: []}}  # fmt: skip
        for key in (fq + period, period):
            rows = self.qq.get((code, key))
            if rows is not None:
                window = [r for r in rows if (not since or str(r[0]) >= since)
                          and (not until or str(r[0]) <= until)]  # fmt: skip
                if window:
                    node[key] = window[-int(count) :]
                break
        return 200, json.dumps({"code": 0, "msg": "", "data": {code: node}})

    def _qq_minutes(self, path: str, query: dict[str, str]) -> Answer | None:
        if path != "/appstock/app/kline/mkline":
            return None
        code, key, _, count = query["param"].split(",")
        node: dict[str, object] = {"qt": {code: ["1"] if self._knows(code) else []}}
        if (code, key) in self.qq:
            node[key] = self.qq[(code, key)][-int(count) :]
        return 200, json.dumps({"code": 0, "msg": "", "data": {code: node}})

    def _knows(self, code: str) -> bool:
        return any(known == code for known, _ in self.qq)

    # ---- Eastmoney -------------------------------------------------------------------------
    def _em(self, path: str, query: dict[str, str]) -> Answer | None:
        if path != "/api/qt/stock/kline/get":
            return None
        key = (query["secid"], int(query["klt"]), int(query["fqt"]))
        lines = self.eastmoney.get(key)
        if lines is None:
            return 200, json.dumps({"rc": 0, "data": None})
        since, until = query["beg"], query["end"]
        day = lambda line: line[:10].replace("-", "")  # noqa: E731
        window = [x for x in lines if (since == "0" or day(x) >= since) and day(x) <= until]
        window = window[-int(query["lmt"]) :]
        data = {"code": key[0][2:], "market": int(key[0][0]), "dktotal": len(lines),
                "klines": window}  # fmt: skip
        return 200, json.dumps({"rc": 0, "data": data}, ensure_ascii=False)


def _split(target: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(target)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


@contextmanager
def history_server() -> Iterator[tuple[str, VendorBars]]:
    """Yield the server's base address (``http://127.0.0.1:PORT``) and what it holds."""
    state = VendorBars()

    def answering(path: str, headers: dict[str, str]) -> tuple[int, bytes, str]:
        if state.gate is not None:
            state.gate.wait(10)
        return state.answer(path)

    with local_server(answering) as base:
        yield base, state
