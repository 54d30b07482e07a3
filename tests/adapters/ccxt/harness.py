"""Running the engine's ccxt feed and broker against the local Binance server, on any loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from terminal.engine.clock import Clock
from terminal.engine.config import Config, load_config
from terminal.engine.engine import Engine
from tests.adapters.ccxt.binance_server import API_KEY, SECRET, FakeBinance

KEYS = {"BINANCE_API_KEY": API_KEY, "BINANCE_SECRET": SECRET}
BTC = "BTCUSDT.BINANCE"
ETH = "ETHUSDT.BINANCE"


def venue_options(server: FakeBinance, **extra: Any) -> dict[str, Any]:
    """Options of a ccxt feed or broker pointed at ``server``, with quick reconnects."""
    return {
        "urls": server.urls(),
        "symbols": ["BTC/USDT", ETH],  # either way of writing a market
        "rate_limit": False,  # ccxt's pacing would only slow the tests down
        "reconnect_initial_s": 0.05,
        "reconnect_max_s": 0.2,
    } | extra


def engine_config(
    server: FakeBinance,
    feed: dict[str, Any] | None = None,
    broker: dict[str, Any] | None = None,
    persist: bool = False,
    paper: bool = False,
    risk: dict[str, Any] | None = None,
) -> Config:
    """The engine with the ccxt feed and broker (``None``: left out) against ``server``."""
    feeds = (
        []
        if feed is None
        else [
            {
                "name": "binance",
                "plugin": "ccxt",
                "options": venue_options(server, history_bars=30) | feed,
            }
        ]
    )
    brokers = (
        []
        if broker is None
        else [{"name": "binance", "plugin": "ccxt", "options": venue_options(server) | broker}]
    )
    if paper:
        brokers.append({"name": "paper", "plugin": "paper"})
    return load_config(
        overrides={
            "feeds": feeds,
            "brokers": brokers,
            "engine": {"persist": persist, "journal": False},
            **({"risk": risk} if risk is not None else {}),
        }
    )


@contextlib.asynccontextmanager
async def local_binance(tick_seconds: float = 0.05) -> AsyncIterator[FakeBinance]:
    server = FakeBinance(tick_seconds)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@contextlib.asynccontextmanager
async def running(config: Config, clock: Clock | None = None) -> AsyncIterator[Engine]:
    engine = Engine(config, clock=clock)
    await engine.start()
    try:
        yield engine
    finally:
        await engine.stop()


async def until(predicate: Callable[[], object], timeout: float = 5.0, what: str = "") -> None:
    """Wait until ``predicate()`` is true; fail naming ``what`` otherwise."""
    try:
        async with asyncio.timeout(timeout):
            while not predicate():
                await asyncio.sleep(0.005)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what or predicate}") from None
