"""Where a report goes: a dock of the main window, tabbed with the strategy manager's (one per
title: a new run with the same title replaces the report), or a window of its own when there
is no main window to dock in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget


def show_in_dock(anchor: QWidget, title: str, widget: QWidget) -> QDockWidget | QWidget:
    window = anchor.window()
    if not isinstance(window, QMainWindow):
        widget.setWindowTitle(title)
        widget.setParent(anchor, Qt.WindowType.Window)
        widget.resize(1200, 700)
        widget.show()
        return widget
    name = "dock_backtest_" + "".join(c if c.isalnum() else "_" for c in title)
    dock = window.findChild(QDockWidget, name)
    if dock is None:
        dock = QDockWidget(title, window)
        dock.setObjectName(name)
        dock.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        beside = window.findChild(QDockWidget, "dock_strategies")
        if beside is not None:
            window.tabifyDockWidget(beside, dock)
    else:
        old = dock.widget()
        if old is not None:
            old.deleteLater()
    dock.setWidget(widget)
    dock.show()
    dock.raise_()
    return dock
