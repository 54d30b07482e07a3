"""The theme reaches every window, not only the main one: a dock floated off the main window (a
top-level of its own, as the backtest report can be) and a panel grabbed alone are painted in
the theme's colours, their text readable on them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow
from pytestqt.qtbot import QtBot

from terminal.ui.theme import apply_theme


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    """The theme as the app sets it; the one the session had before afterwards."""
    sheet, palette, style = qapp.styleSheet(), qapp.palette(), qapp.style().name()
    yield qapp
    qapp.setStyle(style)
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)


def background(image: QImage) -> QColor:
    """The colour of the image's bottom-left corner (no child paints there)."""
    return image.pixelColor(2, image.height() - 3)


@pytest.mark.parametrize(("theme", "dark"), [("dark", True), ("light", False)])
def test_a_floating_dock_and_a_grabbed_panel_wear_the_theme(
    themed: QApplication, qtbot: QtBot, theme: str, dark: bool
) -> None:
    apply_theme(themed, theme)
    window = QMainWindow()
    qtbot.addWidget(window)
    docked, floating = QDockWidget("docked", window), QDockWidget("floating", window)
    for dock in (docked, floating):
        dock.setWidget(QLabel("Equity 1,000.00"))
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    window.show()
    floating.setFloating(True)
    floating.resize(300, 200)
    qtbot.waitExposed(floating)
    for image in (floating.grab().toImage(), docked.grab().toImage()):
        fill = background(image)
        assert (fill.lightness() < 80) is dark, (theme, fill.name())
    text = QLabel().palette().color(QLabel().foregroundRole())
    assert abs(text.lightness() - background(floating.grab().toImage()).lightness()) > 120
    window.close()
