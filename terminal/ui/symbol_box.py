"""The editable symbol box shared by the chart and the order ticket."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter


def symbol_box(symbols: list[str]) -> QComboBox:
    """An editable combo box of ``symbols`` whose completer matches any part, in any case
    (typing "btc" offers BTCUSDT.BINANCE)."""
    box = QComboBox()
    box.setEditable(True)
    box.addItems(symbols)
    completer = QCompleter(symbols, box)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    box.setCompleter(completer)
    return box
