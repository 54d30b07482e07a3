"""Walking a window built in Chinese: every text it shows, and the Latin words left in them
(the allow-list says which a Chinese trader's screen keeps, and why)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabBar,
    QWidget,
)

# Latin words a Chinese trader's screen keeps, each for a reason.
# fmt: off
ALLOWED = {
    "SMA", "EMA", "MACD", "RSI", "BB",  # indicator names, as every Chinese platform writes them
    "OCO", "CPU", "MB", "ms", "p50", "p90", "p99",  # abbreviations and units used as such
    "CSV", "HTML", "JSON", "Parquet", "Dask", "tcp", "scheduler",  # formats, programs, a URL
    "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL",  # log levels, as the log lines print them
    "Ctrl", "Alt", "Esc", "Right", "Space", "Enter", "Delete",  # key names, as on the keys
    "pfyh",  # the pinyin-initials example in the search box's tip
    "UTC", "Asia", "Shanghai",  # time-zone names
    "CNY", "USD", "USDT",  # currency codes
    # the config's feed and broker names, and the feeds' own status lines (engine data: see
    # docs/languages.md)
    "sim", "paper", "mail", "replay", "simulated", "trading", "ticks",
    # strategy plugins' names and their parameters' field names: defined in the plugin's code
    "breakout", "dual_ma", "pairs", "sma_cross", "twap", "window", "stop_pct", "quantity",
    "fast", "slow",
    "symbol", "datetime", "open", "high", "low", "close",  # a bars file's columns, typed so
    "Solana", "Tether",  # instrument names the feed gives (a crypto pair has no Chinese name)
    "Default",  # the first watchlist's name: the user's data (renamable), kept in its file
    "English",  # the language menu names each language in itself
}
# fmt: on
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
# Data rather than interface text: instrument codes (600000.SSE, BTCUSDT.BINANCE), file names.
# The watch filter's syntax (last>100, change_pct<0): column keys typed as such. Paths.
CODE = re.compile(
    r"(?:/[\w.-]+)+|\b[A-Z0-9]+\.[A-Z]+\b|\b[\w-]+\.(csv|html|ini|json|tjnl)\b|\b\w+[<>]\d+"
)  # and paths: a journal's or a report's file


def english_words(text: str) -> list[str]:
    text = CODE.sub("", re.sub(r"<[^>]+>", "", text.replace("&", "")))
    return [w for w in LATIN_WORD.findall(text) if w not in ALLOWED]


def shown_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every text the widgets under ``root`` show: titles, labels, buttons,
    placeholders, tooltips, tabs, choices, menu actions and table headers."""
    for widget in [root, *root.findChildren(QWidget)]:
        kind = type(widget).__name__
        yield f"{kind} tooltip", widget.toolTip()
        if isinstance(widget, QDockWidget | QGroupBox):
            yield (
                f"{kind} title",
                widget.windowTitle() if isinstance(widget, QDockWidget) else widget.title(),
            )
        if isinstance(widget, QLabel | QAbstractButton):
            yield kind, widget.text()
        if isinstance(widget, QLineEdit):
            yield f"{kind} placeholder", widget.placeholderText()
        if isinstance(widget, QTabBar):
            yield from ((kind, widget.tabText(i)) for i in range(widget.count()))
        if isinstance(widget, QComboBox) and not widget.isEditable():
            yield from ((kind, widget.itemText(i)) for i in range(widget.count()))
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for column in range(model.columnCount()):
                header = model.headerData(column, Qt.Orientation.Horizontal)
                yield f"{kind} header", str(header or "")
        for action in widget.actions():
            yield f"{kind} action", action.text()
            yield (
                f"{kind} action tooltip",
                action.toolTip() if action.toolTip() != action.text().replace("&", "") else "",
            )
    yield "window title", root.windowTitle()


def assert_no_english(texts: list[tuple[str, str]], at_least: int) -> None:
    """``texts`` (where, text) reach far enough and hold no English word."""
    texts = [(where, text) for where, text in texts if text]
    english = [(where, text) for where, text in texts if english_words(text)]
    assert len(texts) >= at_least, len(texts)  # the walk reaches the whole widget
    assert english == [], "\n".join(f"{w}: {t}" for w, t in english)
