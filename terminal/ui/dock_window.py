"""A main window of named docks: the default arrangement, and the layout (geometry, docks,
toolbars) saved in and restored from QSettings under "geometry" and "windowState"."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QWidget

DEFAULT_SIZE = (1600, 950)


BOTTOM_TABS = ("orders", "trades", "positions", "account", "alerts", "pnl", "venue", "strategies",
               "log", "health")
WATCH_WIDTH = 650
"""The market watch's width by default: its columns through Bid and Ask, sized to content."""
TICKET_HEIGHT = 360
"""The ticket's least height by default: its fields and the Buy and Sell buttons."""


class DockWindow(QMainWindow):
    """Docks by key (``dock_<key>`` is what the saved state knows them by). The default
    arrangement gives the room to the market watch and the chart: the watch on the left over
    the whole height, the ticket (tabbed with the depth and the ladder) under it, the chart on
    the right, and the blotters, strategies, log and health tabbed in a low row under it."""

    def __init__(self, settings: QSettings) -> None:
        super().__init__()
        self.settings = settings
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )
        # The left column reaches the bottom edge: the watch keeps its rows, the tabs below
        # the chart take its width only.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.docks: dict[str, QDockWidget] = {}
        self._shown_once = False
        self.resize(*DEFAULT_SIZE)

    def add_dock(self, key: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{key}")
        dock.setWidget(widget)
        self.docks[key] = dock
        return dock

    def bring_forward(self, key: str) -> None:
        """Show the dock and raise it above the others of its tab group."""
        self.docks[key].show()
        self.docks[key].raise_()

    def arrange_docks(self) -> None:
        """The default arrangement; :meth:`reset_layout` returns to it."""
        d = self.docks
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        self.addDockWidget(left, d["market_watch"])
        self.splitDockWidget(d["market_watch"], d["ticket"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(d["ticket"], d["depth"])
        if "ladder" in d:
            self.tabifyDockWidget(d["depth"], d["ladder"])
        d["ticket"].raise_()
        self.addDockWidget(right, d["chart"])
        first, *others = [key for key in BOTTOM_TABS if key in d]
        self.splitDockWidget(d["chart"], d[first], Qt.Orientation.Vertical)
        for key in others:
            self.tabifyDockWidget(d[first], d[key])
        d[first].raise_()
        self._size_docks()
        self._default_state = self.saveState()

    def _size_docks(self) -> None:
        d = self.docks
        width = self.width()
        bars = [bar for bar in (self.menuWidget(), self.statusBar()) if bar is not None]
        height = self.height() - sum(bar.sizeHint().height() for bar in bars)
        watch = min(WATCH_WIDTH, int(width * 0.48))
        self.resizeDocks(
            [d["market_watch"], d["chart"]], [watch, width - watch], Qt.Orientation.Horizontal
        )
        ticket = min(max(TICKET_HEIGHT, int(height * 0.4)), height // 2)
        bottom = int(height * 0.28)
        vertical = Qt.Orientation.Vertical
        self.resizeDocks([d["market_watch"], d["ticket"]], [height - ticket, ticket], vertical)
        self.resizeDocks([d["chart"], d[BOTTOM_TABS[0]]], [height - bottom, bottom], vertical)

    def restore_layout(self) -> None:
        geometry = self.settings.value("geometry")
        state = self.settings.value("windowState")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))

    def save_layout(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState())
        self.settings.sync()

    def reset_layout(self) -> None:
        for dock in self.docks.values():
            dock.setFloating(False)
            dock.show()
        self.restoreState(self._default_state)
        self._size_docks()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if self.settings.value("windowState") is None:
                # Sized again once shown: before, the docks do not know the window's size.
                QTimer.singleShot(0, self._size_docks)


def scrollable(widget: QWidget, sideways: bool = False) -> QScrollArea:
    """Let a tall panel scroll instead of forcing its minimum height on the whole window
    (``sideways``: a wide one scroll instead of forcing its minimum width)."""
    area = QScrollArea()
    area.setObjectName("panelScroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    if sideways:  # it keeps its own minimum height
        area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setMinimumHeight(
            widget.minimumSizeHint().height() + area.horizontalScrollBar().sizeHint().height()
        )
        return area
    # Scroll vertically only: keep the panel's own minimum width.
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setMinimumWidth(
        widget.minimumSizeHint().width() + area.verticalScrollBar().sizeHint().width()
    )
    return area
