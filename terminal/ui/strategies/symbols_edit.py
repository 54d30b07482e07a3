"""A line edit for one or more instrument symbols, comma separated, completing each one."""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

SEPARATORS = re.compile(r"[,;\s]+")


class _LastSymbolCompleter(QCompleter):
    """Completes the symbol being typed after the last comma and keeps the ones before it."""

    def __init__(self, symbols: list[str], edit: QLineEdit) -> None:
        super().__init__(edit)
        self._symbols = QStringListModel(symbols, self)  # owned here: Python would free it
        self.setModel(self._symbols)
        self._edit = edit
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        chosen = str(index.data())
        before = self._edit.text().rsplit(",", 1)
        return f"{before[0]}, {chosen}" if len(before) > 1 else chosen


class SymbolsEdit(QLineEdit):
    """Symbols as ``AAPL.NASDAQ, MSFT.NASDAQ``: the first is the primary one. :meth:`symbols`
    reads them in the known spelling; :meth:`problem` says what is wrong with the text."""

    def __init__(self, known: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._known = {symbol.upper(): symbol for symbol in known}
        self.setCompleter(_LastSymbolCompleter(known, self))
        self.setPlaceholderText(self.tr("symbols, comma separated; the first is the primary"))
        if known:
            self.setText(known[0])

    def entered(self) -> list[str]:
        """The symbols as typed, in order."""
        return [part for part in SEPARATORS.split(self.text().strip()) if part]

    def symbols(self) -> list[str]:
        """The entered symbols, each in its known spelling where one matches (any case)."""
        return [self._known.get(part.upper(), part) for part in self.entered()]

    def problem(self) -> str:
        """ "" when every entered symbol is a known instrument, else a message naming one."""
        entered = self.entered()
        if not entered:
            return self.tr("Symbols: enter at least one symbol")
        for part in entered:
            if part.upper() not in self._known:
                return self.tr("Symbols: unknown symbol '{symbol}' (no feed has this "
                               "instrument)").format(symbol=part)
        return ""
