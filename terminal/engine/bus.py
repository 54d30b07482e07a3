"""The event bus: typed events, synchronous dispatch, one raising handler never stops the rest."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

E = TypeVar("E")
Handler = Callable[[Any], None]

log = logging.getLogger("terminal.bus")


def handler_name(handler: Handler) -> str:
    owner = getattr(handler, "__self__", None)
    name = getattr(handler, "__qualname__", None) or repr(handler)
    if owner is not None and "." not in name:
        return f"{type(owner).__qualname__}.{name}"
    return name


class EventBus:
    """Routes each event to the handlers subscribed to its exact type, in subscription order.

    Dispatch runs on the caller's thread (the engine loop). Handler lists are replaced, never
    mutated, so a handler may subscribe or unsubscribe during dispatch.
    """

    def __init__(self) -> None:
        self._handlers: dict[type, tuple[Handler, ...]] = {}
        self.errors: Counter[str] = Counter()
        self.published: Counter[type] = Counter()

    def subscribe(self, event_type: type[E], handler: Callable[[E], None]) -> Callable[[], None]:
        """Call ``handler`` for every event of ``event_type``. Returns the unsubscriber."""
        self._handlers[event_type] = (*self._handlers.get(event_type, ()), handler)

        def unsubscribe() -> None:
            current = self._handlers.get(event_type, ())
            self._handlers[event_type] = tuple(h for h in current if h is not handler)

        return unsubscribe

    def has_handlers(self, event_type: type) -> bool:
        """Whether anything takes ``event_type`` (so a costly event need not be built)."""
        return bool(self._handlers.get(event_type))

    def bracket_next(
        self, event_type: type[E], before: Callable[[E], None], after: Callable[[E], None]
    ) -> None:
        """Call ``before`` ahead of every handler and ``after`` behind them all, for the next
        event of ``event_type`` only (a latency probe that costs other events nothing)."""

        def remove(_event: E) -> None:
            current = self._handlers.get(event_type, ())
            self._handlers[event_type] = tuple(
                h for h in current if h is not before and h is not finish
            )

        def finish(event: E) -> None:
            remove(event)
            after(event)

        self._handlers[event_type] = (before, *self._handlers.get(event_type, ()), finish)

    def publish(self, event: object) -> None:
        handlers = self._handlers.get(type(event))
        if not handlers:
            return
        for handler in handlers:
            try:
                handler(event)
            except Exception:
                self._report(handler, event)

    def _report(self, handler: Handler, event: object) -> None:
        name = handler_name(handler)
        self.errors[name] += 1
        log.exception(
            "handler %s raised on %s (error #%d for this handler); dispatch goes on",
            name,
            type(event).__name__,
            self.errors[name],
        )
