"""Dark and light themes: a style sheet from ``resources/themes`` plus the colours widgets draw."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from terminal.engine.paths import RESOURCES

THEMES_DIR = RESOURCES / "themes"


@dataclass(frozen=True, slots=True)
class Theme:
    """Colours drawn by code (charts, price cells); the rest comes from the style sheet."""

    name: str
    background: str
    foreground: str
    grid: str
    up: str
    down: str
    flat: str
    accent: str

    def color(self, field: str) -> QColor:
        return QColor(getattr(self, field))


THEMES = {
    "dark": Theme(
        "dark", "#15171c", "#c9ced6", "#2b303b", "#26a69a", "#ef5350", "#d7dae0", "#f0b90b"
    ),
    "light": Theme(
        "light", "#ffffff", "#30363d", "#e4e7ec", "#089981", "#d32f2f", "#1f2328", "#b7791f"
    ),
}


def apply_theme(app: QApplication, name: str) -> Theme:
    theme = THEMES.get(name, THEMES["dark"])
    app.setStyle("Fusion")
    app.setStyleSheet((THEMES_DIR / f"{theme.name}.qss").read_text(encoding="utf-8"))
    return theme
