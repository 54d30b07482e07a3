"""Red / amber / green for feeds and brokers, with the reason a trader reads first."""

from __future__ import annotations

from enum import StrEnum

import msgspec

from terminal.domain.enums import ConnectionStatus
from terminal.domain.market import FeedStatus

STALE_AFTER_S = 30.0  # a live feed silent this long is shown amber


class HealthLevel(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class FeedHealth(msgspec.Struct, frozen=True):
    """One feed's or broker's state: its connection status and the verdict, with why."""

    status: str
    level: HealthLevel
    reason: str = ""


def _with(status: FeedStatus, words: str) -> str:
    return f"{words}: {status.reason}" if status.reason else words


def feed_health(
    status: FeedStatus | None, last_tick_age_s: float | None, stale_after_s: float = STALE_AFTER_S
) -> FeedHealth:
    """Red when down or in error, amber while connecting or silent, green when ticking."""
    if status is None:
        return FeedHealth("unknown", HealthLevel.AMBER, "no status reported yet")
    value = status.status
    if value in (ConnectionStatus.ERROR, ConnectionStatus.DISCONNECTED):
        return FeedHealth(value.value, HealthLevel.RED, _with(status, value.value))
    if value is ConnectionStatus.CONNECTING:
        return FeedHealth(value.value, HealthLevel.AMBER, _with(status, "connecting"))
    if value is ConnectionStatus.STALE:
        return FeedHealth(value.value, HealthLevel.AMBER, _with(status, "stale"))
    if last_tick_age_s is None:
        return FeedHealth(value.value, HealthLevel.AMBER, "live, no tick yet")
    if last_tick_age_s >= stale_after_s:
        words = f"stale: last tick {last_tick_age_s:.0f} s ago"
        return FeedHealth(value.value, HealthLevel.AMBER, words)
    words = f"live: last tick {last_tick_age_s:.0f} s ago"
    return FeedHealth(value.value, HealthLevel.GREEN, words)


def broker_health(status: FeedStatus | None) -> FeedHealth:
    """A broker that never reported a status is taken as up (the paper broker says nothing)."""
    if status is None:
        return FeedHealth("live", HealthLevel.GREEN, "")
    value = status.status
    if value in (ConnectionStatus.ERROR, ConnectionStatus.DISCONNECTED):
        return FeedHealth(value.value, HealthLevel.RED, _with(status, value.value))
    if value in (ConnectionStatus.CONNECTING, ConnectionStatus.STALE):
        return FeedHealth(value.value, HealthLevel.AMBER, _with(status, value.value))
    return FeedHealth(value.value, HealthLevel.GREEN, status.reason)
