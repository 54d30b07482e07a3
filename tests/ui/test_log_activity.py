"""The Log dock's activity view (orders and strategies, no warnings) and repeated messages
folded into one line with a count."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from terminal.domain.enums import OrderStatus, OrderType, Side
from terminal.domain.events import (
    AddStrategy,
    CancelOrder,
    LogEvent,
    StartStrategy,
    StopStrategy,
    SubmitOrder,
)
from terminal.domain.orders import OrderRequest
from terminal.engine import logs
from terminal.engine.engine import Engine
from terminal.ui.main_window import MainWindow
from terminal.ui.monitors.log_panel import LogPanel


def poll_warning(ts: float) -> LogEvent:
    return LogEvent(ts, "WARNING", "feeds.sina", "poll failed: timeout")


def test_repeated_warnings_show_as_one_line_with_a_count(qtbot: QtBot) -> None:
    panel = LogPanel()
    qtbot.addWidget(panel)
    panel.add([poll_warning(0.0), poll_warning(1.0)])
    panel.add([poll_warning(2.0)])  # later batches fold into the line already shown
    panel.add([poll_warning(3.0), poll_warning(4.0)])
    (line,) = panel.lines()
    assert line.endswith("WARNING feeds.sina: poll failed: timeout  ×5")
    assert panel.views.tabText(1) == "Messages ⚠ 5"  # seen from the activity view
    panel.add([LogEvent(5.0, "INFO", "engine", "engine started"), poll_warning(6.0)])
    assert len(panel.lines()) == 3 and panel.lines()[-1].endswith("poll failed: timeout")
    panel.show_view(1)
    assert panel.views.tabText(1) == "Messages"
    panel.level_box.setCurrentText("WARNING")  # the INFO line between them is filtered out
    (line,) = panel.lines()
    assert line.endswith("poll failed: timeout  ×6")
    assert not panel.activity_lines()  # messages never reach the activity


def submit(window: MainWindow, order_id: str, request: OrderRequest) -> None:
    window.bridge.send(SubmitOrder(order_id, request))


def test_activity_lists_order_and_strategy_lifecycle_not_warnings(
    window: MainWindow, engine: Engine, qtbot: QtBot
) -> None:
    handler = logs.attach_bus(engine.bus)  # as the app does: log lines reach the Log dock
    try:
        lifecycle_shown(window, engine, qtbot)
    finally:
        logs.detach(handler)


def lifecycle_shown(window: MainWindow, engine: Engine, qtbot: QtBot) -> None:
    panel = window.log_panel
    qtbot.waitUntil(lambda: window.bridge.latest("600000.SSE") is not None, timeout=8000)
    submit(window, "A-1", OrderRequest("paper", "600000.SSE", Side.BUY, 100))
    submit(window, "A-2", OrderRequest(
        "paper", "600000.SSE", Side.BUY, 100, OrderType.LIMIT, price=1.00
    ))  # fmt: skip
    submit(window, "A-3", OrderRequest("paper", "600000.SSE", Side.SELL, 150))  # not a lot
    qtbot.waitUntil(
        lambda: engine.order_book.get("A-2").status is OrderStatus.ACCEPTED,
        timeout=3000,
    )
    window.bridge.send(CancelOrder("A-2"))
    window.bridge.send(AddStrategy("ma", "sma_cross", "600519.SSE", "paper"))
    window.bridge.send(StartStrategy("ma"))
    qtbot.waitUntil(lambda: any("Strategy ma" in line and "started" in line
                                for line in panel.activity_lines()), timeout=5000)  # fmt: skip
    window.bridge.send(StopStrategy("ma"))

    def shown(*words: str) -> bool:
        return any(all(word in line for word in words) for line in panel.activity_lines())

    expected = [
        ("Submitted BUY 100 600000.SSE MARKET (A-1 at paper)",),
        ("Filled BUY 100 600000.SSE MARKET (A-1 at paper), average",),
        ("Accepted BUY 100 600000.SSE @ 1.00 LIMIT (A-2 at paper)",),
        ("Cancelled BUY 100 600000.SSE @ 1.00 LIMIT (A-2 at paper)",),
        ("Rejected SELL 150 600000.SSE MARKET (A-3 at paper): ", "lot size 100"),
        ("Strategy ma (sma_cross on 600519.SSE) added",),
        ("Strategy ma (sma_cross on 600519.SSE) started",),
        ("Strategy ma (sma_cross on 600519.SSE) stopped",),
    ]
    qtbot.waitUntil(lambda: all(shown(*words) for words in expected), timeout=5000)
    assert [line[8:] for line in panel.activity_lines()].count(
        " Submitted BUY 100 600000.SSE MARKET (A-1 at paper)"
    ) == 1
    # The refusal is also a warning: in the messages, never in the activity.
    qtbot.waitUntil(lambda: any("A-3 refused" in line for line in panel.lines()), timeout=3000)
    assert not any("WARNING" in line or "refused" in line for line in panel.activity_lines())
    assert panel.stack.currentWidget() is panel.activity_view  # the dock opens on the activity
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)  # copies the view shown
    assert QGuiApplication.clipboard().text().splitlines() == panel.activity_lines()
