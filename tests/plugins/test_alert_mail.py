"""An alert that fires mails through a configured mail broker's SMTP settings: the broker's
own outbox and sender, against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import asyncio

from terminal.domain.alerts import AlertState
from terminal.domain.events import Tick
from terminal.domain.market_alerts import AddAlert, Alert, AlertDirection, AlertFired
from tests.mail_server import MailSink, refused_port, smtp_server
from tests.plugins.mail_harness import SYMBOL, Recorder, mail_broker, make_engine, started, until


def quote(last: float) -> Tick:
    return Tick(SYMBOL, 1, last, 1.0, bid_prices=(last - 0.01,), ask_prices=(last + 0.01,))


def test_a_fired_alert_is_mailed_through_the_mail_brokers_smtp_server() -> None:
    sink = MailSink()

    async def body() -> None:
        with smtp_server(sink) as server:
            engine = await started(make_engine(mail_broker("desk", server.port)))
            events = Recorder(engine)
            fired: list[AlertFired] = []
            engine.bus.subscribe(AlertFired, fired.append)
            try:
                engine.bus.publish(quote(10.0))
                alert = Alert(alert_id="m1", symbol=SYMBOL, price=10.8, mail="desk",
                              direction=AlertDirection.UP, note="take profit zone")  # fmt: skip
                engine.bus.publish(AddAlert(alert))
                engine.bus.publish(quote(10.85))
                await until(lambda: len(sink.raw) == 1, what="the alert's email")
                await until(lambda: events.states("alert-m1-1")[-1:] == [AlertState.SENT])
            finally:
                await engine.stop()
        message = sink.messages[0]
        assert message["Subject"] == f"Alert: {fired[0].message}"
        assert fired[0].message == "600000.SSE last rises to 10.80: last 10.85"
        assert sink.envelopes[0] == ("terminal@example.com", ["trader@example.com"])
        assert message["X-Terminal-Alert"].startswith("desk.alert-m1-1.")
        text = message.get_body(("plain",)).get_content()
        for expected in ("m1", "浦发银行", "take profit zone", "Last / bid / ask at that time"):
            assert expected in text
        assert "take profit zone" in message.get_body(("html",)).get_content()
        assert events.states("alert-m1-1") == [
            AlertState.QUEUED, AlertState.SENDING, AlertState.SENT]  # fmt: skip
        assert not engine.order_book.all()  # a notification is not an order

    asyncio.run(body())


def test_an_unreachable_server_is_retried_and_the_mail_arrives_once_it_is_up() -> None:
    sink = MailSink()

    async def body() -> None:
        with refused_port() as port:
            engine = await started(make_engine(mail_broker("desk", port)))
            events = Recorder(engine)
        try:
            engine.bus.publish(quote(10.0))
            engine.bus.publish(AddAlert(Alert(alert_id="m2", symbol=SYMBOL, price=9.5,
                                              mail="desk")))  # fmt: skip
            engine.bus.publish(quote(9.4))
            await until(lambda: AlertState.RETRYING in events.states("alert-m2-1"))
            with smtp_server(sink, port=port):
                await until(lambda: len(sink.raw) == 1, what="the retried email")
        finally:
            await engine.stop()
        assert events.states("alert-m2-1")[-1] is AlertState.SENT
        assert "crosses 9.50" in sink.messages[0]["Subject"]

    asyncio.run(body())
