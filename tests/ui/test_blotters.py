"""The blotters show what the docs promise, prices on each instrument's tick grid."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from terminal.domain.enums import AssetClass, OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.instrument import Instrument
from terminal.domain.orders import Account, Fill, Order, Position
from terminal.ui.formatting import PriceDecimals
from terminal.ui.monitors.blotters import account_monitor, positions_monitor, trades_monitor
from terminal.ui.theme import THEMES
from terminal.ui.trading.orders_panel import OrdersPanel

INSTRUMENTS = {
    "BTCUSDT.BINANCE": Instrument("BTCUSDT.BINANCE", "BTC", "BINANCE", AssetClass.CRYPTO, 0.01),
    "rb2605.SHFE": Instrument("rb2605.SHFE", "rebar", "SHFE", AssetClass.FUTURE, 1.0),
}
PRICES = PriceDecimals(INSTRUMENTS.get)
THEME = THEMES["dark"]


def shown(monitor: Any, title: str) -> list[str]:
    """The texts of column ``title``, top to bottom as the user sees them."""
    column = [c.title for c in monitor.model.columns].index(title)
    return [str(monitor.proxy.index(row, column).data()) for row in range(monitor.proxy.rowCount())]


def order(order_id: str, symbol: str, price: float, average: float = 0.0) -> Order:
    return Order(order_id, "paper", symbol, Side.BUY, 3.0, OrderType.LIMIT, price,
                 TimeInForce.DAY, "manual", OrderStatus.PARTIALLY_FILLED, 1, 1,
                 filled_quantity=2.0 if average else 0.0, average_price=average)  # fmt: skip


def test_prices_show_on_the_tick_grid_and_sort_by_value(qtbot: QtBot) -> None:
    orders = OrdersPanel(THEME, PRICES, lambda text, yes: None)
    qtbot.addWidget(orders)
    orders.upsert([
        order("a", "BTCUSDT.BINANCE", 96072.67, average=96072.67666666667),
        order("b", "rb2605.SHFE", 3712.0),
        order("c", "BTCUSDT.BINANCE", 9607.125),  # off the grid: shown as it is, not rounded
    ])  # fmt: skip
    assert shown(orders, "Price") == ["9,607.125", "3,712", "96,072.67"]
    assert shown(orders, "Avg price") == ["", "", "96,072.68"]  # an average: on the grid
    orders.table.sortByColumn(
        [c.title for c in orders.model.columns].index("Price"), Qt.SortOrder.AscendingOrder
    )
    assert shown(orders, "Price") == ["3,712", "9,607.125", "96,072.67"]  # by value, not text

    trades = trades_monitor(THEME, PRICES)
    qtbot.addWidget(trades)
    trades.upsert([Fill("f1", "a", "paper", "BTCUSDT.BINANCE", Side.BUY, 0.01, 96072.67, ts=1)])
    assert shown(trades, "Price") == ["96,072.67"]
    positions = positions_monitor(THEME, PRICES)
    qtbot.addWidget(positions)
    positions.upsert([Position("paper", "BTCUSDT.BINANCE", 0.02, 96072.6775, 0.0, 0.0, 96072.67)])
    assert shown(positions, "Avg price") == ["96,072.68"] and shown(positions, "Last") == [
        "96,072.67"]  # fmt: skip


def test_the_account_shows_market_value_margin_and_buying_power(qtbot: QtBot) -> None:
    account = account_monitor(THEME)
    qtbot.addWidget(account)
    account.upsert([Account("paper", "USD", 900_000.0, 1_010_000.0, 0.0, 10_000.0, 25.0,
                            market_value=110_000.0, margin=45_000.5,
                            buying_power=855_000.0)])  # fmt: skip
    assert shown(account, "Market value") == ["110,000.00"]
    assert shown(account, "Margin") == ["45,000.50"]
    assert shown(account, "Buying power") == ["855,000.00"]
