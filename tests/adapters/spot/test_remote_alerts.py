"""Alerts from a remote GUI: added, moved and removed on the served engine through the wire,
seen by every attached GUI (and by one attaching later), fired there and heard here."""

from __future__ import annotations

import msgspec

from terminal.adapters.spot.remote import RemoteEngine
from terminal.adapters.spot.subscriber import ZmqFeedOptions
from terminal.domain.events import CommandRejected
from terminal.domain.market_alerts import (
    AddAlert,
    Alert,
    AlertDirection,
    AlertFired,
    AlertStatus,
    ModifyAlert,
    RemoveAlert,
)
from tests.adapters.spot.test_remote import SYMBOL, served_engine, until
from tests.aio import run


def test_a_remote_gui_adds_moves_and_removes_alerts_and_hears_them_fire() -> None:
    async def scenario() -> None:
        config, engine, server = await served_engine()
        options = ZmqFeedOptions(pub=server.pub_endpoint, rep=server.rep_endpoint)
        first = RemoteEngine(config, options)
        later = RemoteEngine(config, options)
        fired: list[AlertFired] = []
        rejected: list[CommandRejected] = []
        first.bus.subscribe(AlertFired, fired.append)
        first.bus.subscribe(CommandRejected, rejected.append)
        try:
            await first.start()
            await until(lambda: SYMBOL in engine.latest)
            far = Alert(alert_id="r1", symbol=SYMBOL, price=engine.latest[SYMBOL].last * 3,
                        direction=AlertDirection.UP)  # fmt: skip
            first.bus.publish(AddAlert(far))
            await until(lambda: [a.alert_id for a in first.alerts.alerts()] == ["r1"])
            assert engine.alerts.get("r1").price == far.price
            await later.start()  # attaches afterwards: the session carries the alerts
            assert [a.alert_id for a in later.alerts.alerts()] == ["r1"]

            # Dragged on the remote chart to just under the price: it fires on the server.
            near = msgspec.structs.replace(far, price=engine.latest[SYMBOL].last * 0.5)
            first.bus.publish(ModifyAlert(near))
            await until(lambda: bool(fired))
            assert fired[0].alert.alert_id == "r1" and fired[0].value >= near.price
            await until(lambda: later.alerts.alerts()[0].status is AlertStatus.FIRED)

            first.bus.publish(RemoveAlert("r1"))
            await until(lambda: not later.alerts.alerts() and not first.alerts.alerts())
            first.bus.publish(RemoveAlert("r1"))
            await until(lambda: bool(rejected))
            assert (rejected[0].command, rejected[0].reason) == ("RemoveAlert", "no alert 'r1'")
        finally:
            await later.stop()
            await first.stop()
            await server.stop()
            await engine.stop()

    run(scenario())
