"""Logging: readable lines on the console and in the log dock, JSON lines in a rotated file.

Every line carries its component (the logger name) and, where they apply, the symbol, order
id and strategy: from ``extra={...}`` on the call, from :func:`log_context` around a piece of
work (everything logged inside, by any module, gets the fields), or for strategies from the
logger name (``terminal.strategy.NAME``). Secrets are kept out of log records where they are
used (``terminal.engine.secrets``), not searched for in every line afterwards.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import threading
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path

from terminal.domain.events import LogEvent
from terminal.engine.bus import EventBus
from terminal.engine.paths import user_data_dir

CONSOLE_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
CONTEXT_FIELDS = ("symbol", "order_id", "strategy", "replay")
LOG_FILE_MAX_BYTES = 5_000_000
LOG_FILE_BACKUPS = 5
_STRATEGY_LOGGER = "terminal.strategy."

_context: ContextVar[dict[str, str] | None] = ContextVar("terminal_log_context", default=None)


# ---- context and secrets -------------------------------------------------------------------
class log_context:
    """Add ``symbol`` / ``order_id`` / ``strategy`` to every line logged inside the block.

    A class rather than a generator context manager: every order passes through one, and this
    costs a third of the time."""

    __slots__ = ("_fields", "_token")

    def __init__(self, **fields: str | None) -> None:
        self._fields = fields

    def __enter__(self) -> None:
        current = _context.get() or {}
        added = {k: str(v) for k, v in self._fields.items() if v}
        self._token = _context.set({**current, **added})

    def __exit__(self, *exc: object) -> None:
        _context.reset(self._token)


def context_of(record: logging.LogRecord) -> dict[str, str]:
    """The context fields of ``record`` (computed once, then kept on the record)."""
    cached: dict[str, str] | None = getattr(record, "_terminal_context", None)
    if cached is not None:
        return cached
    fields = dict(_context.get() or {})
    for key in CONTEXT_FIELDS:
        value = getattr(record, key, None)
        if value:
            fields[key] = str(value)
    if "strategy" not in fields and record.name.startswith(_STRATEGY_LOGGER):
        fields["strategy"] = record.name[len(_STRATEGY_LOGGER) :]
    record._terminal_context = fields
    return fields


def component_of(record: logging.LogRecord) -> str:
    return record.name.removeprefix("terminal.")


def _suffix(fields: dict[str, str]) -> str:
    if not fields:
        return ""
    return " [" + " ".join(f"{key}={fields[key]}" for key in CONTEXT_FIELDS if key in fields) + "]"


# ---- formatters ----------------------------------------------------------------------------
class ReadableFormatter(logging.Formatter):
    """One line per record (plus any traceback) with the context fields at the end."""

    def __init__(self) -> None:
        super().__init__(CONSOLE_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        return super().formatMessage(record) + _suffix(context_of(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC ISO 8601), level, component, message, context."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "component": component_of(record),
            "message": record.getMessage(),
            **context_of(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


# ---- handlers ------------------------------------------------------------------------------
class BusLogHandler(logging.Handler):
    """Publishes log records as :class:`LogEvent` (on the loop thread only): those logged
    inside ``log_context(replay=replay)``, so a replay's lines go to its own window and the
    live engine's lines (``replay`` None) to the live one."""

    def __init__(
        self, bus: EventBus, level: int = logging.INFO, replay: str | None = None
    ) -> None:
        super().__init__(level)
        self._bus = bus
        self._thread = threading.get_ident()
        self._emitting = False
        self.replay = replay

    def emit(self, record: logging.LogRecord) -> None:
        if self._emitting or threading.get_ident() != self._thread:
            return
        if context_of(record).get("replay") != self.replay:
            return
        self._emitting = True
        try:
            message = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                message = f"{message} ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
            message += _suffix(context_of(record))
            self._bus.publish(
                LogEvent(record.created, record.levelname, component_of(record), message)
            )
        finally:
            self._emitting = False


def _marked(root: logging.Logger, mark: str) -> logging.Handler | None:
    return next((h for h in root.handlers if getattr(h, mark, False)), None)


# Libraries that log every HTTP request at INFO: a quote feed polling 80 batches every few
# seconds would bury the log (and the Log dock) in them. Their warnings still show, and at
# log level DEBUG everything does.
CHATTY_LOGGERS = ("httpx", "httpcore")


def configure_console(level: str) -> None:
    root = logging.getLogger()
    if _marked(root, "_terminal_console") is None:
        handler = logging.StreamHandler()
        handler.setFormatter(ReadableFormatter())
        handler._terminal_console = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    quiet = root.getEffectiveLevel() > logging.DEBUG
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING if quiet else logging.NOTSET)


def default_log_file() -> Path:
    return user_data_dir() / "logs" / "terminal.log"


def configure_file(
    path: Path | None = None,
    max_bytes: int = LOG_FILE_MAX_BYTES,
    backups: int = LOG_FILE_BACKUPS,
) -> logging.Handler | None:
    """JSON lines to ``path`` (default: ``logs/terminal.log`` in the user data folder),
    rotated at ``max_bytes`` keeping ``backups`` old files. None if the file cannot be opened
    (the terminal runs on, saying so on the console)."""
    root = logging.getLogger()
    existing = _marked(root, "_terminal_file")
    if existing is not None:
        return existing
    path = path or default_log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
    except OSError as exc:
        logging.getLogger("terminal.logs").warning("no log file: cannot open %s: %s", path, exc)
        return None
    handler.setFormatter(JsonFormatter())
    handler._terminal_file = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    return handler


def attach_bus(bus: EventBus, replay: str | None = None) -> BusLogHandler:
    """Publish log lines on ``bus``: the live ones, or with ``replay`` that replay's."""
    handler = BusLogHandler(bus, replay=replay)
    logging.getLogger().addHandler(handler)
    return handler


def detach(handler: logging.Handler) -> None:
    logging.getLogger().removeHandler(handler)
    handler.close()
