"""The configured hotkeys, checked: a value Qt cannot read as a key falls back to its default."""

from __future__ import annotations

import logging

from PySide6.QtGui import QKeySequence

from terminal.engine.config import Hotkeys

log = logging.getLogger("terminal.ui")


def checked_hotkeys(keys: Hotkeys) -> Hotkeys:
    """Keep valid key sequences; an invalid one is logged with its name and value and the
    default is used instead."""
    defaults = Hotkeys()
    chosen = {}
    for name in Hotkeys.__struct_fields__:
        text = getattr(keys, name)
        if QKeySequence(text).isEmpty() or QKeySequence(text).toString() == "":
            log.error(
                "config ui.hotkeys.%s = %r is not a key sequence; using %r",
                name,
                text,
                getattr(defaults, name),
            )
            text = getattr(defaults, name)
        chosen[name] = text
    return Hotkeys(**chosen)
