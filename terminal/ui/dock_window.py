"""A main window of named docks: the default arrangement, and the layout (geometry, docks,
toolbars) saved in and restored from QSettings under "geometry" and "windowState"."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QWidget

DEFAULT_SIZE = (1600, 950)


class DockWindow(QMainWindow):
    """Docks by key (``dock_<key>`` is what the saved state knows them by). The default
    arrangement puts the market watch left, the chart and the ticket (tabbed with the depth)
    right, and the blotters, strategies, log and health tabbed along the bottom."""

    def __init__(self, settings: QSettings) -> None:
        super().__init__()
        self.settings = settings
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )
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
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.addDockWidget(left, d["market_watch"])
        self.addDockWidget(right, d["chart"])
        self.splitDockWidget(d["chart"], d["ticket"], Qt.Orientation.Horizontal)
        self.tabifyDockWidget(d["ticket"], d["depth"])
        d["ticket"].raise_()
        self.addDockWidget(bottom, d["orders"])
        for key in ("trades", "positions", "account", "venue", "strategies", "log", "health"):
            self.tabifyDockWidget(d["orders"], d[key])
        d["orders"].raise_()
        self._size_docks()
        self._default_state = self.saveState()

    def _size_docks(self) -> None:
        d = self.docks
        width, height = self.width(), self.height()
        self.resizeDocks(
            [d["market_watch"], d["chart"], d["ticket"]],
            [int(width * 0.38), int(width * 0.42), int(width * 0.2)],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks(
            [d["chart"], d["orders"]],
            [int(height * 0.7), int(height * 0.3)],
            Qt.Orientation.Vertical,
        )

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


def scrollable(widget: QWidget) -> QScrollArea:
    """Let a tall panel scroll instead of forcing its minimum height on the whole window."""
    area = QScrollArea()
    area.setObjectName("panelScroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    # Scroll vertically only: keep the panel's own minimum width.
    area.setMinimumWidth(
        widget.minimumSizeHint().width() + area.verticalScrollBar().sizeHint().width()
    )
    return area
