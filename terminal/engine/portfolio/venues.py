"""What the venues last reported (balances, derivatives positions), kept from the bus: the
live engine's reconciler publishes it, a remote GUI receives it, a replay has none."""

from __future__ import annotations

from terminal.domain.orders import OrderCapabilities
from terminal.domain.venue import Balance, BalancesEvent, VenuePosition, VenuePositionsEvent
from terminal.engine.bus import EventBus


class VenueMirror:
    """The venues' balances and derivatives positions as last reported, kept from the bus
    (the live engine's reconciler publishes them; a remote GUI receives them)."""

    def __init__(self, bus: EventBus) -> None:
        self._balances: dict[str, dict[str, Balance]] = {}
        self._positions: dict[str, list[VenuePosition]] = {}
        bus.subscribe(BalancesEvent, self._on_balances)
        bus.subscribe(VenuePositionsEvent, self._on_positions)

    def balances(self) -> list[Balance]:
        return [b for balances in self._balances.values() for b in balances.values()]

    def balances_of(self, broker: str) -> dict[str, Balance]:
        return dict(self._balances.get(broker, {}))

    def positions(self) -> list[VenuePosition]:
        return [p for positions in self._positions.values() for p in positions]

    def _on_balances(self, event: BalancesEvent) -> None:
        self._balances[event.broker] = {b.currency: b for b in event.balances}

    def _on_positions(self, event: VenuePositionsEvent) -> None:
        self._positions[event.broker] = list(event.positions)


class VenueReads:
    """What the widgets read of the venues, for an engine without broker objects (a remote
    GUI's, a replay's): the reports on its bus in ``venue``; every kind of order offered (the
    server's own pipeline refuses what its broker does not take; a replay sends nothing)."""

    venue: VenueMirror

    def balances(self) -> list[Balance]:
        return self.venue.balances()

    def venue_positions(self) -> list[VenuePosition]:
        return self.venue.positions()

    def capabilities(self, broker: str, symbol: str) -> OrderCapabilities:
        return OrderCapabilities()
