"""Logging set-up: readable console lines, and every record forwarded to the bus for the GUI."""

from __future__ import annotations

import logging
import threading

from terminal.domain.events import LogEvent
from terminal.engine.bus import EventBus

CONSOLE_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class BusLogHandler(logging.Handler):
    """Publishes log records as :class:`LogEvent` (on the loop thread only)."""

    def __init__(self, bus: EventBus, level: int = logging.INFO) -> None:
        super().__init__(level)
        self._bus = bus
        self._thread = threading.get_ident()
        self._emitting = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._emitting or threading.get_ident() != self._thread:
            return
        self._emitting = True
        try:
            message = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                message = f"{message} ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
            component = record.name.removeprefix("terminal.")
            self._bus.publish(LogEvent(record.created, record.levelname, component, message))
        finally:
            self._emitting = False


def configure_console(level: str) -> None:
    root = logging.getLogger()
    if not any(getattr(h, "_terminal_console", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(CONSOLE_FORMAT))
        handler._terminal_console = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)


def attach_bus(bus: EventBus) -> BusLogHandler:
    handler = BusLogHandler(bus)
    logging.getLogger().addHandler(handler)
    return handler


def detach(handler: logging.Handler) -> None:
    logging.getLogger().removeHandler(handler)
