"""Command routing: what the engine does with each command published on its bus.

Widgets, the command line and remote GUIs act only by publishing commands (``SubmitOrder``,
``CancelOrder``, ``ModifyOrder``, ``SubmitBracket``, ``SubmitOco``, ``SubmitTrailingStop``,
``KillSwitch``, ``RearmBreaker``, the strategy commands).
:class:`CommandRouter` carries them out on the engine; a refusal (a ``ValueError`` or
``KeyError`` with the reason) is published as ``CommandRejected`` for the widgets to show,
never raised into the bus.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from terminal.domain.contingent import ModifyOrder, SubmitBracket, SubmitOco, SubmitTrailingStop
from terminal.domain.events import (
    AddStrategy,
    CancelOrder,
    CommandRejected,
    EditStrategy,
    KillSwitch,
    RearmBreaker,
    ReloadStrategy,
    RemoveStrategy,
    StartStrategy,
    StopStrategy,
    SubmitOrder,
    WatchSymbols,
)
from terminal.engine.bus import EventBus

if TYPE_CHECKING:
    from terminal.engine.engine import Engine

log = logging.getLogger("terminal.engine")


def refuse(bus: EventBus, logger: logging.Logger, command: object, reason: str) -> None:
    """Log that ``command`` was refused and tell the widgets why (``CommandRejected``)."""
    kind = type(command).__name__
    logger.warning("%s refused: %s", kind, reason)
    bus.publish(CommandRejected(kind, reason, getattr(command, "order_id", "")))


class CommandRouter:
    """Subscribes ``engine`` to every command it carries out."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._bus = engine.bus
        strategies = engine.strategies
        subscribe, guarded = engine.bus.subscribe, self._guarded
        subscribe(SubmitOrder, guarded(lambda c: engine.submit(c.request, c.order_id)))
        subscribe(CancelOrder, lambda c: engine.cancel(c.order_id))
        contingent = engine.contingent
        for placing in (SubmitBracket, SubmitOco, SubmitTrailingStop):
            subscribe(placing, guarded(contingent.place))
        subscribe(ModifyOrder, guarded(contingent.modify))
        subscribe(KillSwitch, self._on_kill_switch)
        subscribe(
            AddStrategy,
            guarded(
                lambda c: strategies.add(
                    c.instance, c.strategy, engine.resolve(c.all_symbols()), c.broker,
                    c.params, c.warmup, c.auto_start,
                )
            ),
        )
        subscribe(WatchSymbols, guarded(lambda c: engine.watch(c.user, c.symbols)))
        subscribe(EditStrategy, guarded(lambda c: strategies.edit(c.instance, c.params, c.warmup)))
        subscribe(ReloadStrategy, guarded(lambda c: engine.reload_strategy(c.strategy)))
        subscribe(StartStrategy, guarded(lambda c: strategies.start(c.instance)))
        subscribe(StopStrategy, guarded(lambda c: strategies.stop(c.instance)))
        subscribe(RemoveStrategy, guarded(lambda c: strategies.remove(c.instance)))
        subscribe(RearmBreaker, guarded(lambda c: engine.breakers.rearm(c.breaker, c.target)))

    def _on_kill_switch(self, command: KillSwitch) -> None:
        self._engine.kill_switch(command.reason)

    def _guarded(self, action: Callable[[Any], object]) -> Callable[[Any], None]:
        """Run a command; a refusal (ValueError/KeyError) is published, not raised."""

        def run(command: Any) -> None:
            try:
                action(command)
            except (ValueError, KeyError) as exc:
                reason = exc.args[0] if exc.args else str(exc)
                refuse(self._bus, log, command, str(reason))

        return run
