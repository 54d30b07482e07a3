"""Test set-up shared by every test: offscreen Qt, private config and data folders."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Must happen before any QApplication exists: without a display Qt would abort the process.
# The offscreen screen is 800x800 by default; tests get a desktop-sized one, as users have.
SCREEN = Path(__file__).with_name("offscreen_screen.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN}"
# No test may reach (or wait for a prompt from) the real OS keyring: the null backend finds
# nothing; tests of the keyring path set a backend of their own. Subprocesses inherit it.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"


@pytest.fixture(autouse=True)
def private_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Keep every test away from the real user's config and data folders."""
    monkeypatch.setenv("TERMINAL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TERMINAL_DATA_DIR", str(tmp_path / "data"))
    yield tmp_path


@pytest.fixture(autouse=True)
def terminal_log_handlers_removed() -> Iterator[None]:
    """A test that runs a command in process installs the terminal's console and file log
    handlers on the root logger, the console one bound to that test's captured stderr: left
    there, a later test's log line goes to a closed stream ("--- Logging error ---")."""
    root = logging.getLogger()
    before = set(root.handlers)
    yield
    marks = ("_terminal_console", "_terminal_file")
    for handler in [h for h in root.handlers if h not in before]:
        if any(getattr(handler, mark, False) for mark in marks):
            root.removeHandler(handler)
            handler.close()
