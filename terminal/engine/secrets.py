"""Secrets come from environment variables or the OS keyring, never from files or logs."""

from __future__ import annotations

import os

from terminal.engine.logs import register_secret


class MissingSecretError(LookupError):
    pass


def get_secret(env_var: str, keyring_service: str = "terminal") -> str:
    """Return the secret named by ``env_var``: from the environment, else from the keyring."""
    value = os.environ.get(env_var)
    if value:
        register_secret(value)
        return value
    try:
        import keyring  # optional dependency
    except ImportError:
        keyring = None
    if keyring is not None:
        stored = keyring.get_password(keyring_service, env_var)
        if stored:
            register_secret(str(stored))
            return str(stored)
    raise MissingSecretError(
        f"secret {env_var} is not set: export {env_var}=... or store it in the keyring "
        f"under service '{keyring_service}'"
    )
