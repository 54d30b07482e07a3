"""A long-lived consumer of one ccxt ``watch_*`` call, reconnecting with back-off.

Two facts of ccxt.pro shape it: a ``watch_*`` call resolves only on the *next* message (what
arrives between two calls waits in ccxt's cache for the next one), so one task must keep
awaiting; and ccxt never reconnects by itself: a dropped socket fails the pending call with a
``NetworkError``, and the *next* call dials again and subscribes again. So the consumer loops,
and after a failure waits a back-off that doubles up to a cap before calling again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import ccxt

from terminal.adapters.ccxt.venue import RATE_LIMITED, RateGate

Lost = Callable[[str, Exception, float], None]
"""(stream name, the error, seconds until it is watched again)."""


class Watcher:
    """Calls ``watch`` for ever, handing each result to ``on_update``; reports a failure to
    ``on_lost`` and the first result after one to ``on_back``."""

    def __init__(
        self,
        name: str,
        watch: Callable[[], Awaitable[Any]],
        on_update: Callable[[Any], None],
        on_lost: Lost,
        on_back: Callable[[str], None],
        gate: RateGate,
        backoff: tuple[float, float],
        exchange: Any,
    ) -> None:
        self.name = name
        self._watch, self._on_update = watch, on_update
        self._on_lost, self._on_back = on_lost, on_back
        self._gate, self._exchange = gate, exchange
        self._initial, self._max = backoff

    async def run(self) -> None:
        delay = self._initial
        failing = False
        while True:
            try:
                result = await self._watch()
            except RATE_LIMITED as exc:
                wait = self._gate.note(self._exchange, exc)
                self._on_lost(self.name, exc, wait)
                failing = True
                await self._gate.wait()
                continue
            except ccxt.BaseError as exc:  # a dropped socket, or the venue refused the stream
                self._on_lost(self.name, exc, delay)
                failing = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max)
                continue
            if failing:
                failing, delay = False, self._initial
                self._on_back(self.name)
            self._on_update(result)
