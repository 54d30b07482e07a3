"""The backfill: missing history fetched in the background and merged into the bar store.

A chart opening or changing timeframe, or a strategy starting its warm-up, asks the bar service
for the newest ``count`` bars of a symbol and timeframe; the backfill works out what the store
lacks — the periods between its newest bar and now, and older bars up to ``count`` — and asks
the history providers that serve the symbol's feed, in order, until one answers. Each request
overlaps the held bars, so the seam has no gap; the store keeps one bar per start, so it has no
duplicate; the period in progress goes to the forming bar (``BarService.merge_history``).
Progress, success and failure go on the bus as :class:`HistoryProgress`; a failure is one
line naming the source and the symbol, and nothing already stored is touched.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

import msgspec

from terminal.domain.enums import Adjust, HistoryState
from terminal.domain.events import HistoryProgress
from terminal.engine.bars.service import BarService
from terminal.engine.bars.timeframes import parse_timeframe
from terminal.engine.bus import EventBus
from terminal.engine.clock import Clock
from terminal.engine.history.fetch import Fetched, fetch_bars
from terminal.engine.history.provider import HistoryError, HistoryProvider, HistoryRequest

log = logging.getLogger("terminal.history")

Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]
REL_TOLERANCE = 1e-6  # a held bar's close and the vendor's differ by more: re-adjusted


class Backfill:
    """Fetches what the bar store lacks, one task per symbol and timeframe at a time."""

    def __init__(
        self, bars: BarService, bus: EventBus, clock: Clock, spawn: Spawn, adjust: Adjust
    ) -> None:
        self._bars, self._bus, self._clock, self._spawn = bars, bus, clock, spawn
        self.adjust = adjust
        """Adjustment of day, week and month bars; intraday bars are fetched as traded."""
        self.feed_of: dict[str, str] = {}
        """The feed that serves each symbol (the engine fills it in)."""
        self._providers: list[tuple[HistoryProvider, frozenset[str]]] = []
        self._running: dict[tuple[str, str], asyncio.Task[Any]] = {}
        self._exhausted: set[tuple[str, str]] = set()  # the vendor had no older bars
        bars.history_source = self

    # ---- providers ----------------------------------------------------------------------
    def add(self, provider: HistoryProvider, feeds: Sequence[str] = ()) -> None:
        """Ask ``provider`` for symbols of ``feeds`` (none named: of any feed) it supports."""
        self._providers.append((provider, frozenset(feeds)))

    def providers_for(self, symbol: str) -> list[HistoryProvider]:
        feed = self.feed_of.get(symbol)
        return [
            provider
            for provider, feeds in self._providers
            if (not feeds or feed in feeds) and provider.supports(symbol)
        ]

    @property
    def providers(self) -> list[HistoryProvider]:
        return [provider for provider, _ in self._providers]

    async def close(self) -> None:
        for provider in self.providers:
            try:
                await provider.close()
            except Exception as exc:  # a provider's bug must not stop the engine's stop
                log.error("history %s did not close cleanly: %s", provider.name, exc)

    # ---- requests -----------------------------------------------------------------------
    def request(
        self, symbol: str, timeframe: str, count: int | None = None
    ) -> asyncio.Future[Any] | None:
        """Start fetching what the store lacks of the newest ``count`` bars (None: nothing is
        missing, or no provider serves the symbol). A fetch already running is shared."""
        key = (symbol, timeframe)
        running = self._running.get(key)
        if running is not None:
            return running
        providers = self.providers_for(symbol)
        plan = self.plan(symbol, timeframe, count or self._bars.keep) if providers else []
        if not plan:
            return None
        wanted = count or self._bars.keep
        task = self._spawn(self._run(symbol, timeframe, plan, providers, wanted), f"history {key}")
        self._running[key] = task
        task.add_done_callback(lambda _: self._running.pop(key, None))
        return task

    def plan(self, symbol: str, timeframe: str, count: int) -> list[HistoryRequest]:
        """The requests that fill what the store lacks: every period since its newest bar
        (overlapping the two newest: the newest may have been partial), and older bars up to
        ``count``."""
        tf = parse_timeframe(timeframe)
        adjust = Adjust.NONE if tf.intraday else self.adjust
        held = self._bars.store.series(symbol, tf.name)
        if not held.size:  # one more: the newest may be the period in progress
            newest = count + 1
            return [HistoryRequest(symbol=symbol, timeframe=tf.name, adjust=adjust, count=newest)]
        plan = []
        last = int(held.start[held.size - 1])
        calendar = self._bars.calendar_of(symbol)
        now = self._clock.now_ns()
        forming = calendar.forming_period(tf, now)
        if calendar.next_open(tf, last) < (forming[0] if forming else now):
            overlap = int(held.start[max(0, held.size - 2)])
            plan.append(
                HistoryRequest(symbol=symbol, timeframe=tf.name, adjust=adjust, start=overlap)
            )
        if held.size < count and (symbol, tf.name) not in self._exhausted:
            first = int(held.start[0])
            plan.append(HistoryRequest(symbol=symbol, timeframe=tf.name, adjust=adjust,
                                       end=first - 1, count=count - held.size))  # fmt: skip
        return plan

    async def _run(
        self,
        symbol: str,
        timeframe: str,
        plan: list[HistoryRequest],
        providers: list[HistoryProvider],
        count: int,
    ) -> None:
        failures = []
        for provider in providers:

            def progress(done: int, total: int, bars: int, source: str = provider.name) -> None:
                self._publish(symbol, timeframe, source, HistoryState.RUNNING, done, total, bars)

            try:
                notes: list[str] = []
                stored, waiting = 0, list(plan)
                while waiting:
                    request = waiting.pop(0)
                    fetched = await fetch_bars(
                        provider, request, self._bars.calendar_of(symbol), progress
                    )
                    if request.start is not None and self._readjusted(fetched):
                        # A dividend or split re-scaled the adjusted history: replace it all.
                        notes.append("prices were re-adjusted (a dividend or split): the held "
                                     "bars were replaced")  # fmt: skip
                        self._bars.store.series(symbol, timeframe).clear()
                        self._exhausted.discard((symbol, timeframe))
                        waiting = [msgspec.structs.replace(request, start=None, count=count)]
                        continue
                    stored += self._merge(provider.name, request, fetched, notes)
            except HistoryError as exc:
                failures.append(str(exc))
            except Exception as exc:  # a provider's bug: that provider fails, the rest go on
                log.exception("history %s raised on %s %s", provider.name, symbol, timeframe)
                failures.append(f"{provider.name}: {symbol}: {type(exc).__name__}: {exc}")
            else:
                detail = "; ".join(notes)
                if detail:
                    log.warning("history %s: %s %s: %s", provider.name, symbol, timeframe, detail)
                log.info("history %s: %s %s: %d bars stored", provider.name, symbol, timeframe,
                         stored)  # fmt: skip
                self._publish(symbol, timeframe, provider.name, HistoryState.DONE, 1, 1, stored,
                              detail)  # fmt: skip
                return
            log.warning("history: %s", failures[-1])
            self._publish(symbol, timeframe, provider.name, HistoryState.FAILED, 0, 1, 0,
                          failures[-1])  # fmt: skip

    def _merge(
        self, source: str, request: HistoryRequest, fetched: Fetched, notes: list[str]
    ) -> int:
        bars = fetched.bars.fillna({"turnover": 0.0})
        symbol, timeframe = request.symbol, request.timeframe
        if fetched.outside_sessions:
            notes.append(f"{fetched.outside_sessions} bars outside the sessions were dropped")
        if request.start is not None and len(bars) and int(bars["start"].iloc[0]) > request.start:
            notes.append(f"gap: the answer begins after the newest held bar ({source} serves "
                         f"only its newest bars)")  # fmt: skip
        if request.count is not None and len(bars) < request.count:
            self._exhausted.add((symbol, timeframe))
        if fetched.source is not None and len(fetched.source):
            source_frame = fetched.source.fillna({"turnover": 0.0})
            source_tf = str(source_frame["timeframe"].iloc[0])
            self._bars.merge_history(symbol, source_tf, source_frame)
        return self._bars.merge_history(symbol, timeframe, bars)

    def _readjusted(self, fetched: Fetched) -> bool:
        """True if a held closed bar (not the newest: it may have been partial) and the
        vendor's bar of the same start differ in price: the adjustment has changed."""
        bars = fetched.bars
        if bars.empty or self.adjust is Adjust.NONE:
            return False
        timeframe = str(bars["timeframe"].iloc[0])
        held = self._bars.store.series(str(bars["symbol"].iloc[0]), timeframe)
        if held.size < 2 or parse_timeframe(timeframe).intraday:
            return False
        start = held.start[held.size - 2]
        match = bars[bars["start"] == start]
        if match.empty:
            return False
        old, new = float(held.values[held.size - 2, 3]), float(match["close"].iloc[0])
        return bool(abs(new - old) > REL_TOLERANCE * max(abs(old), 1e-12))

    def _publish(self, symbol: str, timeframe: str, source: str, state: HistoryState,
                 done: int, total: int, bars: int, detail: str = "") -> None:  # fmt: skip
        self._bus.publish(
            HistoryProgress(symbol, timeframe, source, state, done, total, bars, detail)
        )


