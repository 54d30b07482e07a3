"""Base class of feed plugins.

Required: ``instruments``, ``start``, ``stop``. Optional: ``history`` (bars to seed charts),
``subscribe`` and ``unsubscribe`` (quote more or fewer symbols while running; a feed without
them quotes its fixed list). A feed publishes through its :class:`FeedContext` and never
touches the bus directly.
"""

from __future__ import annotations

import asyncio
import contextlib
from abc import abstractmethod
from collections.abc import Coroutine
from typing import Any, Protocol

from terminal.domain.enums import ConnectionStatus
from terminal.domain.instrument import Instrument, TradingSessions
from terminal.domain.market import Bar, Tick
from terminal.engine.clock import Clock
from terminal.engine.plugin_base import NoOptions as NoOptions  # its former home, still imported
from terminal.engine.plugin_base import PluginBase


class FeedContext(Protocol):
    clock: Clock

    def publish_tick(self, tick: Tick) -> None: ...

    def set_status(self, status: ConnectionStatus, reason: str = "") -> None: ...

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> Any: ...

    def sessions(self, name: str) -> TradingSessions: ...

    def update_instrument(self, instrument: Instrument) -> None:
        """The feed learned more of an instrument it serves (a vendor's name, say): it
        replaces the engine's description, so windows show it."""

    def add_history(self, symbol: str, bars: list[Bar]) -> None:
        """Closed bars the feed fetched once running (a venue's history, oldest first):
        merged into the bar store for charts and warm-up."""


class Feed(PluginBase[FeedContext]):
    """A source of ticks. Subclasses set ``plugin_name`` and, if they take options, ``Options``."""

    @abstractmethod
    def instruments(self) -> list[Instrument]:
        """Every instrument this feed can quote."""

    @abstractmethod
    async def start(self) -> None:
        """Connect and begin publishing ticks. Return once running (spawn long work)."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop publishing and release connections."""

    def history(self, symbol: str, timeframe: str, count: int) -> list[Bar]:
        """Recent closed bars, oldest first. Feeds without history return none."""
        return []

    def describe(self, symbol: str) -> Instrument | None:
        """The instrument of ``symbol`` if :meth:`subscribe` would take it (None: not one
        this feed quotes), without subscribing."""
        return None

    def subscribe(self, symbols: list[str]) -> list[Instrument]:
        """Start quoting those of ``symbols`` this feed can, while running (or from its
        start), and return their instruments; the others are left to other feeds. The
        engine calls it when a symbol gets its first user (a watchlist, a chart, a
        strategy). By default none: a feed that quotes a fixed list."""
        return []

    def unsubscribe(self, symbols: list[str]) -> None:
        """Stop quoting ``symbols`` (only ever ones :meth:`subscribe` took): their last
        user is gone."""


async def cancel_and_wait(task: asyncio.Future[Any] | None) -> None:
    """Cancel a feed's background task and wait until it has finished unwinding."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
