"""Orders, trades, positions and account monitors: record tables bound to the bridge.

Prices show on their instrument's tick grid (``PriceDecimals``): an order's or a fill's
price exactly as it was sent or filled, marks and averages rounded to the grid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QColor

from terminal.domain.orders import Account, Fill, Order, Position
from terminal.ui import formatting as fmt
from terminal.ui.formatting import PriceDecimals
from terminal.ui.monitors.monitor import Monitor
from terminal.ui.monitors.record_table import Column
from terminal.ui.theme import Theme


def _signed_color(theme: Theme, value: Callable[[Any], float]) -> Callable[[Any], QColor | None]:
    up, down = theme.color("up"), theme.color("down")
    return lambda r: up if value(r) > 0 else (down if value(r) < 0 else None)


def _pnl_columns(theme: Theme) -> list[Column]:
    """Unrealized and realized P&L of a position or an account, signed in colour."""
    pnls: list[tuple[str, Callable[[Any], float]]] = [
        ("Unrealized P&L", lambda r: r.unrealized_pnl),
        ("Realized P&L", lambda r: r.realized_pnl),
    ]
    return [_money_column(title, pnl, theme) for title, pnl in pnls]


def _money_column(title: str, value: Callable[[Any], float], theme: Theme) -> Column:
    return Column(
        title, lambda r: fmt.money(value(r)), numeric=True, color=_signed_color(theme, value)
    )


def _money_figure(title: str, value: Callable[[Any], float]) -> Column:
    return Column(title, lambda r: fmt.money(value(r)), numeric=True, sort_key=value)


def _price_column(
    title: str,
    value: Callable[[Any], float],
    show: Callable[[str, float], str],
    shown: Callable[[Any], bool] = lambda r: True,
) -> Column:
    """A price of the record's symbol, shown by ``show`` when ``shown``; sorts by value."""
    return Column(
        title,
        lambda r: show(r.symbol, value(r)) if shown(r) else "",
        numeric=True,
        sort_key=lambda r: value(r) if shown(r) else float("-inf"),
    )


def order_columns(
    theme: Theme, prices: PriceDecimals, alert: Callable[[Order], str] | None = None
) -> list[Column]:
    """``alert`` gives the state of an order's alert email (mail brokers), if any."""
    columns = [
        Column("Order id", lambda o: o.order_id),
        Column("Time", lambda o: fmt.clock_time(o.created_ns)),
        Column("Symbol", lambda o: o.symbol),
        Column(
            "Side",
            lambda o: o.side.value.upper(),
            color=_signed_color(theme, lambda o: o.side.sign),
        ),
        Column("Type", lambda o: o.order_type.value),
        _price_column("Price", lambda o: o.price, prices.exact, lambda o: bool(o.price)),
        _price_column(
            "Trigger", lambda o: o.trigger_price, prices.exact, lambda o: bool(o.trigger_price)
        ),
        Column("Quantity", lambda o: fmt.quantity(o.quantity), numeric=True),
        Column("Filled", lambda o: fmt.quantity(o.filled_quantity), numeric=True),
        _price_column(
            "Avg price", lambda o: o.average_price, prices.price, lambda o: bool(o.filled_quantity)
        ),
        Column("Status", lambda o: o.status.value.replace("_", " ")),
        Column("Broker", lambda o: o.broker),
        Column("Origin", lambda o: o.origin),
        Column("Reason", lambda o: o.reason),
    ]
    if alert is not None:
        after_status = [column.title for column in columns].index("Status") + 1
        columns.insert(after_status, Column("Alert", alert))
    return columns


def trade_columns(theme: Theme, prices: PriceDecimals) -> list[Column]:
    return [
        Column("Fill id", lambda f: f.fill_id),
        Column("Time", lambda f: fmt.clock_time(f.ts)),
        Column("Order id", lambda f: f.order_id),
        Column("Symbol", lambda f: f.symbol),
        Column(
            "Side",
            lambda f: f.side.value.upper(),
            color=_signed_color(theme, lambda f: f.side.sign),
        ),
        _price_column("Price", lambda f: f.price, prices.exact),
        Column("Quantity", lambda f: fmt.quantity(f.quantity), numeric=True),
        Column("Commission", lambda f: fmt.money(f.commission), numeric=True),
        Column("Broker", lambda f: f.broker),
    ]


def position_columns(theme: Theme, prices: PriceDecimals) -> list[Column]:
    return [
        Column("Symbol", lambda p: p.symbol),
        Column("Broker", lambda p: p.broker),
        Column(
            "Quantity",
            lambda p: fmt.quantity(p.quantity),
            numeric=True,
            color=_signed_color(theme, lambda p: p.quantity),
        ),
        Column("Today", lambda p: fmt.quantity(p.today_quantity), numeric=True),
        Column("Yesterday", lambda p: fmt.quantity(p.yesterday_quantity), numeric=True),
        _price_column("Avg price", lambda p: p.average_price, prices.price, lambda p: p.quantity),
        _price_column("Last", lambda p: p.last_price, prices.price),
        *_pnl_columns(theme),
    ]


def account_columns(theme: Theme) -> list[Column]:
    return [
        Column("Broker", lambda a: a.broker),
        Column("Currency", lambda a: a.currency),
        *(_money_figure(title, value) for title, value in ACCOUNT_FIGURES),
        *_pnl_columns(theme),
        Column("Commission", lambda a: fmt.money(a.commission), numeric=True),
    ]


ACCOUNT_FIGURES: list[tuple[str, Callable[[Account], float]]] = [
    ("Cash", lambda a: a.cash),
    ("Equity", lambda a: a.equity),
    ("Market value", lambda a: a.market_value),
    ("Margin", lambda a: a.margin),
    ("Buying power", lambda a: a.buying_power),
]


def working_only(order: Order) -> bool:
    return order.status.is_working


def trades_monitor(theme: Theme, prices: PriceDecimals) -> Monitor:
    return Monitor(trade_columns(theme, prices), key=lambda f: f.fill_id, max_rows=5000)


def positions_monitor(theme: Theme, prices: PriceDecimals) -> Monitor:
    return Monitor(position_columns(theme, prices), key=lambda p: (p.broker, p.symbol))


def account_monitor(theme: Theme) -> Monitor:
    return Monitor(account_columns(theme), key=lambda a: a.broker)


__all__ = [
    "Account",
    "Fill",
    "Monitor",
    "Order",
    "Position",
    "account_monitor",
    "positions_monitor",
    "trades_monitor",
    "working_only",
]
