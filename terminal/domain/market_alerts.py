"""Price and condition alerts: what is watched, the events when one fires or changes, and the
commands that add, modify, remove and re-arm them.

An alert watches one symbol: its last, bid or ask reaching a price, its change on the day
reaching a percentage, or a closed bar's close against an indicator line. It fires once and
waits to be re-armed, or re-arms itself once its condition has cleared (``rearm``). These are
not the mail-alert *orders* of :mod:`terminal.domain.alerts`: an alert here only tells a
person; it places nothing.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec


class AlertCondition(StrEnum):
    """What an alert watches."""

    PRICE = "price"
    """The last, bid or ask reaching ``price``."""
    DAY_MOVE = "day_move"
    """The change from the previous close reaching ``percent``."""
    BAR_CLOSE = "bar_close"
    """A closed ``timeframe`` bar's close against an indicator line."""


class AlertDirection(StrEnum):
    """Which way the watched value must go: up to the threshold, down to it, or either way
    (a price or a close *crossing* it from the side it is on; a day move of ``percent`` up
    or down)."""

    UP = "up"
    DOWN = "down"
    CROSS = "cross"


class AlertField(StrEnum):
    """The quote a price alert watches."""

    LAST = "last"
    BID = "bid"
    ASK = "ask"


class AlertStatus(StrEnum):
    """ARMED: watched; FIRED: fired and waiting to be re-armed (a one-shot alert)."""

    ARMED = "armed"
    FIRED = "fired"


class IndicatorLine(msgspec.Struct, frozen=True):
    """One output line of an indicator of ``terminal.engine.indicators``: ``kind`` as in its
    ``INDICATORS`` table ("SMA", "EMA", "BB"), its parameters, and which output ("" = the
    first: "sma", "ema"; Bollinger's "upper", "middle" or "lower")."""

    kind: str
    params: dict[str, float] = {}
    line: str = ""

    @property
    def label(self) -> str:
        """``SMA(20)``, ``BB(20,2).upper``: as the chart's legend names it."""
        params = ",".join(f"{value:g}" for value in self.params.values())
        return f"{self.kind}({params})" + (f".{self.line}" if self.line else "")


class Alert(msgspec.Struct, frozen=True, kw_only=True):
    """One alert: its condition (the fields of its ``condition`` only), what to do when it
    fires, and where it stands."""

    alert_id: str = ""
    """Unique; the engine chooses one when an ``AddAlert`` leaves it empty."""
    symbol: str
    condition: AlertCondition = AlertCondition.PRICE
    direction: AlertDirection = AlertDirection.CROSS
    field: AlertField = AlertField.LAST
    price: float = 0.0
    percent: float = 0.0
    timeframe: str = "1m"
    indicator: IndicatorLine | None = None
    rearm: bool = False
    """Fire every time the condition comes true again (after it cleared), not once."""
    mail: str = ""
    """A broker that sends notifications (a mail broker) to mail when it fires; "" none."""
    note: str = ""
    status: AlertStatus = AlertStatus.ARMED
    created_ns: int = 0
    fired_ns: int = 0
    """When it last fired (UTC ns); 0 never."""
    fired_count: int = 0
    fired_value: float = 0.0
    """The watched value that made it fire: a price, a percentage, a close."""


class AlertEvent(msgspec.Struct, frozen=True):
    """An alert as it now is (added, modified, fired, re-armed), or gone (``removed``)."""

    alert: Alert
    removed: bool = False


class AlertFired(msgspec.Struct, frozen=True):
    """An alert fired: ``message`` says what happened, in a line (the log, the mail, the
    notification); ``value`` is what the watched value was; ``ts`` when (UTC ns)."""

    alert: Alert
    value: float
    ts: int
    message: str


class AddAlert(msgspec.Struct, frozen=True):
    """Command: watch ``alert`` (its status and fired fields are ignored: it starts armed)."""

    alert: Alert


class ModifyAlert(msgspec.Struct, frozen=True):
    """Command: change the alert with ``alert.alert_id`` to this condition; it is armed again
    (a line dragged on the chart sends this with the new price)."""

    alert: Alert


class RemoveAlert(msgspec.Struct, frozen=True):
    """Command: stop watching an alert and forget it."""

    alert_id: str


class RearmAlert(msgspec.Struct, frozen=True):
    """Command: watch a fired alert again."""

    alert_id: str
