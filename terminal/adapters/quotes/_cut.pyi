"""Types of the compiled cutter (_cut.pyx)."""

from array import array
from collections.abc import Callable, Iterable
from typing import Any

Columns = tuple[list[str], list[str], list[str], list[str], array[float]]

def cut_sina(text: str) -> Columns | None: ...
def cut_qq(text: str) -> Columns | None: ...
def ticks(
    tick: Callable[..., Any],
    numbers: array[float],
    width: int,
    layout: tuple[int, ...],
    indexes: Iterable[int],
    symbols: list[str],
    times: list[int],
    statuses: tuple[Any, ...],
) -> list[Any]: ...
