"""The P&L dock following fills and prices: the total, the account and each strategy, the
equity above and realised, unrealised and net below, redrawn on the recorder's samples."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from terminal.domain.enums import OrderType, Side
from terminal.domain.events import SubmitOrder
from terminal.domain.orders import OrderRequest
from terminal.ui.main_window import MainWindow
from terminal.ui.monitors.pnl_panel import EQUITY_ROOM_PX
from tests.ui.alert_desk import SYMBOL, close_window, desk_engine, open_window, quote


def order(window: MainWindow, order_id: str, side: Side, quantity: float, origin: str) -> None:
    request = OrderRequest("paper", SYMBOL, side, quantity, OrderType.MARKET, origin=origin)
    window.bridge.send(SubmitOrder(order_id, request))


def shown(window: MainWindow, line: str) -> np.ndarray:
    _, y = window.pnl_panel.curves[line].getData()
    return np.asarray(y)


def test_the_pnl_chart_follows_fills_and_prices_per_strategy_and_in_total(
    run_async: Callable[..., Any], settings: QSettings, qtbot: QtBot
) -> None:
    engine = desk_engine(run_async)
    window = open_window(engine, settings, qtbot)
    panel = window.pnl_panel
    try:
        window.bring_forward("pnl")
        qtbot.wait(50)  # the default sizes are set once the window is shown: then make room
        window.resizeDocks([window.docks["pnl"]], [480], Qt.Orientation.Vertical)
        qtbot.waitUntil(lambda: panel.height() >= EQUITY_ROOM_PX, timeout=3000)
        quote(engine, 100.0)
        order(window, "A1", Side.BUY, 100, "strategy:s1")  # fills at the ask, 100.01
        order(window, "M1", Side.BUY, 50, "manual")
        qtbot.waitUntil(lambda: panel.choice.count() == 3, timeout=3000)
        assert [panel.choice.itemText(i) for i in range(3)] == [
            "All accounts", "Account paper", "Strategy s1"]  # fmt: skip
        quote(engine, 102.0)  # the recorder samples it within a second
        qtbot.waitUntil(lambda: shown(window, "unrealized")[-1] > 0, timeout=3000)
        # 150 held at 100.01, marked at 102.00
        assert shown(window, "unrealized")[-1] == pytest.approx(150 * 1.99)
        assert "Equity 1,000,298.50" in panel.summary.text()
        assert list(panel.strategy_curves) == ["strategy:s1"]
        assert panel.equity_plot.isVisible()
        _, strategy_net = panel.strategy_curves["strategy:s1"].getData()
        assert strategy_net[-1] == pytest.approx(100 * 1.99)

        panel.choose("strategy:s1")
        assert shown(window, "unrealized")[-1] == pytest.approx(199.0)
        assert not panel.equity_plot.isVisible() and not panel.strategy_curves
        order(window, "A2", Side.SELL, 100, "strategy:s1")  # fills at the bid, 101.99
        qtbot.waitUntil(lambda: shown(window, "realized")[-1] > 0, timeout=3000)
        assert shown(window, "realized")[-1] == pytest.approx(100 * 1.98)
        assert shown(window, "unrealized")[-1] == 0.0
        assert panel.summary.text().startswith("Realised +198.00 · Unrealised 0.00 · Net +198.00")

        panel.choose("total")
        series = window.bridge.pnl().series("total")
        assert list(shown(window, "net")) == pytest.approx(list(series.net))
        assert shown(window, "realized")[-1] == pytest.approx(198.0)
        assert shown(window, "unrealized")[-1] == pytest.approx(50 * 1.99)
    finally:
        close_window(window)
        run_async(engine.stop())
