"""Base class of history providers: past bars of a symbol, timeframe and date range.

Required: ``supports``, ``native``, ``fetch``. Optional: ``close`` (release connections),
``sessions`` (the session definition the symbol's bars follow). A provider is a plugin of kind
``history`` (entry-point group ``terminal.history``, folder ``plugins/history/``); it knows its
vendor's answers and nothing of the engine: the backfill and ``terminal history download`` call
it and merge what it returns.

What ``fetch`` returns (a frame with :data:`~terminal.engine.bars.batch.BAR_COLUMNS`):

- ``start``: UTC nanoseconds, the engine's labels: a day bar at local midnight of its trading
  day, a week bar at the Monday, a month bar on the 1st; an intraday bar at its **end minus its
  length** (vendors stamp intraday bars by their end; :func:`~terminal.engine.history.periods.
  align_intraday` then puts them on the session grid);
- prices in the adjustment asked for; ``volume`` in shares (or contracts), never lots;
  ``turnover`` in the quote currency, NaN where the vendor does not say; ``ticks`` 0.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

import msgspec
import pandas as pd

from terminal.domain.enums import Adjust

Progress = Callable[[int, int, int], None]
"""``progress(requests_done, requests_total, bars_so_far)``, called as answers arrive."""


class HistoryRequest(msgspec.Struct, frozen=True, kw_only=True):
    """Bars of ``symbol`` and ``timeframe`` starting in ``[start, end]`` (UTC ns, either open);
    with ``count``, only the newest ``count`` of them."""

    symbol: str
    timeframe: str
    adjust: Adjust = Adjust.NONE
    start: int | None = None
    end: int | None = None
    count: int | None = None

    def describe(self) -> str:
        return f"{self.symbol} {self.timeframe} ({self.adjust.value})"


class HistoryError(Exception):
    """A fetch that failed: the message names the source, the symbol and what was wrong."""

    def __init__(self, source: str, symbol: str, reason: str) -> None:
        super().__init__(f"{source}: {symbol}: {reason}")
        self.source, self.symbol, self.reason = source, symbol, reason


class NoHistoryOptions(msgspec.Struct, forbid_unknown_fields=True):
    """Options of a provider that takes none."""


class HistoryProvider(ABC):
    """A vendor's past bars. Subclasses set ``plugin_name`` and, with options, ``Options``."""

    plugin_name: ClassVar[str]
    Options: ClassVar[type[msgspec.Struct]] = NoHistoryOptions

    def __init__(self, name: str, options: Any) -> None:
        self.name = name
        self.options = options

    @abstractmethod
    def supports(self, symbol: str) -> bool:
        """True for symbols this vendor has bars of (``600000.SSE``, ``000300.SSE``…)."""

    @abstractmethod
    def native(self, timeframe: str, adjust: Adjust) -> bool:
        """True if the vendor serves ``timeframe`` bars with ``adjust`` as they are; other
        timeframes are built from a finer native one (:mod:`terminal.engine.history.fetch`)."""

    @abstractmethod
    async def fetch(self, request: HistoryRequest, progress: Progress) -> pd.DataFrame:
        """The bars asked for, oldest first (see the module docstring for units and labels).
        Raises :class:`HistoryError` on a bad, partial or empty answer."""

    def sessions(self, symbol: str) -> str:
        """Name of the session definition (``sessions.toml``) ``symbol``'s bars follow; used
        when no engine lists the instrument (``terminal history download``)."""
        return "always"

    async def close(self) -> None:  # noqa: B027 - optional: most providers hold nothing
        """Release connections."""
