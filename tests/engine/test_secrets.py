"""Secrets: from the environment or the OS keyring (a real backend class, in memory here), a
keyring that fails is a missing secret with its reason, and exceptions lose the secret."""

from __future__ import annotations

import base64
import smtplib
from collections.abc import Iterator

import keyring
import keyring.backend
import keyring.backends.fail
import pytest

from terminal.engine.secrets import MissingSecretError, get_secret, scrubbed


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend holding its entries in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def backend() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


def test_the_environment_comes_first_then_the_keyring(
    backend: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_password("desk-mail", "DESK_PASSWORD", "from-keyring")
    assert get_secret("DESK_PASSWORD", "desk-mail") == "from-keyring"
    monkeypatch.setenv("DESK_PASSWORD", "from-env")
    assert get_secret("DESK_PASSWORD", "desk-mail") == "from-env"
    with pytest.raises(MissingSecretError, match="under service 'terminal'"):
        get_secret("OTHER_PASSWORD")


def test_a_keyring_that_fails_is_a_missing_secret_with_its_reason() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        with pytest.raises(MissingSecretError) as error:
            get_secret("DESK_PASSWORD")
    finally:
        keyring.set_keyring(previous)
    message = str(error.value)
    assert message.startswith("secret DESK_PASSWORD is not set: export DESK_PASSWORD=")
    assert "(the keyring: No recommended backend was available." in message
    assert "\n" not in message


class BrokenKeyring(MemoryKeyring):
    """A keyring whose service fails in its own way (as a D-Bus keyring can)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown:\n  no secrets service")


def test_a_keyring_failing_in_its_own_way_is_a_missing_secret_too() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(BrokenKeyring())
    try:
        with pytest.raises(MissingSecretError, match=r"\(the keyring: org\.freedesktop\.DBus"
                           r"\.Error\.ServiceUnknown: no secrets service\)$"):  # fmt: skip
            get_secret("DESK_PASSWORD")
    finally:
        keyring.set_keyring(previous)


def test_an_exception_quoting_the_secret_loses_it_and_keeps_its_type() -> None:
    token = base64.b64encode(b"\0alice\0s3cret!").decode()
    exc = smtplib.SMTPAuthenticationError(535, f"no alice:s3cret! ({token})".encode())
    clean = scrubbed(exc, "s3cret!", "alice")
    assert isinstance(clean, smtplib.SMTPAuthenticationError) and clean.smtp_code == 535
    assert clean.smtp_error == b"no alice:<secret> (<secret>)"
    assert "s3cret" not in repr(clean.args) + str(clean) and token not in str(clean)
    unrelated = OSError("connection refused")
    assert scrubbed(unrelated, "s3cret!", "alice") is unrelated
