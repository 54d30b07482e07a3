"""Dark and light themes: a style sheet from ``resources/themes``, the application palette in
its colours, plus the colours widgets draw."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from terminal.engine.paths import RESOURCES

THEMES_DIR = RESOURCES / "themes"
SERIES = ("#f0b90b", "#42a5f5", "#ab47bc", "#ff7043", "#66bb6a", "#ec407a", "#8d6e63")


@dataclass(frozen=True, slots=True)
class Theme:
    """Colours drawn by code (charts, price cells, status marks); the rest comes from the
    style sheet. Widgets take every colour they draw from here, by field name."""

    name: str
    background: str
    foreground: str
    grid: str
    up: str
    down: str
    flat: str
    accent: str
    good: str
    """A state that is fine: a live feed, a green health verdict, a replay matching live."""
    warning: str
    """A state to watch: connecting, stale, shedding load, a replay differing from live."""
    bad: str
    """A failure: an error status, a red verdict, a failed plugin, a refused value."""
    muted: str
    """A state that is neither: disconnected, or one this window does not know."""
    series: tuple[str, ...]
    """Line colours of the chart's indicators, taken in turn."""
    drawing: str
    """Lines and shapes the user draws on a chart."""

    def color(self, field: str) -> QColor:
        return QColor(getattr(self, field))


# The status and indicator colours read on either background: both themes use the same ones.
STATUS = ("#26a69a", "#f0b90b", "#ef5350", "#9aa3b2")  # good, warning, bad, muted
THEMES = {
    "dark": Theme(
        "dark", "#15171c", "#c9ced6", "#2b303b", "#26a69a", "#ef5350", "#d7dae0", "#f0b90b",
        *STATUS, SERIES, "#5b9cff",
    ),
    "light": Theme(
        "light", "#ffffff", "#30363d", "#e4e7ec", "#089981", "#d32f2f", "#1f2328", "#b7791f",
        *STATUS, SERIES, "#2962ff",
    ),
}


# The style sheet's colours (resources/themes/*.qss) as the application palette: window,
# text, base (editors, tables), button, highlight. The sheet paints the main window and dialogs;
# a dock floated off it, a report in a window of its own, or a panel grabbed alone (the docs'
# screenshots) is painted from the palette, which Fusion would otherwise keep light.
PALETTES = {
    "dark": ("#1e2128", "#d7dae0", "#15171c", "#2f3542", "#2f4a6d", "#ffffff"),
    "light": ("#f4f5f7", "#1f2328", "#ffffff", "#ffffff", "#cfe3ff", "#000000"),
}


def palette_named(name: str) -> QPalette:
    window, text, base, button, highlight, highlighted = (QColor(c) for c in PALETTES[name])
    palette = QPalette(button, window)  # Qt derives the shades (light, mid, dark) from these
    for role, color in (
        (QPalette.ColorRole.WindowText, text), (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, window), (QPalette.ColorRole.ToolTipBase, base),
        (QPalette.ColorRole.ToolTipText, text), (QPalette.ColorRole.Highlight, highlight),
        (QPalette.ColorRole.HighlightedText, highlighted),
    ):  # fmt: skip
        palette.setColor(role, color)
    muted = QColor(text)
    muted.setAlpha(110)
    palette.setColor(QPalette.ColorRole.PlaceholderText, muted)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):  # fmt: skip
        palette.setColor(QPalette.ColorGroup.Disabled, role, muted)
    return palette


def up_is_red(up_colour: str, language: str) -> bool:
    """``ui.up_colour``: ``red`` (the Chinese convention: 红涨绿跌), ``green``, or ``auto``:
    red when the interface is Chinese."""
    return up_colour == "red" or (up_colour == "auto" and language == "zh_CN")


def theme_named(name: str, red_up: bool = False) -> Theme:
    """The theme ``name`` (dark when unknown); ``red_up`` swaps its rise and fall colours, for
    every price cell, candle, P&L figure and ladder that draws them."""
    theme = THEMES.get(name, THEMES["dark"])
    return replace(theme, up=theme.down, down=theme.up) if red_up else theme


def apply_theme(app: QApplication, name: str, red_up: bool = False) -> Theme:
    theme = theme_named(name, red_up)
    app.setStyle("Fusion")
    app.setPalette(palette_named(theme.name))
    app.setStyleSheet(style_sheet(theme.name, red_up))
    return theme


def style_sheet(name: str, red_up: bool = False) -> str:
    """The theme's Qt style sheet; with red up the Buy and Sell buttons trade colours too (a
    Chinese ticket's 买入 is red, like a rise)."""
    text = (THEMES_DIR / f"{name}.qss").read_text(encoding="utf-8")
    if red_up:
        swapped = {"#buyButton": "#sellButton", "#sellButton": "#buyButton"}
        text = re.sub(r"#buyButton|#sellButton", lambda m: swapped[m.group(0)], text)
    return text
