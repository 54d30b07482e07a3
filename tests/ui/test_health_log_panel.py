"""The log dock's filters (level, component, text) and copying, driven as a user would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from terminal.domain.events import LogEvent
from terminal.ui.monitors.log_panel import ALL_COMPONENTS, LogPanel

EVENTS = [
    LogEvent(0.0, "INFO", "engine", "engine started"),
    LogEvent(1.0, "WARNING", "engine", "order O1-7 refused: price 0 [order_id=O1-7]"),
    LogEvent(2.0, "DEBUG", "feeds.sina", "poll took 120 ms"),
    LogEvent(3.0, "ERROR", "strategies", "strategy s1 stopped [strategy=s1 symbol=ES.CME]"),
    LogEvent(4.0, "INFO", "feeds.sina", "connected to hq.sinajs.cn"),
]


def messages(panel: LogPanel) -> list[str]:
    return [line.split(": ", 1)[1] for line in panel.lines()]


def show_messages(qtbot: QtBot, panel: LogPanel) -> None:
    """Click the Messages tab (the dock opens on the activity)."""
    qtbot.mouseClick(panel.views, Qt.MouseButton.LeftButton, pos=panel.views.tabRect(1).center())
    assert panel.stack.currentWidget() is panel.text


def test_filters_by_level_component_and_text(qtbot: QtBot) -> None:
    panel = LogPanel()
    qtbot.addWidget(panel)
    panel.add(EVENTS)
    assert len(panel.lines()) == 4  # DEBUG is below the default INFO
    components = [panel.component_box.itemText(i) for i in range(panel.component_box.count())]
    assert components == [ALL_COMPONENTS, "engine", "feeds.sina", "strategies"]
    panel.component_box.setCurrentText("feeds.sina")
    assert messages(panel) == ["connected to hq.sinajs.cn"]
    panel.level_box.setCurrentText("DEBUG")
    assert messages(panel) == ["poll took 120 ms", "connected to hq.sinajs.cn"]
    panel.component_box.setCurrentText(ALL_COMPONENTS)
    qtbot.keyClicks(panel.text_filter, "o1-7")  # case-insensitive, finds context fields too
    assert messages(panel) == ["order O1-7 refused: price 0 [order_id=O1-7]"]
    panel.text_filter.clear()
    panel.level_box.setCurrentText("ERROR")
    assert messages(panel) == ["strategy s1 stopped [strategy=s1 symbol=ES.CME]"]
    panel.add([LogEvent(5.0, "CRITICAL", "ui", "unhandled exception")])  # new lines filtered too
    panel.add([LogEvent(6.0, "INFO", "ui", "ignored")])
    assert messages(panel)[-1] == "unhandled exception" and len(panel.lines()) == 2
    assert "ui" in [panel.component_box.itemText(i) for i in range(panel.component_box.count())]


def test_copies_shown_lines_and_the_selection(qtbot: QtBot) -> None:
    panel = LogPanel()
    qtbot.addWidget(panel)
    panel.add(EVENTS)
    show_messages(qtbot, panel)
    panel.component_box.setCurrentText("engine")
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text().splitlines()
    assert [line.split(": ", 1)[1] for line in copied] == [
        "engine started", "order O1-7 refused: price 0 [order_id=O1-7]",
    ]
    QGuiApplication.clipboard().clear()
    panel.text.selectAll()
    qtbot.keyClick(panel.text, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text().endswith("price 0 [order_id=O1-7]")
