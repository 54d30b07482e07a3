"""A local HTTP server answering like Sina's and Tencent's quote endpoints, byte for byte.

It serves ``/list=sh600000,sz000001`` (Sina) and ``/q=sh600000,sz000001`` (QQ) from payloads
the test sets, GBK-encoded as the vendors do, and records each request's path and headers.
It can be told to fail the next requests (HTTP 500 or a stall) to exercise back-off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.local_http import local_server


@dataclass
class VendorState:
    sina: dict[str, str] = field(default_factory=dict)
    qq: dict[str, str] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    fail_next: int = 0
    stall_s: float = 0.0
    extra_lines: str = ""
    extra_bytes: bytes = b""
    """Appended to every answer as they are: a line in another encoding, a cut answer."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str) -> tuple[int, bytes]:
        with self.lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500, b"busy"
            if path.startswith("/list="):
                codes = path[len("/list=") :].split(",")
                body = "".join(f'var hq_str_{c}="{self.sina.get(c, "")}";\n' for c in codes)
            elif path.startswith("/q="):
                codes = path[len("/q=") :].split(",")
                body = "".join(
                    f'v_{c}="{self.qq[c]}";\n' if c in self.qq else 'v_pv_none_match="1";\n'
                    for c in codes
                )
            else:
                return 404, b"not found"
            return 200, (body + self.extra_lines).encode("gbk") + self.extra_bytes


@contextmanager
def vendor_server() -> Iterator[tuple[str, VendorState]]:
    """Yield the server's base address (``http://127.0.0.1:PORT``) and its state."""
    state = VendorState()

    def answering(path: str, headers: dict[str, str]) -> tuple[int, bytes, str]:
        state.requests.append((path, headers))
        if state.stall_s:
            time.sleep(state.stall_s)
        status, body = state.answer(path)
        return status, body, "application/javascript; charset=GBK"

    with local_server(answering) as base:
        yield base, state
