"""The market watch's "Add symbol…" box: every keystroke asks the symbol search (code, name,
pinyin initials, over the universe and every feed's instruments) and offers its hits, best
first; Enter or a click on a hit adds it."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from terminal.engine.universe.search import SearchHit

SEPARATOR = "  —  "  # between symbol and name in the offered hits
HITS = 20

Search = Callable[[str, int], list[SearchHit]]


def symbol_of(text: str) -> str:
    """The symbol of an offered hit ("600000.SSE  —  浦发银行"), or the text as typed."""
    return text.split(SEPARATOR)[0].strip()


class SymbolSearchBox(QLineEdit):
    """A line edit whose completions are the search's hits for what is typed (shown as they
    come: the search, not Qt, decides what matches). ``chosen`` carries the text to add."""

    chosen = Signal(str)

    def __init__(self, search: Search, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self.hits: list[SearchHit] = []
        self.search_ms = 0.0
        """How long the last keystroke's search and list update took (benchmarks)."""
        self.setObjectName("watchSearch")
        self.setPlaceholderText(self.tr("Add symbol…"))
        self.setClearButtonEnabled(True)
        self.setToolTip(self.tr("Code, name or pinyin initials (pfyh finds 浦发银行)"))
        self._model = QStringListModel(self)
        self.completer_ = QCompleter(self._model, self)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCompleter(self.completer_)
        self.textEdited.connect(self.offer)
        self.completer_.activated.connect(self._take)
        self.returnPressed.connect(lambda: self._take(self.text()))

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        # The search builds its index on first use (~20 ms for the whole market): on focus,
        # before the first keystroke, so no keystroke waits for it.
        self._search("0", 1)

    def offer(self, text: str) -> list[str]:
        """Search ``text`` and offer the hits (also what a keystroke does)."""
        started = time.perf_counter()
        self.hits = self._search(text, HITS) if text.strip() else []
        offered = [f"{hit.symbol}{SEPARATOR}{hit.name}" for hit in self.hits]
        self._model.setStringList(offered)
        self.search_ms = (time.perf_counter() - started) * 1000
        if offered and self.hasFocus():
            self.completer_.complete()
        return offered

    def best(self, text: str) -> str:
        """What free text stands for: the symbol of an offered hit, the typed symbol if it
        is one, else the best hit's symbol (Enter on "pfyh" adds 浦发银行), else the text."""
        symbol = symbol_of(text)
        if SEPARATOR in text or not symbol:
            return symbol
        hits = self.hits if self.hits and text == self.text() else self._search(symbol, HITS)
        exact = [h.symbol for h in hits if h.symbol.lower() == symbol.lower()]
        if exact:
            return exact[0]
        return hits[0].symbol if hits else symbol

    def _take(self, text: str) -> None:
        if text.strip():
            popup = self.completer_.popup()
            if popup is not None:
                popup.hide()
            self.chosen.emit(text)
