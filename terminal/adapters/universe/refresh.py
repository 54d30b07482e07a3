"""Taking the universe's list (``terminal symbols update``), and taking it again once a day
while the terminal runs (``[universe] refresh``), in the background: a failed attempt keeps
the cached list, says why in the log, and is tried again later."""

from __future__ import annotations

import asyncio
import logging
from datetime import time
from typing import TYPE_CHECKING, NamedTuple

import httpx

from terminal.adapters.universe.eastmoney import DEFAULT_URL, Progress, UniverseError, download
from terminal.engine.clock import Clock
from terminal.engine.config import Config, UniverseSection
from terminal.engine.universe.store import Universe

if TYPE_CHECKING:
    from terminal.engine.engine import Engine

log = logging.getLogger("terminal.universe")

TIMEZONE = "Asia/Shanghai"  # the exchanges' local time, which refresh_at is in
RETRY_S = 1800.0
MAX_SLEEP_S = 3600.0  # the clock is looked at again at least this often
SHRINK_LIMIT = 0.5
"""A new list with fewer than this share of the cached one's instruments is refused: more
likely a filter the vendor changed than half the market delisted."""
A_SHARE_FEEDS = ("sina", "qq")


class Taken(NamedTuple):
    """What one attempt brought: the instruments now listed, and the rows it refused."""

    listed: int
    problems: list[str]


def refresh_at(options: UniverseSection) -> time:
    hours, minutes = options.refresh_at.split(":")
    return time(int(hours), int(minutes))


async def take_list(
    universe: Universe,
    options: UniverseSection,
    now_ns: int,
    progress: Progress | None = None,
    force: bool = False,
) -> Taken:
    """Download the whole list and make it the universe (saved). Raises UniverseError (the
    cached list is kept) if any page fails, or if the list shrank by half (unless
    ``force``)."""
    url = options.url or DEFAULT_URL
    headers = {"User-Agent": "Mozilla/5.0"}
    async with httpx.AsyncClient(timeout=options.timeout_s, headers=headers) as client:
        entries, problems = await download(
            client, url, options.page_size, options.page_delay_s, progress
        )
    if not entries:
        raise UniverseError(f"{options.source} {url}: the answers listed no instrument")
    if not force and len(entries) < SHRINK_LIMIT * len(universe):
        raise UniverseError(
            f"{options.source} {url}: {len(entries):,} instruments against {len(universe):,} "
            "in the cached list (less than half): kept the cached one"
        )
    universe.replace(entries, f"{options.source} {url}", now_ns)
    return Taken(len(entries), problems)


def refresh_wanted(config: Config) -> bool:
    """``daily``, or ``auto`` with a Sina or QQ feed configured."""
    if config.universe.refresh == "auto":
        return any(f.enabled and f.plugin in A_SHARE_FEEDS for f in config.feeds)
    return config.universe.refresh == "daily"


async def keep_fresh(universe: Universe, options: UniverseSection, clock: Clock) -> None:
    """Take the list whenever it is due (now, if never taken), then sleep until next due."""
    when = refresh_at(options)
    while True:
        now = clock.now_ns()
        if universe.is_stale(now, when, TIMEZONE):
            try:
                taken = await take_list(universe, options, now)
            except UniverseError as exc:
                log.error("universe: %s; trying again in %.0f min", exc, RETRY_S / 60)
                await asyncio.sleep(RETRY_S)
                continue
            log.info("universe: %d instruments from %s", taken.listed, universe.source)
            for problem in taken.problems[:20]:
                log.warning("universe: skipped a row: %s", problem)
        due = universe.due_ns(when, TIMEZONE)
        await asyncio.sleep(min(max((due - clock.now_ns()) / 1e9, 1.0), MAX_SLEEP_S))


def start_refresh(engine: Engine) -> asyncio.Task[None] | None:
    """Keep ``engine``'s universe fresh in the background, if the config wants it."""
    if not refresh_wanted(engine.config):
        return None
    return engine.spawn(
        keep_fresh(engine.universe, engine.config.universe, engine.clock), "universe refresh"
    )
