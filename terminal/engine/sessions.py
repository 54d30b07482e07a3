"""Trading-session definitions, kept as data in ``resources/sessions.toml``."""

from __future__ import annotations

import tomllib
from pathlib import Path

import msgspec

from terminal.domain.instrument import TradingSessions
from terminal.engine.paths import RESOURCES

SESSIONS_FILE = RESOURCES / "sessions.toml"
ALWAYS = TradingSessions(name="always", timezone="UTC")


def load_sessions(path: Path = SESSIONS_FILE) -> dict[str, TradingSessions]:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    sessions = {
        name: msgspec.convert({"name": name, **table}, TradingSessions)
        for name, table in raw.items()
    }
    sessions.setdefault("always", ALWAYS)
    return sessions
