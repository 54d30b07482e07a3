"""What the strategy runner writes down: the run journal (every event and command it takes, in
the order it takes them) and the strategy store (each instance's settings and last state)."""

from __future__ import annotations

from pathlib import Path

import msgspec

from terminal.domain.events import BarEvent, FillEvent, OrderEvent, Tick
from terminal.engine import journal as j
from terminal.engine.strategy.instance import StrategyInstance
from terminal.engine.strategy.store import SavedInstance, StrategyStore


class StrategyRecords:
    """The runner's journal and store; either may be absent (a replay keeps neither)."""

    def __init__(self) -> None:
        self.journal: j.JournalWriter | None = None
        self.store: StrategyStore | None = None

    def open_store(self, path: Path) -> None:
        self.store = StrategyStore(path)

    # ---- the journal --------------------------------------------------------------------
    def record(self, record: j.Record) -> None:
        if self.journal is not None:
            self.journal.write(record)

    def record_event(self, ts: int, event: object) -> None:
        """An inbound tick, closed bar, order update or fill."""
        if self.journal is not None:
            self.journal.write(journal_record(ts, event))

    def record_command(self, ts: int, command: object) -> None:
        """A command to the engine (an order, a cancel, the kill switch), for the record."""
        if self.journal is not None:
            payload = msgspec.to_builtins(command)
            self.journal.write(j.CommandRec(ts, type(command).__name__, payload))

    # ---- the store ----------------------------------------------------------------------
    def save(self, instance: StrategyInstance) -> None:
        if self.store is not None:
            self.store.save(instance.saved())

    def forget(self, name: str) -> None:
        if self.store is not None:
            self.store.delete(name)

    def saved(self) -> list[SavedInstance]:
        """The saved instances, in the order they were first added (none without a store)."""
        return self.store.load() if self.store is not None else []

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()
        if self.store is not None:
            self.store.close()


def journal_record(ts: int, event: object) -> j.Record:
    if isinstance(event, Tick):
        return j.TickRec(ts, event)
    if isinstance(event, BarEvent):
        return j.BarRec(ts, event.bar)
    if isinstance(event, OrderEvent):
        return j.OrderRec(ts, event.order)
    if isinstance(event, FillEvent):
        return j.FillRec(ts, event.fill)
    raise TypeError(f"no journal record for {type(event).__name__}")
