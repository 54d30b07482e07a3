"""Builders for the layouts every panel makes: a column or a row of widgets and layouts (each
with an optional stretch), and two panes side by side in a splitter."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLayout, QSplitter, QVBoxLayout, QWidget

Item = QWidget | QLayout | tuple[QWidget | QLayout, int] | int
"""A widget or layout, or one with its stretch factor (``(table, 1)``), or a bare number: an
empty stretch of that factor."""
Box = TypeVar("Box", bound=QBoxLayout)


def column(*items: Item, owner: QWidget | None = None, margins: int = 0) -> QVBoxLayout:
    """``items`` top to bottom (the layout of ``owner`` when given)."""
    return _filled(QVBoxLayout(owner) if owner is not None else QVBoxLayout(), items, margins)


def row(*items: Item, owner: QWidget | None = None, margins: int = 0) -> QHBoxLayout:
    """``items`` left to right (the layout of ``owner`` when given)."""
    return _filled(QHBoxLayout(owner) if owner is not None else QHBoxLayout(), items, margins)


def side_by_side(
    left: QWidget, right: QWidget, sizes: tuple[int, int], collapsible: bool = True
) -> QSplitter:
    """A horizontal splitter, ``right`` taking what the window gains."""
    split = QSplitter(Qt.Orientation.Horizontal)
    split.setChildrenCollapsible(collapsible)
    split.addWidget(left)
    split.addWidget(right)
    split.setStretchFactor(1, 1)
    split.setSizes(list(sizes))
    return split


def _filled(layout: Box, items: tuple[Item, ...], margins: int) -> Box:
    layout.setContentsMargins(margins, margins, margins, margins)
    for item in items:
        if isinstance(item, int):
            layout.addStretch(item)
            continue
        thing, stretch = item if isinstance(item, tuple) else (item, 0)
        if isinstance(thing, QLayout):
            layout.addLayout(thing, stretch)
        else:
            layout.addWidget(thing, stretch)
    return layout
