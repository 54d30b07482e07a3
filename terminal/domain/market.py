"""Market data: ticks and bars."""

from __future__ import annotations

import msgspec

from terminal.domain.enums import ConnectionStatus, QuoteStatus

NO_LAST = 0.0
"""``Tick.last`` of a quote with no last price: the instrument has not traded today (before
the open, in the opening call auction, an illiquid fund, suspended). No instrument here
trades at a price of zero, so 0 is never a traded price; NaN is not used because
non-finite numbers are malformed input wherever they come from."""


class Tick(msgspec.Struct, frozen=True, gc=False):
    """One quote snapshot. ``ts`` is exchange time in UTC nanoseconds.

    ``volume`` and ``turnover`` are cumulative for the trading day, as feeds report them.
    Depth is five levels (best first); missing levels are absent from the tuples.

    A quote before the instrument's first trade of the day still carries its book, its
    previous close and its status, with ``last`` = :data:`NO_LAST` (``traded`` is False):
    it is shown, but it is not a trade, so bars, marks and stop triggers ignore it.
    """

    symbol: str
    ts: int
    last: float
    volume: float
    turnover: float = 0.0
    open_interest: float = 0.0
    bid_prices: tuple[float, ...] = ()
    bid_sizes: tuple[float, ...] = ()
    ask_prices: tuple[float, ...] = ()
    ask_sizes: tuple[float, ...] = ()
    open: float = 0.0
    high: float = 0.0
    low: float = 0.0
    prev_close: float = 0.0
    status: QuoteStatus = QuoteStatus.TRADING

    @property
    def traded(self) -> bool:
        """Whether ``last`` is a price: the instrument has traded today."""
        return self.last > NO_LAST

    @property
    def bid(self) -> float:
        return self.bid_prices[0] if self.bid_prices else float("nan")

    @property
    def ask(self) -> float:
        return self.ask_prices[0] if self.ask_prices else float("nan")


class Bar(msgspec.Struct, frozen=True, gc=False):
    """An OHLCV bar labelled by its start time (UTC nanoseconds)."""

    symbol: str
    timeframe: str
    start: int
    open: float
    high: float
    low: float
    close: float
    volume: float
    """Traded in this bar (shares or contracts), not the day's cumulative figure."""
    turnover: float = 0.0
    open_interest: float = 0.0
    ticks: int = 0
    """Ticks that went into the bar (0 for bars from a vendor's history)."""


class FeedStatus(msgspec.Struct, frozen=True):
    """Connection state of one feed, with a human-readable reason."""

    feed: str
    status: ConnectionStatus
    reason: str = ""
