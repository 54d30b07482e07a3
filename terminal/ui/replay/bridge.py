"""The bridge of a replay window: the engine bridge, plus the playback's controls and what the
playback toolbar reads (position, clock, the comparison with the orders placed live)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject

from terminal.engine.replay.engine import ReplayEngine
from terminal.engine.replay.host import PlacedOrder, ReplayResult
from terminal.ui.bridge import EngineBridge


@dataclass(frozen=True, slots=True)
class Playback:
    """Where the replay is."""

    position: int  # events applied
    total: int  # events in the journal
    event_ns: int  # exchange time of the current event (the replay clock)
    paused: bool
    speed: float | None  # None: as fast as possible
    finished: bool
    divergence: int | None  # index of the first order differing from live, once one does


class ReplayBridge(EngineBridge):
    """An :class:`EngineBridge` over a :class:`ReplayEngine` that also drives its player."""

    def __init__(
        self, engine: ReplayEngine, refresh_hz: int = 20, parent: QObject | None = None
    ) -> None:
        super().__init__(engine, refresh_hz, parent)
        self._replay = engine

    # ---- playback commands -----------------------------------------------------------------
    def play(self, speed: float | None) -> None:
        """Play at ``speed`` times the recorded pace (None: as fast as possible)."""
        self._replay.player.play(speed)

    def pause(self) -> None:
        self._replay.player.pause()

    def step(self) -> None:
        """Apply exactly the next event (pausing first)."""
        self._replay.player.step()

    # ---- reads ------------------------------------------------------------------------------
    def playback(self) -> Playback:
        player = self._replay.player
        return Playback(
            player.position, player.total, player.event_ns, player.paused, player.speed,
            player.finished, self._replay.divergence,
        )

    def journal_path(self) -> Path:
        return self._replay.path

    def scope(self) -> str:
        """Which strategy instances are replayed ("all instances" or one)."""
        return self._replay.scope

    def result(self) -> ReplayResult | None:
        """The comparison with the live run, once the replay has finished (else None)."""
        return self._replay.result

    def placed(self) -> list[PlacedOrder]:
        """Orders the strategies placed so far in the replay (recorded, never sent)."""
        return self._replay.placed

    def live_count(self) -> int:
        """How many orders the strategies placed in the live run."""
        return len(self._replay.live)

    def problems(self) -> list[str]:
        """What could not be replayed (or read from the journal), with the reason."""
        return self._replay.problems
