"""The market watch's columns, declared as data: key, title, numeric value and text of a tick."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from terminal.domain.enums import QuoteStatus
from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.ui import formatting as fmt
from terminal.ui.i18n import QT_TRANSLATE_NOOP

NAN = math.nan
NO_LAST_TEXT = {  # the Last cell of a quote with no trade today, by the vendor's status
    QuoteStatus.TRADING: "—",
    QuoteStatus.SUSPENDED: "suspended",
    QuoteStatus.DELISTED: "delisted",
}


def _last(t: Tick) -> float:
    return t.last if t.traded else NAN


def _change(t: Tick) -> float:
    return t.last - t.prev_close if t.prev_close and t.traded else NAN


def _change_pct(t: Tick) -> float:
    return (t.last / t.prev_close - 1.0) * 100.0 if t.prev_close and t.traded else NAN


def _day(field: str) -> Callable[[Tick], float]:
    """Open, high or low: blank (not 0) before the day's first trade."""
    return lambda t: getattr(t, field) or NAN


def _bid_size(t: Tick) -> float:
    return t.bid_sizes[0] if t.bid_sizes else NAN


def _ask_size(t: Tick) -> float:
    return t.ask_sizes[0] if t.ask_sizes else NAN


def _open_interest(t: Tick) -> float:
    return t.open_interest if t.open_interest else NAN


@dataclass(frozen=True, slots=True)
class WatchColumn:
    """One column. ``value`` is None for text columns (symbol, name), which never flash."""

    key: str
    title: str
    value: Callable[[Tick], float] | None
    kind: str = "price"  # price | quantity | big | percent | time | text
    colored: bool = False  # shown in the up/down colour of the day's change

    def text(self, tick: Tick | None, instrument: Instrument) -> str:
        if self.value is None:
            return instrument.symbol if self.key == "symbol" else instrument.name
        if tick is None:
            return ""
        if self.key == "last" and not tick.traded:
            return NO_LAST_TEXT.get(tick.status, "—")
        value = self.value(tick)
        kind = self.kind
        if kind == "price":
            return fmt.price(value, instrument.price_decimals)
        if kind == "quantity":
            return fmt.quantity(value)
        if kind == "big":
            return fmt.big(value)
        if kind == "percent":
            return fmt.percent(value)
        return fmt.clock_time(tick.ts)


COLUMNS: tuple[WatchColumn, ...] = (
    WatchColumn("symbol", QT_TRANSLATE_NOOP("WatchColumns", "Symbol"), None, "text"),
    WatchColumn("name", QT_TRANSLATE_NOOP("WatchColumns", "Name"), None, "text"),
    WatchColumn("last", QT_TRANSLATE_NOOP("WatchColumns", "Last"), _last, colored=True),
    WatchColumn("change", QT_TRANSLATE_NOOP("WatchColumns", "Change"), _change, colored=True),
    WatchColumn(
        "change_pct",
        QT_TRANSLATE_NOOP("WatchColumns", "Change %"),
        _change_pct,
        "percent",
        colored=True,
    ),
    WatchColumn("bid", QT_TRANSLATE_NOOP("WatchColumns", "Bid"), lambda t: t.bid),
    WatchColumn("ask", QT_TRANSLATE_NOOP("WatchColumns", "Ask"), lambda t: t.ask),
    WatchColumn("bid_size", QT_TRANSLATE_NOOP("WatchColumns", "Bid size"), _bid_size, "quantity"),
    WatchColumn("ask_size", QT_TRANSLATE_NOOP("WatchColumns", "Ask size"), _ask_size, "quantity"),
    WatchColumn("volume", QT_TRANSLATE_NOOP("WatchColumns", "Volume"), lambda t: t.volume, "big"),
    WatchColumn(
        "turnover", QT_TRANSLATE_NOOP("WatchColumns", "Turnover"), lambda t: t.turnover, "big"
    ),
    WatchColumn("high", QT_TRANSLATE_NOOP("WatchColumns", "High"), _day("high")),
    WatchColumn("low", QT_TRANSLATE_NOOP("WatchColumns", "Low"), _day("low")),
    WatchColumn("open", QT_TRANSLATE_NOOP("WatchColumns", "Open"), _day("open")),
    WatchColumn(
        "prev_close", QT_TRANSLATE_NOOP("WatchColumns", "Prev close"), lambda t: t.prev_close
    ),
    WatchColumn(
        "open_interest", QT_TRANSLATE_NOOP("WatchColumns", "Open int."), _open_interest, "big"
    ),
    WatchColumn("time", QT_TRANSLATE_NOOP("WatchColumns", "Time"), lambda t: float(t.ts), "time"),
)
COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS)
COLUMN_OF_KEY: dict[str, int] = {c.key: i for i, c in enumerate(COLUMNS)}


def sort_key(column: WatchColumn, tick: Tick | None, instrument: Instrument) -> tuple[int, object]:
    """Rows without a value sort last whatever the direction is (the caller flips the flag)."""
    if column.value is None:
        return (0, column.text(tick, instrument).lower())
    if tick is None:
        return (1, 0.0)
    value = column.value(tick)
    return (1, 0.0) if math.isnan(value) else (0, value)
