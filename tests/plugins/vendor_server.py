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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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


def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str) -> None:
    """Send ``body`` as a vendor does: with its length, on a kept-alive connection."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class QuietHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the vendors

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    """Serve ``handler`` on 127.0.0.1 from a thread until the block ends; yields the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class _Handler(QuietHandler):
    state: VendorState

    def do_GET(self) -> None:
        self.state.requests.append((self.path, dict(self.headers.items())))
        if self.state.stall_s:
            time.sleep(self.state.stall_s)
        status, body = self.state.answer(self.path)
        reply(self, status, body, "application/javascript; charset=GBK")


@contextmanager
def vendor_server() -> Iterator[tuple[str, VendorState]]:
    """Yield the server's base address (``http://127.0.0.1:PORT``) and its state."""
    state = VendorState()
    with serving(type("Handler", (_Handler,), {"state": state})) as port:
        yield f"http://127.0.0.1:{port}", state
