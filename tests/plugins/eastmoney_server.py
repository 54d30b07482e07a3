"""A local HTTP server answering like Eastmoney's list endpoint (``/api/qt/clist/get``).

Rows are kept per filter (``fs``) and served a page at a time (``pn``, ``pz``) in the
vendor's envelope, as JSON or, with ``cb``, JSONP, UTF-8 as Eastmoney sends it. Rows come
from saved real answers (``tests/data/vendors/``) or are built in their shape. A page can be
set to answer with given bytes (a saved answer verbatim, a cut one) or an HTTP error.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.local_http import local_server

DATA = Path(__file__).resolve().parents[1] / "data" / "vendors"
Row = dict[str, Any]


def saved_rows(name: str) -> list[Row]:
    """The rows (``diff``) of a saved answer, JSON or JSONP."""
    text = (DATA / name).read_text(encoding="utf-8").strip()
    if not text.startswith("{"):
        text = text[text.index("(") + 1 : text.rindex(")")]
    return list(json.loads(text)["data"]["diff"])


def row(code: str, market: int, name: str, price: float | str, prev_close: float) -> Row:
    """A row in the shape of the saved answers (the fields the downloader asks for)."""
    return {"f2": price, "f12": code, "f13": market, "f14": name, "f18": prev_close}


@dataclass
class ListState:
    rows: dict[str, list[Row]] = field(default_factory=dict)  # by fs
    raw: dict[tuple[str, int], tuple[int, bytes]] = field(default_factory=dict)  # (fs, pn)
    requests: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, query: dict[str, str]) -> tuple[int, bytes]:
        with self.lock:
            self.requests.append(query)
            fs, page = query.get("fs", ""), int(query.get("pn", "1"))
            if (fs, page) in self.raw:
                return self.raw[(fs, page)]
            rows = self.rows.get(fs, [])
            size = int(query.get("pz", "20"))
            diff = rows[(page - 1) * size : page * size]
            envelope = {"rc": 0, "rt": 6, "svr": 182482649, "lt": 1, "full": 1, "dlmkts": "",
                        "data": {"total": len(rows), "diff": diff}}  # fmt: skip
            body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
            callback = query.get("cb")
            return 200, (f"{callback}({body});" if callback else body).encode("utf-8")


@contextmanager
def eastmoney_server() -> Iterator[tuple[str, ListState]]:
    """Yield the list endpoint's address (``http://127.0.0.1:PORT/api/qt/clist/get``)."""
    state = ListState()

    def answering(path: str, headers: dict[str, str]) -> tuple[int, bytes, str]:
        parts = urlsplit(path)
        if parts.path != "/api/qt/clist/get":
            return 404, b"not found", "text/plain"
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        status, body = state.answer(query)
        return status, body, "application/javascript; charset=UTF-8"

    with local_server(answering) as base:
        yield f"{base}/api/qt/clist/get", state
