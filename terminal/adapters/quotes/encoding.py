"""Decoding vendor answers: GBK as Sina and Tencent send them, or UTF-8 as saved files and
some mirrors have them, decided line by line when the whole answer is neither, so that one
wrongly encoded line garbles at most itself, never the good lines around it."""

from __future__ import annotations

from typing import NamedTuple

VENDOR = ("gbk", "utf-8")
"""A live answer: GBK, as the vendors send it; a line that is not GBK may be UTF-8."""
SAVED = ("utf-8", "gbk")
"""A saved file: UTF-8 (re-saved by a person or a tool), or the vendor's GBK as it came."""
LAST_RESORT = "gb18030"
"""GBK's superset, for the rare name with a character GBK lacks; it accepts nearly any
bytes, so it is tried only line by line, after the two strict encodings."""


class Decoded(NamedTuple):
    """An answer's text, and the 1-based numbers of lines that no encoding could read (kept,
    with replacement characters where their bytes could not be read)."""

    text: str
    bad_lines: list[int]


def decode_answer(raw: bytes, order: tuple[str, str] = VENDOR) -> Decoded:
    """The text of ``raw``: in one call when the whole answer is in either encoding of
    ``order`` (the usual case), else line by line, each line in the first encoding of
    ``order`` (then :data:`LAST_RESORT`) that reads it.

    A UTF-8 line that also happens to be valid GBK cannot be told from GBK: in a GBK answer
    it reads as GBK (wrong characters in that line only)."""
    for encoding in order:
        try:
            return Decoded(raw.decode(encoding), [])
        except UnicodeDecodeError:
            pass
    lines: list[str] = []
    bad: list[int] = []
    for number, line in enumerate(raw.split(b"\n"), 1):
        lines.append(_decode_line(line, (*order, LAST_RESORT), number, bad))
    return Decoded("\n".join(lines), bad)


def _decode_line(line: bytes, encodings: tuple[str, ...], number: int, bad: list[int]) -> str:
    for encoding in encodings:
        try:
            return line.decode(encoding)
        except UnicodeDecodeError:
            pass
    bad.append(number)
    return line.decode(LAST_RESORT, errors="replace")
