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
from terminal.ui.i18n import QT_TRANSLATE_NOOP, names, translate
from terminal.ui.monitors.monitor import Monitor
from terminal.ui.monitors.record_table import Column
from terminal.ui.theme import Theme


def _signed_color(theme: Theme, value: Callable[[Any], float]) -> Callable[[Any], QColor | None]:
    up, down = theme.color("up"), theme.color("down")
    return lambda r: up if value(r) > 0 else (down if value(r) < 0 else None)


def _pnl_columns(theme: Theme) -> list[Column]:
    """Unrealized and realized P&L of a position or an account, signed in colour."""
    pnls: list[tuple[str, Callable[[Any], float]]] = [
        (translate("Blotters", "Unrealized P&L"), lambda r: r.unrealized_pnl),
        (translate("Blotters", "Realized P&L"), lambda r: r.realized_pnl),
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
        Column(translate("Blotters", "Order id"), lambda o: o.order_id),
        Column(translate("Blotters", "Time"), lambda o: fmt.clock_time(o.created_ns)),
        Column(translate("Blotters", "Symbol"), lambda o: o.symbol),
        Column(
            translate("Blotters", "Side"),
            lambda o: names.side_word(o.side),
            color=_signed_color(theme, lambda o: o.side.sign),
        ),
        Column(translate("Blotters", "Type"), lambda o: names.name(o.order_type)),
        _price_column(
            translate("Blotters", "Price"), lambda o: o.price, prices.exact, lambda o: bool(o.price)
        ),
        _price_column(
            translate("Blotters", "Trigger"),
            lambda o: o.trigger_price,
            prices.exact,
            lambda o: bool(o.trigger_price),
        ),
        Column(translate("Blotters", "Quantity"), lambda o: fmt.quantity(o.quantity), numeric=True),
        Column(
            translate("Blotters", "Filled"), lambda o: fmt.quantity(o.filled_quantity), numeric=True
        ),
        _price_column(
            translate("Blotters", "Avg price"),
            lambda o: o.average_price,
            prices.price,
            lambda o: bool(o.filled_quantity),
        ),
        Column(translate("Blotters", "Status"), lambda o: names.name(o.status)),
        Column(translate("Blotters", "Broker"), lambda o: o.broker),
        Column(translate("Blotters", "Origin"), lambda o: o.origin),
        Column(translate("Blotters", "Reason"), lambda o: o.reason),
    ]
    if alert is not None:
        after_status = [column.title for column in columns].index(
            translate("Blotters", "Status")
        ) + 1
        columns.insert(after_status, Column(translate("Blotters", "Alert"), alert))
    return columns


def trade_columns(theme: Theme, prices: PriceDecimals) -> list[Column]:
    return [
        Column(translate("Blotters", "Fill id"), lambda f: f.fill_id),
        Column(translate("Blotters", "Time"), lambda f: fmt.clock_time(f.ts)),
        Column(translate("Blotters", "Order id"), lambda f: f.order_id),
        Column(translate("Blotters", "Symbol"), lambda f: f.symbol),
        Column(
            translate("Blotters", "Side"),
            lambda f: names.side_word(f.side),
            color=_signed_color(theme, lambda f: f.side.sign),
        ),
        _price_column(translate("Blotters", "Price"), lambda f: f.price, prices.exact),
        Column(translate("Blotters", "Quantity"), lambda f: fmt.quantity(f.quantity), numeric=True),
        Column(
            translate("Blotters", "Commission"), lambda f: fmt.money(f.commission), numeric=True
        ),
        Column(translate("Blotters", "Broker"), lambda f: f.broker),
    ]


def position_columns(theme: Theme, prices: PriceDecimals) -> list[Column]:
    return [
        Column(translate("Blotters", "Symbol"), lambda p: p.symbol),
        Column(translate("Blotters", "Broker"), lambda p: p.broker),
        Column(
            translate("Blotters", "Quantity"),
            lambda p: fmt.quantity(p.quantity),
            numeric=True,
            color=_signed_color(theme, lambda p: p.quantity),
        ),
        Column(
            translate("Blotters", "Today"), lambda p: fmt.quantity(p.today_quantity), numeric=True
        ),
        Column(
            translate("Blotters", "Yesterday"),
            lambda p: fmt.quantity(p.yesterday_quantity),
            numeric=True,
        ),
        _price_column(
            translate("Blotters", "Avg price"),
            lambda p: p.average_price,
            prices.price,
            lambda p: p.quantity,
        ),
        _price_column(translate("Blotters", "Last"), lambda p: p.last_price, prices.price),
        *_pnl_columns(theme),
    ]


def account_columns(theme: Theme) -> list[Column]:
    return [
        Column(translate("Blotters", "Broker"), lambda a: a.broker),
        Column(translate("Blotters", "Currency"), lambda a: a.currency),
        *(_money_figure(translate("Blotters", title), value) for title, value in ACCOUNT_FIGURES),
        *_pnl_columns(theme),
        Column(
            translate("Blotters", "Commission"), lambda a: fmt.money(a.commission), numeric=True
        ),
    ]


ACCOUNT_FIGURES: list[tuple[str, Callable[[Account], float]]] = [
    (QT_TRANSLATE_NOOP("Blotters", "Cash"), lambda a: a.cash),
    (QT_TRANSLATE_NOOP("Blotters", "Equity"), lambda a: a.equity),
    (QT_TRANSLATE_NOOP("Blotters", "Market value"), lambda a: a.market_value),
    (QT_TRANSLATE_NOOP("Blotters", "Margin"), lambda a: a.margin),
    (QT_TRANSLATE_NOOP("Blotters", "Buying power"), lambda a: a.buying_power),
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
