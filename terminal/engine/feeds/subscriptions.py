"""Who uses which symbol, and which feed quotes it: a symbol is subscribed at a feed when
its first user comes (a watchlist, a chart, a running strategy) and unsubscribed when its
last user goes, without a restart. A feed's configured symbols are the feed's own user, so
they are never dropped.

Users declare their whole set (``WatchSymbols(user, symbols)``), so a lost or repeated
message cannot leave a count wrong. A new symbol goes to the first feed, in config order,
that takes it; its instrument comes from the universe when it lists it, else from the feed.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from terminal.domain.instrument import Instrument
from terminal.engine.feed import Feed

log = logging.getLogger("terminal.engine.feeds.subscriptions")

Describe = Callable[[str], Instrument | None]


class Subscriptions:
    """Counts the users of each symbol and subscribes or unsubscribes its feed."""

    def __init__(
        self, feeds: Mapping[str, Feed], instruments: dict[str, Instrument], describe: Describe
    ) -> None:
        self._feeds = feeds
        self._instruments = instruments
        self._describe = describe
        self._users: dict[str, frozenset[str]] = {}
        self._count: Counter[str] = Counter()
        self._feed_of: dict[str, str] = {}  # symbol → feed quoting it
        self._fixed: set[str] = set()  # a feed's own symbols: never unsubscribed

    def add_feed(self, name: str, feed: Feed) -> None:
        """A feed started: its own symbols are served by it for good."""
        for instrument in feed.instruments():
            self._feed_of.setdefault(instrument.symbol, name)
            self._fixed.add(instrument.symbol)

    def remove_feed(self, name: str) -> None:
        for symbol in [s for s, feed in self._feed_of.items() if feed == name]:
            del self._feed_of[symbol]
            self._fixed.discard(symbol)

    def users(self, symbol: str) -> int:
        return self._count[symbol]

    def feed_of(self, symbol: str) -> str | None:
        return self._feed_of.get(symbol)

    def set(self, user: str, symbols: Iterable[str]) -> list[str]:
        """``user`` now uses exactly ``symbols``. Returns those no feed quotes (refused)."""
        wanted = frozenset(symbols)
        before = self._users.get(user, frozenset())
        if wanted:
            self._users[user] = wanted
        else:
            self._users.pop(user, None)
        added, dropped = wanted - before, before - wanted
        self._count.update(added)
        self._count.subtract(dropped)
        refused = self._route([s for s in added if self._count[s] == 1])
        if refused:  # nobody quotes them: they have no users here
            self._count.subtract(refused)
            self._users[user] = wanted - set(refused)
        self._release([s for s in dropped if self._count[s] <= 0])
        return refused

    def describe(self, symbol: str) -> Instrument | None:
        """The instrument of ``symbol``, known, or from the universe, or from the first feed
        that could quote it (registering it, without subscribing)."""
        known = self._instruments.get(symbol)
        if known is not None:
            return known
        instrument = self._describe(symbol)
        for feed in self._feeds.values():
            if instrument is not None:
                break
            instrument = feed.describe(symbol)
        if instrument is not None:
            self._instruments[symbol] = instrument
        return instrument

    def _route(self, symbols: list[str]) -> list[str]:
        """Subscribe the feeds to ``symbols`` (each the first feed that takes it)."""
        waiting = sorted(s for s in symbols if s not in self._feed_of)
        for name, feed in self._feeds.items():
            if not waiting:
                break
            try:
                taken = feed.subscribe(waiting)
            except Exception:
                log.exception("feed %s raised on subscribe", name)
                continue
            for instrument in taken:
                self._feed_of[instrument.symbol] = name
                if instrument.symbol not in self._instruments:
                    described = self._describe(instrument.symbol)
                    self._instruments[instrument.symbol] = described or instrument
            waiting = [s for s in waiting if s not in self._feed_of]
        if waiting:
            log.warning("no feed quotes %s", ", ".join(waiting[:10]))
        return waiting

    def _release(self, symbols: list[str]) -> None:
        by_feed: dict[str, list[str]] = {}
        for symbol in symbols:
            del self._count[symbol]
            name = self._feed_of.get(symbol)
            if name is not None and symbol not in self._fixed:
                del self._feed_of[symbol]
                by_feed.setdefault(name, []).append(symbol)
        for name, dropped in by_feed.items():
            feed = self._feeds.get(name)
            if feed is None:
                continue
            try:
                feed.unsubscribe(dropped)
            except Exception:
                log.exception("feed %s raised on unsubscribe", name)
