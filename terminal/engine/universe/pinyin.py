"""Search keys of instrument names: normalised text, and the pinyin initials of Chinese names
(浦发银行 → ``pfyh``), with ``pypinyin`` (its phrase dictionary picks 行 as háng in 银行)."""

from __future__ import annotations

import functools
import unicodedata


def normalised(text: str) -> str:
    """Lower case, full-width letters and digits as ASCII, no spaces: "万  科Ａ" → "万科a"."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


@functools.cache
def _first_letters() -> object:
    from pypinyin import Style, lazy_pinyin  # imported on first use: it loads large tables

    return lambda text: lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")


def initials(name: str) -> str:
    """The first letter of each Chinese character's pinyin, and the name's own letters and
    digits, in lower case: "*ST海润" → "sthr", "中证500ETF" → "zz500etf". Names without
    Chinese characters give their letters and digits."""
    text = normalised(name)
    if text.isascii():
        return "".join(c for c in text if c.isalnum())
    pieces = _first_letters()(text)  # type: ignore[operator]
    return "".join(c for piece in pieces for c in piece.lower() if c.isascii() and c.isalnum())
