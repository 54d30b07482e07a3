"""Sending one email over SMTP without blocking the loop, and telling a retry from a give-up.

``smtplib`` runs in the loop's default executor. Connection trouble and 4xx replies are worth
retrying; 5xx replies, authentication failures, TLS/certificate problems and a missing
password are not: waiting will not fix them, the user must. The password is fetched at send
time and appears in no message and no log line: whatever goes wrong after it is read is
raised without it (``secrets.scrubbed``), since a server may quote a rejected login back.
A plain-text login (``security = "none"``) goes only to this machine unless
``allow_plaintext_login`` says otherwise.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY

import msgspec

from terminal.adapters.mail.options import MailBrokerOptions, is_loopback
from terminal.engine.secrets import MissingSecretError, get_secret, scrubbed

# Our own small pool of plain threads rather than the loop's default executor (a QThread pool
# under qasync): SMTP sends are few, may take the whole timeout, and must not starve others.
_EXECUTOR = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="smtp")


class SendResult(msgspec.Struct, frozen=True):
    """``ok``; else ``permanent`` says whether retrying is pointless; ``detail`` the exact error.

    ``refused`` lists recipients the server turned down while accepting the others.
    """

    ok: bool
    permanent: bool = False
    detail: str = ""
    refused: str = ""


class PlaintextLoginRefused(ConnectionError):
    """A login without encryption to a server that is not this machine."""


def tls_context(options: MailBrokerOptions) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if options.ca_file:
        context.load_verify_locations(options.ca_file)
    return context


def send_blocking(
    options: MailBrokerOptions, sender: str, recipients: list[str], raw: bytes
) -> str:
    """Connect, secure, log in, send; returns refused recipients as text. Raises on failure."""
    host, port, timeout = options.host, options.effective_port, options.timeout_s
    password = get_secret(options.password_env, options.keyring_service) if options.username else ""
    client: smtplib.SMTP
    if options.security == "tls":
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=tls_context(options))
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if options.security == "starttls":
            client.starttls(context=tls_context(options))
        if options.username:
            if options.plaintext_login and not options.allow_plaintext_login:
                _refuse_plaintext_beyond_loopback(client, options)
            login(client, options.username, password)
        refused = client.sendmail(sender, recipients, raw)
    except BaseException as exc:
        client.close()
        raise scrubbed(exc, password, options.username) from None
    # The message was accepted: a failed goodbye must not make us send it twice.
    with contextlib.suppress(smtplib.SMTPException, OSError):
        client.quit()
    return "; ".join(
        f"{address}: {_reply(code, text)}" for address, (code, text) in refused.items()
    )


def _refuse_plaintext_beyond_loopback(client: smtplib.SMTP, options: MailBrokerOptions) -> None:
    """Where the connection really went, not what the name said (a name can resolve anywhere)."""
    peer = str(client.sock.getpeername()[0]) if client.sock is not None else options.host
    if not is_loopback(peer):
        raise PlaintextLoginRefused(
            f"login refused: security = 'none' would send the password to {options.host} "
            f"({peer}) unencrypted; use tls or starttls, or set allow_plaintext_login = true"
        )


def login(client: smtplib.SMTP, username: str, password: str) -> None:
    """``SMTP.login``, except that non-ASCII credentials go as UTF-8 in AUTH PLAIN (RFC 4616):
    smtplib encodes them as ASCII and would fail on e.g. an umlaut in the password."""
    if (username + password).isascii():
        client.login(username, password)
        return
    client.ehlo_or_helo_if_needed()
    if "plain" not in client.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPNotSupportedError("the server offers no AUTH PLAIN for a non-ASCII login")
    token = base64.b64encode(b"\0" + username.encode() + b"\0" + password.encode()).decode()
    code, reply = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


async def deliver(
    options: MailBrokerOptions, sender: str, recipients: list[str], raw: bytes
) -> SendResult:
    """Send on the default executor; classify any failure."""
    loop = asyncio.get_running_loop()
    try:
        refused = await loop.run_in_executor(None, send_blocking, options, sender, recipients, raw)
    except Exception as exc:
        permanent, detail = classify(exc)
        return SendResult(ok=False, permanent=permanent, detail=detail)
    return SendResult(ok=True, refused=refused)


def classify(exc: BaseException) -> tuple[bool, str]:
    """(permanent, detail) of a failure; detail quotes the server's reply if there is one."""
    if isinstance(exc, MissingSecretError):
        return True, f"password: {exc}"
    if isinstance(exc, PlaintextLoginRefused):
        return True, str(exc)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return True, f"authentication failed: {_reply(exc.smtp_code, exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        detail = "recipients refused: " + "; ".join(
            f"{address}: {_reply(code, text)}" for address, (code, text) in exc.recipients.items()
        )
        return any(code >= 500 for code in codes), detail
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500, _reply(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return True, f"server does not support it: {exc}"
    if isinstance(exc, ssl.SSLError):
        return True, f"TLS: {exc.reason or exc}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return False, f"server disconnected: {exc}"
    if isinstance(exc, OSError):
        return False, f"connection: {exc}"
    if isinstance(exc, ValueError):  # e.g. a header or address the protocol cannot carry
        return True, f"{type(exc).__name__}: {exc}"
    return False, f"{type(exc).__name__}: {exc}"


def _reply(code: int, text: bytes | str) -> str:
    message = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(message.split())}"


def build_test_message(name: str, options: MailBrokerOptions, when: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"Terminal test email from mail broker '{name}'"
    message["From"] = options.sender
    message["To"] = ", ".join(options.recipients)
    message.set_content(
        f"If you can read this, alerts from mail broker '{name}' reach you.\n"
        f"Sent {when} via {options.host}:{options.effective_port} ({options.security}).\n"
    )
    return message


async def send_test_email(name: str, options: MailBrokerOptions, when: str) -> SendResult:
    """Send :func:`build_test_message` once, no retries: the user wants the answer now."""
    raw = build_test_message(name, options, when).as_bytes(policy=SMTP_POLICY)
    return await deliver(options, options.sender, options.recipients, raw)
