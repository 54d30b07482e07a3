"""One fetch through a provider pointed at a local server, as the backfill makes it."""

from __future__ import annotations

from typing import Any

import msgspec
import pandas as pd

from terminal.adapters.history.http import HttpHistoryOptions, HttpHistoryProvider
from terminal.engine.history.fetch import fetch_bars
from terminal.engine.history.provider import HistoryRequest
from terminal.engine.sessions import load_sessions, session_calendar
from tests.aio import run

CALENDAR = session_calendar(load_sessions()["cn_stock"])


def provider(cls: type[HttpHistoryProvider], base: str = "") -> HttpHistoryProvider:
    options = {"base_url": base} if base else {}
    return cls(cls.plugin_name, msgspec.convert(options, HttpHistoryOptions))


def fetch(cls: type[HttpHistoryProvider], base: str, **request: Any) -> pd.DataFrame:
    """The bars ``request`` asks ``cls`` (a provider on ``base``) for, labelled and aligned."""
    source = provider(cls, base)

    async def go() -> pd.DataFrame:
        try:
            fetched = await fetch_bars(source, HistoryRequest(**request), CALENDAR,
                                       lambda *_: None)  # fmt: skip
            return fetched.bars
        finally:
            await source.close()

    return run(go())
