"""A local HTTP server for tests (127.0.0.1, a free port, keep-alive): every GET is answered by
a function of its path and headers. The vendor servers of the feed and history tests use it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = tuple[int, bytes, str]
"""HTTP status, body, Content-Type."""
Answering = Callable[[str, dict[str, str]], Answer]


def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str) -> None:
    """Send ``body`` as a vendor does: with its length, on a kept-alive connection."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class QuietHandler(BaseHTTPRequestHandler):
    """Keep-alive, like the vendors, and no request lines on the test's output."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Handler(QuietHandler):
    answering: Answering

    def do_GET(self) -> None:
        status, body, content_type = type(self).answering(self.path, dict(self.headers.items()))
        reply(self, status, body, content_type)


@contextmanager
def local_server(answering: Answering) -> Iterator[str]:
    """Yield the server's base address (``http://127.0.0.1:PORT``); stop it on the way out."""
    handler = type("Handler", (_Handler,), {"answering": staticmethod(answering)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    # A short poll: shutdown() waits for it, and every test stops a server.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
