"""A real (not mocked) feed context for plugin tests: records ticks and status changes."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from terminal.domain.enums import ConnectionStatus
from terminal.domain.instrument import Instrument, TradingSessions
from terminal.domain.market import Bar, Tick
from terminal.engine.clock import Clock, LiveClock
from terminal.engine.sessions import ALWAYS, load_sessions


class RecordingContext:
    """``real_sessions``: the sessions of resources/sessions.toml (else every name trades
    around the clock); ``clock``: the clock the feed reads (else the wall clock)."""

    def __init__(self, clock: Clock | None = None, real_sessions: bool = False) -> None:
        self.clock = clock or LiveClock()
        self._sessions = load_sessions() if real_sessions else None
        self.ticks: list[Tick] = []
        self.statuses: list[tuple[ConnectionStatus, str]] = []
        self.tasks: list[asyncio.Task[Any]] = []
        self.instruments: dict[str, Instrument] = {}
        self.history: dict[str, list[Bar]] = {}

    def publish_tick(self, tick: Tick) -> None:
        self.ticks.append(tick)

    def set_status(self, status: ConnectionStatus, reason: str = "") -> None:
        self.statuses.append((status, reason))

    def update_instrument(self, instrument: Instrument) -> None:
        self.instruments[instrument.symbol] = instrument

    def add_history(self, symbol: str, bars: list[Bar]) -> None:
        self.history.setdefault(symbol, []).extend(bars)

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self.tasks.append(task)
        return task

    def sessions(self, name: str) -> TradingSessions:
        return self._sessions.get(name, ALWAYS) if self._sessions is not None else ALWAYS

    @property
    def status(self) -> ConnectionStatus | None:
        return self.statuses[-1][0] if self.statuses else None

    async def wait_for(self, predicate: Any, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                await asyncio.sleep(0.005)
