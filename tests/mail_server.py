"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), with optional TLS and login.

``Controller(port=0)`` cannot start, so a free port is found first. Certificates are
self-signed, made by the ``openssl`` command line in the test's own folder.
"""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import logging
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"

# aiosmtpd logs each connection from its own thread, which can outlive a test's captured
# streams ("--- Logging error ---" noise); its warnings and errors still show.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def refused_port() -> Iterator[int]:
    """A port that refuses connections for as long as the block runs: bound, never
    listening, so no server started meanwhile can be handed the same number."""
    with socket.socket() as holder:
        holder.bind((HOST, 0))
        yield int(holder.getsockname()[1])


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost: (certificate, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def server_tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


class MailSink:
    """Records each message the server accepts. The first ``fail_first`` DATA commands get
    ``fail_reply`` instead (a 4xx or 5xx reply); ``reply`` answers the rest."""

    def __init__(self, fail_first: int = 0, fail_reply: str = "451 4.3.0 Try again later") -> None:
        self.fail_first = fail_first
        self.fail_reply = fail_reply
        self.attempts = 0
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[str] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.attempts += 1
            if self.attempts <= self.fail_first:
                return self.fail_reply
            self.raw.append(bytes(envelope.original_content or envelope.content))
            self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 2.0.0 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            raw = list(self.raw)
        return [email.message_from_bytes(r, policy=email.policy.default) for r in raw]  # type: ignore[misc]


class Credentials:
    """An aiosmtpd authenticator accepting one user name and password. With ``echo`` it quotes
    a rejected login back in its reply, as text and as the AUTH PLAIN token (servers that
    do exist), so a client that logs server replies would log the password."""

    def __init__(self, sink: MailSink, user: str, password: str, echo: bool = False) -> None:
        self.sink, self.user, self.password, self.echo = sink, user, password, echo

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == self.user
            and auth_data.password.decode() == self.password
        )
        if ok:
            self.sink.logins.append(self.user)
        if not ok and self.echo and isinstance(auth_data, LoginPassword):
            login, password = auth_data.login, auth_data.password
            token = base64.b64encode(b"\0" + login + b"\0" + password).decode()
            quoted = f"{login.decode()}:{password.decode()} ({token})"
            return AuthResult(success=False, handled=False, message=f"535 5.7.8 no {quoted}")
        return AuthResult(success=ok, handled=False)


@contextmanager
def smtp_server(
    sink: MailSink,
    port: int | None = None,
    implicit_tls: ssl.SSLContext | None = None,
    starttls: ssl.SSLContext | None = None,
    credentials: tuple[str, str] | None = None,
    echo: bool = False,
) -> Iterator[Controller]:
    """Run an SMTP server on ``port`` (a free one by default) until the block ends."""
    kwargs: dict[str, Any] = {}
    if implicit_tls is not None:
        kwargs["ssl_context"] = implicit_tls
    if starttls is not None:
        kwargs.update(tls_context=starttls, require_starttls=True)
    if credentials is not None:
        kwargs.update(
            authenticator=Credentials(sink, *credentials, echo=echo),
            auth_required=True,
            auth_require_tls=implicit_tls is None,  # aiosmtpd cannot see implicit TLS
        )
    # A plain asyncio loop for the server's thread: under the tests' qasync set-up the policy's
    # new_event_loop() would not be one, and the server must not touch Qt.
    loop = asyncio.SelectorEventLoop()
    controller = Controller(sink, hostname=HOST, port=port or free_port(), loop=loop, **kwargs)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()
        loop.close()
