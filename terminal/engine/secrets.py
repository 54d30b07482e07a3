"""Secrets come from environment variables or the OS keyring, never from files or logs.

A secret is kept out of log records where it is used: :func:`scrubbed` strips it (and the
encodings a login puts on the wire) from an exception before anything logs, stores or shows
that exception. Nothing rewrites log lines afterwards by searching them for secrets: a short
secret that is also an ordinary word would turn every line holding the word into a hint.
"""

from __future__ import annotations

import base64
import copy
import os

import keyring


class MissingSecretError(LookupError):
    pass


def get_secret(env_var: str, keyring_service: str = "terminal") -> str:
    """Return the secret named by ``env_var``: from the environment, else from the keyring
    (service ``keyring_service``, user name ``env_var``)."""
    value = os.environ.get(env_var)
    if value:
        return value
    try:
        stored = keyring.get_password(keyring_service, env_var)
    except Exception as exc:  # no backend, a locked or broken keyring, its D-Bus failing
        detail = " ".join(str(exc).split()) or type(exc).__name__
        why = f" (the keyring: {detail})"
    else:
        if stored:
            return str(stored)
        why = ""
    raise MissingSecretError(
        f"secret {env_var} is not set: export {env_var}=... or store it in the keyring "
        f"under service '{keyring_service}'{why}"
    )


def _forms(secret: str, user: str) -> list[str]:
    """``secret`` as text and as the base64 a login sends (AUTH PLAIN, AUTH LOGIN)."""
    forms = [secret]
    for raw in (secret.encode(), f"\0{user}\0{secret}".encode(), f"{user}\0{secret}".encode()):
        forms.append(base64.b64encode(raw).decode())
    return [form for form in forms if form]


def _scrub_value(value: object, forms: list[str]) -> object:
    if isinstance(value, str):
        for form in forms:
            value = value.replace(form, "<secret>")
        return value
    if isinstance(value, bytes):
        for form in forms:
            value = value.replace(form.encode(), b"<secret>")
        return value
    if isinstance(value, tuple):
        return tuple(_scrub_value(item, forms) for item in value)
    if isinstance(value, dict):
        return {key: _scrub_value(item, forms) for key, item in value.items()}
    return value


def scrubbed(exc: BaseException, secret: str, user: str = "") -> BaseException:
    """``exc`` as it may be logged: the same type, with ``secret`` (and its login encodings)
    replaced in its arguments and attributes; ``exc`` itself when none holds it."""
    if not secret:
        return exc
    forms = _forms(secret, user)
    args = _scrub_value(exc.args, forms)
    attributes = {name: _scrub_value(value, forms) for name, value in vars(exc).items()}
    if args == exc.args and all(attributes[n] == v for n, v in vars(exc).items()):
        return exc
    try:
        clean = copy.copy(exc)
    except Exception:  # a type that cannot be rebuilt from its arguments
        return RuntimeError(f"{type(exc).__name__}: {_scrub_value(str(exc), forms)}")
    clean.args = args  # type: ignore[assignment]
    for name, value in attributes.items():
        setattr(clean, name, value)
    clean.__cause__ = clean.__context__ = None
    clean.__suppress_context__ = True
    clean.__traceback__ = exc.__traceback__
    return clean
