"""Enumerations of the domain. Values are stable identifiers, never display text."""

from __future__ import annotations

from enum import StrEnum


class AssetClass(StrEnum):
    """What kind of thing an instrument is: it decides margin, offsets and T+1 rules."""

    STOCK = "stock"
    FUTURE = "future"
    CRYPTO = "crypto"
    FX = "fx"


class Side(StrEnum):
    """Buy or sell; ``sign`` is +1 or -1 for position arithmetic."""

    BUY = "buy"
    SELL = "sell"

    @property
    def sign(self) -> int:
        return 1 if self is _BUY else -1

    @property
    def opposite(self) -> Side:
        return Side.SELL if self is Side.BUY else Side.BUY


class OrderType(StrEnum):
    """How an order executes: at market, at a limit, or triggered at a stop price."""

    MARKET = "market"
    LIMIT = "limit"
    STOP = "stop"
    STOP_LIMIT = "stop_limit"

    @property
    def has_limit_price(self) -> bool:
        return self in _LIMIT_PRICED

    @property
    def has_trigger(self) -> bool:
        return self in _TRIGGERED


# Module-level sets: every order's checks ask these, and a member looked up on its class costs
# more than the membership test itself.
_BUY = Side.BUY
_LIMIT_PRICED = frozenset({OrderType.LIMIT, OrderType.STOP_LIMIT})
_TRIGGERED = frozenset({OrderType.STOP, OrderType.STOP_LIMIT})


class Offset(StrEnum):
    """Futures open/close flag; stocks and crypto use NONE."""

    NONE = "none"
    OPEN = "open"
    CLOSE = "close"
    CLOSE_TODAY = "close_today"
    CLOSE_YESTERDAY = "close_yesterday"


class TimeInForce(StrEnum):
    """How long an order stays working: the day, until cancelled, or immediate (IOC/FOK)."""

    DAY = "day"
    GTC = "gtc"
    IOC = "ioc"
    FOK = "fok"


class InstrumentStatus(StrEnum):
    """Whether a venue takes orders for an instrument now (a halted market refuses them)."""

    TRADING = "trading"
    HALTED = "halted"


class OrderStatus(StrEnum):
    """Where an order stands; the legal transitions are the table in ``domain/orders.py``."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    PENDING_CANCEL = "pending_cancel"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"

    @property
    def is_working(self) -> bool:
        return self in _WORKING

    @property
    def is_final(self) -> bool:
        return self in _FINAL


_WORKING = frozenset(
    {
        OrderStatus.SUBMITTED,
        OrderStatus.ACCEPTED,
        OrderStatus.PARTIALLY_FILLED,
        OrderStatus.PENDING_CANCEL,
    }
)
_FINAL = frozenset(
    {OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.EXPIRED}
)


class ConnectionStatus(StrEnum):
    """State of a feed or broker connection, as shown in the status bar."""

    CONNECTING = "connecting"
    LIVE = "live"
    STALE = "stale"
    DISCONNECTED = "disconnected"
    ERROR = "error"
    CLOSED = "closed"
    """Not polling: the instruments' market is closed (the reason says until when)."""


class QuoteStatus(StrEnum):
    """What a quote says of its instrument's trading today, as the vendor marks it."""

    TRADING = "trading"
    """Open for trading (whether or not it has traded yet today)."""
    SUSPENDED = "suspended"
    """Suspended or halted (停牌, 临时停牌)."""
    DELISTED = "delisted"


class InstrumentKind(StrEnum):
    """What an exchange-listed instrument of the universe is."""

    STOCK = "stock"
    ETF = "etf"
    LOF = "lof"
    INDEX = "index"
    """Not tradable: quoted only."""


class ListingStatus(StrEnum):
    """Whether the universe's source quoted an instrument when the list was taken."""

    LISTED = "listed"
    """Quoted: it traded, or could trade, that day."""
    NOT_TRADING = "not trading"
    """Listed by the source without a price: suspended, or delisted (the source does not say
    which)."""


class ReconcileKind(StrEnum):
    """What reconciling the terminal with a venue found (see ``engine/reconcile.py``)."""

    ORDER_ADOPTED = "order adopted"
    """The venue had a working order the terminal did not know: it is now in the book."""
    ORDER_RESOLVED = "order resolved"
    """An order the terminal thought working had ended at the venue: it is now closed here."""
    FILLS_RECOVERED = "fills recovered"
    """Fills the venue reported that the terminal had missed were applied."""
    BALANCE_DIFFERENCE = "balance difference"
    POSITION_DIFFERENCE = "position difference"


class PluginKind(StrEnum):
    """The kinds of plugin the engine discovers, one entry-point group each."""

    FEED = "feed"
    BROKER = "broker"
    STRATEGY = "strategy"
    HISTORY = "history"
    """A history provider: past bars of a symbol from a vendor (``terminal.history``)."""


class PluginState(StrEnum):
    """Whether a discovered plugin loaded, or failed (with a reason in its report)."""

    LOADED = "loaded"
    FAILED = "failed"


class StrategyState(StrEnum):
    """State of a strategy instance: in the engine, its store and journal, on the wire and in
    the strategy manager."""

    STOPPED = "stopped"
    WARMING_UP = "warming up"
    RUNNING = "running"
    ERROR = "error"
    """Stopped by an exception in one of its handlers (``detail`` says which)."""
    REMOVED = "removed"
    """The last state an instance publishes: every GUI (local or attached) drops its row."""

    @property
    def is_active(self) -> bool:
        """Warming up or running: it receives events, and must be stopped before an edit."""
        return self in _ACTIVE_STRATEGY


_ACTIVE_STRATEGY = frozenset({StrategyState.WARMING_UP, StrategyState.RUNNING})


class Adjust(StrEnum):
    """How a history's prices treat dividends and splits (volumes are never adjusted)."""

    NONE = "none"
    """As traded (unadjusted)."""
    QFQ = "qfq"
    """Forward-adjusted (前复权): the latest prices are as traded, earlier ones scaled to them,
    so live bars continue the history without a jump."""
    HFQ = "hfq"
    """Backward-adjusted (后复权): the first prices are as traded, later ones scaled."""


class HistoryState(StrEnum):
    """Where a history fetch stands (``HistoryProgress``)."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ContingentKind(StrEnum):
    """What links the orders of a contingent group (``terminal/domain/contingent.py``)."""

    BRACKET = "bracket"
    """An entry with a take-profit and a stop-loss that go live when it fills."""
    OCO = "oco"
    """Orders of which the first to fill cancels the others."""
    TRAILING = "trailing"
    """One stop order whose trigger follows the price."""


class LegRole(StrEnum):
    """What one order of a contingent group is for."""

    TAKE_PROFIT = "take_profit"
    STOP_LOSS = "stop_loss"
    LEG = "leg"
    """One order of an OCO group."""
    TRAILING_STOP = "trailing_stop"


class LegState(StrEnum):
    """Where one order of a contingent group stands."""

    WAITING = "waiting"
    """Held by the engine until its entry fills: not at any broker yet."""
    LIVE = "live"
    """Placed: the order book has it."""
    DONE = "done"
    """Filled, cancelled, refused, or dropped before it was placed."""