def make_providers(
    registry: Any,
    sources: Sequence[Any],
    feeds: Mapping[str, str],
    report: Callable[[str, str], None],
) -> list[tuple[HistoryProvider, list[str]]]:
    """The configured history providers (``[[history]]``, in order), then for every running
    feed no source names the history plugin of the feed's own plugin name, if there is one
    (the Sina feed's symbols get Sina's history). ``feeds``: feed name → plugin name;
    ``report(name, reason)`` records a provider that could not be made."""
    from terminal.domain.enums import PluginKind
    from terminal.engine.config import describe_validation_error

    made: list[tuple[HistoryProvider, list[str]]] = []
    named = {feed for source in sources if source.enabled for feed in source.feeds}
    wanted = [(s.name, s.plugin, s.options, list(s.feeds)) for s in sources if s.enabled]
    defaults: dict[str, list[str]] = {}
    for feed, plugin in feeds.items():
        if feed not in named and registry.get(PluginKind.HISTORY, plugin) is not None:
            defaults.setdefault(plugin, []).append(feed)
    wanted += [(plugin, plugin, {}, served) for plugin, served in defaults.items()]
    for name, plugin, options, serves in wanted:
        cls = registry.get(PluginKind.HISTORY, plugin)
        if cls is None:
            report(plugin, f"no history plugin named '{plugin}' was loaded")
            continue
        try:
            made.append((cls(name, msgspec.convert(options, cls.Options)), serves))
        except msgspec.ValidationError as exc:
            report(plugin, describe_validation_error(exc, options, f"options of history '{name}'"))
        except ValueError as exc:
            report(plugin, f"history '{name}': {exc}")
    return made
