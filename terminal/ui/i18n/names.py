"""How the engine's enums read in the window: each member's display name, translated.

The engine's enums carry wire values ("partially_filled", "warming up"), never display text;
the UI shows them through :func:`name`, so an order's status reads 部分成交 in Chinese and
"partially filled" in English."""

from __future__ import annotations

from enum import StrEnum

from terminal.domain.alerts import AlertState
from terminal.domain.enums import (
    ConnectionStatus,
    LegRole,
    LegState,
    Offset,
    OrderStatus,
    OrderType,
    PluginKind,
    PluginState,
    ReconcileKind,
    Side,
    StrategyState,
    TimeInForce,
)
from terminal.engine.monitoring.health import HealthLevel
from terminal.ui.i18n import QT_TRANSLATE_NOOP, translate

CONTEXT = "Names"
# Keyed by value: a StrEnum member equals its value, so the same word in two enums ("error",
# "failed", "cancelled", "live") is one entry, one translation.
_NAMES: dict[str, str] = {
    Side.BUY: QT_TRANSLATE_NOOP("Names", "buy"),
    Side.SELL: QT_TRANSLATE_NOOP("Names", "sell"),
    OrderType.MARKET: QT_TRANSLATE_NOOP("Names", "market"),
    OrderType.LIMIT: QT_TRANSLATE_NOOP("Names", "limit"),
    OrderType.STOP: QT_TRANSLATE_NOOP("Names", "stop"),
    OrderType.STOP_LIMIT: QT_TRANSLATE_NOOP("Names", "stop limit"),
    Offset.NONE: QT_TRANSLATE_NOOP("Names", "none"),
    Offset.OPEN: QT_TRANSLATE_NOOP("Names", "open"),
    Offset.CLOSE: QT_TRANSLATE_NOOP("Names", "close"),
    Offset.CLOSE_TODAY: QT_TRANSLATE_NOOP("Names", "close today"),
    Offset.CLOSE_YESTERDAY: QT_TRANSLATE_NOOP("Names", "close yesterday"),
    TimeInForce.DAY: QT_TRANSLATE_NOOP("Names", "day"),
    TimeInForce.GTC: QT_TRANSLATE_NOOP("Names", "good till cancelled"),
    TimeInForce.IOC: QT_TRANSLATE_NOOP("Names", "immediate or cancel"),
    TimeInForce.FOK: QT_TRANSLATE_NOOP("Names", "fill or kill"),
    OrderStatus.SUBMITTED: QT_TRANSLATE_NOOP("Names", "submitted"),
    OrderStatus.ACCEPTED: QT_TRANSLATE_NOOP("Names", "accepted"),
    OrderStatus.PARTIALLY_FILLED: QT_TRANSLATE_NOOP("Names", "partially filled"),
    OrderStatus.FILLED: QT_TRANSLATE_NOOP("Names", "filled"),
    OrderStatus.PENDING_CANCEL: QT_TRANSLATE_NOOP("Names", "pending cancel"),
    OrderStatus.CANCELLED: QT_TRANSLATE_NOOP("Names", "cancelled"),
    OrderStatus.REJECTED: QT_TRANSLATE_NOOP("Names", "rejected"),
    OrderStatus.EXPIRED: QT_TRANSLATE_NOOP("Names", "expired"),
    StrategyState.STOPPED: QT_TRANSLATE_NOOP("Names", "stopped"),
    StrategyState.WARMING_UP: QT_TRANSLATE_NOOP("Names", "warming up"),
    StrategyState.RUNNING: QT_TRANSLATE_NOOP("Names", "running"),
    StrategyState.ERROR: QT_TRANSLATE_NOOP("Names", "error"),
    StrategyState.REMOVED: QT_TRANSLATE_NOOP("Names", "removed"),
    ConnectionStatus.CONNECTING: QT_TRANSLATE_NOOP("Names", "connecting"),
    ConnectionStatus.LIVE: QT_TRANSLATE_NOOP("Names", "live"),
    ConnectionStatus.STALE: QT_TRANSLATE_NOOP("Names", "stale"),
    ConnectionStatus.DISCONNECTED: QT_TRANSLATE_NOOP("Names", "disconnected"),
    ConnectionStatus.CLOSED: QT_TRANSLATE_NOOP("Names", "closed"),
    PluginKind.FEED: QT_TRANSLATE_NOOP("Names", "feed"),
    PluginKind.BROKER: QT_TRANSLATE_NOOP("Names", "broker"),
    PluginKind.STRATEGY: QT_TRANSLATE_NOOP("Names", "strategy"),
    PluginKind.HISTORY: QT_TRANSLATE_NOOP("Names", "history"),
    PluginState.LOADED: QT_TRANSLATE_NOOP("Names", "loaded"),
    PluginState.FAILED: QT_TRANSLATE_NOOP("Names", "failed"),
    AlertState.QUEUED: QT_TRANSLATE_NOOP("Names", "queued"),
    AlertState.SENDING: QT_TRANSLATE_NOOP("Names", "sending"),
    AlertState.RETRYING: QT_TRANSLATE_NOOP("Names", "retrying"),
    AlertState.SENT: QT_TRANSLATE_NOOP("Names", "sent"),
    LegRole.TAKE_PROFIT: QT_TRANSLATE_NOOP("Names", "take-profit"),
    LegRole.STOP_LOSS: QT_TRANSLATE_NOOP("Names", "stop-loss"),
    LegRole.LEG: QT_TRANSLATE_NOOP("Names", "leg"),
    LegRole.TRAILING_STOP: QT_TRANSLATE_NOOP("Names", "trailing stop"),
    LegState.WAITING: QT_TRANSLATE_NOOP("Names", "waiting"),
    LegState.DONE: QT_TRANSLATE_NOOP("Names", "done"),
    HealthLevel.GREEN: QT_TRANSLATE_NOOP("Names", "green"),
    HealthLevel.AMBER: QT_TRANSLATE_NOOP("Names", "amber"),
    HealthLevel.RED: QT_TRANSLATE_NOOP("Names", "red"),
    ReconcileKind.ORDER_ADOPTED: QT_TRANSLATE_NOOP("Names", "order adopted"),
    ReconcileKind.ORDER_RESOLVED: QT_TRANSLATE_NOOP("Names", "order resolved"),
    ReconcileKind.FILLS_RECOVERED: QT_TRANSLATE_NOOP("Names", "fills recovered"),
    ReconcileKind.BALANCE_DIFFERENCE: QT_TRANSLATE_NOOP("Names", "balance difference"),
    ReconcileKind.POSITION_DIFFERENCE: QT_TRANSLATE_NOOP("Names", "position difference"),
}


def name(member: StrEnum) -> str:
    """``member``'s display name in the window's language; its value, spaced, if unnamed."""
    text = _NAMES.get(member.value)
    return translate(CONTEXT, text) if text else member.value.replace("_", " ")


def side_word(side: Side) -> str:
    """``BUY`` / ``SELL`` in English (a column's or a ticket's emphasis), 买入 / 卖出."""
    return name(side).upper()
