"""The ccxt feed: quotes, depth and history of crypto markets from any exchange ccxt knows.

Instruments come from ``load_markets()`` (tick and lot size, minimum order value, status).
Each symbol is watched on two websocket streams, its trades (last price, and the UTC day's
volume, seeded from the day's candle so a tick's volume is cumulative for the day as the bar
engine wants) and its order book (five levels); an exchange without streams, or
``transport = "poll"``, is polled over REST instead. A stream that drops is watched again after
a back-off (ccxt subscribes again); a symbol silent for ``stale_after_s`` makes the feed
``stale``. History bars (``fetch_ohlcv``) are fetched at start for charts and warm-up.

ccxt takes about a second to import, so it is imported when the feed starts (its session,
:mod:`terminal.adapters.ccxt.quotes`; see :mod:`terminal.adapters.ccxt.plugin`), not when
plugins are discovered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from terminal.adapters.ccxt.options import VenueOptions
from terminal.adapters.ccxt.plugin import SessionPlugin
from terminal.domain.instrument import Instrument
from terminal.engine.feed import Feed

if TYPE_CHECKING:
    from terminal.adapters.ccxt.quotes import QuoteSession


class CcxtFeedOptions(VenueOptions, forbid_unknown_fields=True, kw_only=True):
    """``[[feeds]] plugin = "ccxt"``: the venue options plus how quotes are fetched."""

    transport: Literal["auto", "stream", "poll"] = "auto"
    """auto: websocket streams where ccxt has them for the exchange, else REST polling."""
    depth: bool = True
    """Watch the order book (five levels); off: best bid and ask from the polled ticker."""
    poll_interval_s: float = 2.0
    stale_after_s: float = 30.0
    """A symbol with no trade and no book change for this long makes the feed stale."""
    history_timeframe: str = "1m"
    history_bars: int = 500
    """Closed bars fetched per symbol at start (0: none)."""


class CcxtFeed(SessionPlugin["QuoteSession"], Feed):
    """Quotes and depth from a ccxt exchange; see the module docstring."""

    plugin_name = "ccxt"
    Options = CcxtFeedOptions
    options: CcxtFeedOptions

    def _new_session(self) -> QuoteSession:
        from terminal.adapters.ccxt.quotes import QuoteSession

        return QuoteSession(self.name, self.context, self.options)

    def instruments(self) -> list[Instrument]:
        """Known once started (they come from the venue): the engine hears of them then."""
        return self.session.instruments() if self.session is not None else []

    def describe(self, symbol: str) -> Instrument | None:
        """The instrument of ``symbol`` if the venue lists it (known once started)."""
        return self.session.describe(symbol) if self.session is not None else None

    def subscribe(self, symbols: list[str]) -> list[Instrument]:
        """Quote those of ``symbols`` (terminal or ccxt names) the venue lists, from now on;
        returns their instruments (the others are left to other feeds)."""
        return self.session.subscribe(symbols) if self.session is not None else []

    def unsubscribe(self, symbols: list[str]) -> None:
        """Stop quoting ``symbols``."""
        if self.session is not None:
            self.session.unsubscribe(symbols)
