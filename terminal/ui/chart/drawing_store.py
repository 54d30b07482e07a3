"""The chart drawings of every symbol, kept in one JSON file in the user's data folder (Qt-free).

A drawing's points are (bar time in ns, price), not bar indices: indices change when older
history loads or the timeframe changes, times do not. Every change reads the file, replaces
one symbol's list and writes it back atomically, so two charts never undo each other's
drawings of other symbols. A file that cannot be read is set aside (``.bad``), named in the
log, and a fresh one started; an entry that does not fit is skipped and named.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from terminal.engine.paths import user_data_dir

log = logging.getLogger("terminal.ui")
FILE_NAME = "chart_drawings.json"
VERSION = 1


class DrawingKind(StrEnum):
    """What a drawing is; the value is what the file keeps."""

    HLINE = "hline"
    TREND = "trend"
    RECT = "rect"
    FIB = "fib"

    @property
    def point_count(self) -> int:
        return 1 if self is DrawingKind.HLINE else 2


Point = tuple[int, float]  # bar time in ns (UTC), price


@dataclass(frozen=True, slots=True)
class Drawing:
    """One drawing on one symbol's chart."""

    kind: DrawingKind
    points: tuple[Point, ...]
    drawing_id: str = ""

    def __post_init__(self) -> None:
        if len(self.points) != self.kind.point_count:
            raise ValueError(
                f"a {self.kind} drawing has {self.kind.point_count} point(s), not "
                f"{len(self.points)}"
            )
        if not self.drawing_id:
            object.__setattr__(self, "drawing_id", uuid.uuid4().hex[:12])

    def moved(self, points: tuple[Point, ...]) -> Drawing:
        return Drawing(self.kind, points, self.drawing_id)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.drawing_id, "kind": self.kind.value,
                "points": [[t, p] for t, p in self.points]}  # fmt: skip

    @classmethod
    def from_json(cls, data: Any) -> Drawing:
        if not isinstance(data, dict):
            raise ValueError(f"not a map: {data!r}")
        kind = DrawingKind(str(data.get("kind")))
        points = tuple((int(t), float(p)) for t, p in data.get("points") or [])
        return cls(kind, points, str(data.get("id") or ""))


class DrawingStore:
    """Drawings per symbol in ``path`` (default: ``chart_drawings.json`` in the data folder)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or user_data_dir() / FILE_NAME

    def drawings(self, symbol: str) -> list[Drawing]:
        """``symbol``'s drawings, oldest first (entries that do not fit are skipped)."""
        drawings = []
        for entry in self._read().get(symbol, []):
            try:
                drawings.append(Drawing.from_json(entry))
            except (ValueError, TypeError) as exc:
                log.warning("%s: a drawing of %s was skipped: %s", self.path, symbol, exc)
        return drawings

    def save(self, symbol: str, drawings: list[Drawing]) -> None:
        """Replace ``symbol``'s drawings with ``drawings``."""
        symbols = self._read()
        if drawings:
            symbols[symbol] = [drawing.to_json() for drawing in drawings]
        else:
            symbols.pop(symbol, None)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        text = json.dumps({"version": VERSION, "symbols": symbols})
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, self.path)

    def _read(self) -> dict[str, list[Any]]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            symbols = data["symbols"]
            if not isinstance(symbols, dict):
                raise ValueError(f"'symbols' is a {type(symbols).__name__}, not a map")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            aside = self.path.with_suffix(".json.bad")
            log.warning("%s could not be read (%s); it is kept as %s and drawings start afresh",
                        self.path, exc, aside.name)  # fmt: skip
            os.replace(self.path, aside)
            return {}
        return {str(k): v for k, v in symbols.items() if isinstance(v, list)}
