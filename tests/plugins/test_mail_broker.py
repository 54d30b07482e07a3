"""The mail broker against a real SMTP server (aiosmtpd on 127.0.0.1): what arrives, TLS and
login, retries and give-ups, cancel and mark, and an outbox that survives a restart."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

import msgspec
import pytest

from terminal.adapters.mail.outbox import Outbox
from terminal.domain.alerts import AlertState, AlertTestRequest, AlertTestResult, MarkAlertOrder
from terminal.domain.enums import ConnectionStatus, OrderStatus, OrderType, Side
from terminal.domain.events import CommandRejected
from terminal.domain.orders import OrderRequest
from tests.mail_server import (
    MailSink,
    free_port,
    make_certificate,
    refused_port,
    server_tls_context,
    smtp_server,
)
from tests.plugins.mail_harness import (
    SYMBOL,
    Recorder,
    buy_limit,
    mail_broker,
    make_engine,
    started,
    status,
    until,
)

# aiosmtpd warns (in its own thread) that it cannot see implicit TLS when AUTH requires TLS.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
PASSWORD = "s3cret-Pässwörd-7731"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


def test_alert_arrives_with_subject_headers_and_both_bodies() -> None:
    sink = MailSink()

    async def body() -> None:
        with smtp_server(sink) as server:
            desk = mail_broker("desk", server.port, recipients=["a@example.com", "b@example.com"])
            asia = mail_broker(
                "asia",
                server.port,
                recipients=["asia@example.com"],
                subject_template="{side} {quantity} {name} {symbol} @ {price} {type}",
            )
            engine = await started(make_engine(desk, asia))
            events = Recorder(engine)
            try:
                first = engine.submit(buy_limit("desk"))
                from_strategy = msgspec.structs.replace(
                    buy_limit("asia", quantity=200, price=10.52),
                    origin="strategy:sma-1", note="golden cross: SMA5 10.49 > SMA20 10.41")
                second = engine.submit(from_strategy)
                await until(lambda: len(sink.raw) == 2, what="two emails")
                await until(lambda: status(engine, second) is OrderStatus.ACCEPTED)
            finally:
                await engine.stop()
        assert status(engine, first) is OrderStatus.ACCEPTED  # manual mode: open until marked
        assert events.states(first) == [AlertState.QUEUED, AlertState.SENDING, AlertState.SENT]
        by_subject = {
            m["Subject"]: (m, env) for m, env in zip(sink.messages, sink.envelopes, strict=True)
        }
        message, envelope = by_subject["BUY 100 600000.SSE @ 10.50 LIMIT"]
        assert envelope == ("terminal@example.com", ["a@example.com", "b@example.com"])
        assert message["From"] == "terminal@example.com"
        assert message["To"] == "a@example.com, b@example.com"
        assert message["Message-ID"] and message["Date"]
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        for expected in (first, "浦发银行", "LIMIT", "10.50", "DAY", "desk", "manual"):
            assert expected in text and expected in html
        assert re.search(r"Last / bid / ask at that time: (\d+\.\d\d / ){2}\d+\.\d\d", text)
        assert "<table" in html
        chinese, envelope = by_subject["BUY 200 浦发银行 600000.SSE @ 10.52 LIMIT"]
        assert envelope[1] == ["asia@example.com"]
        assert chinese["X-Terminal-Alert"].startswith(f"asia.{second}.")
        strategy_text = chinese.get_body(("plain",)).get_content()
        assert "sma-1" in strategy_text  # the originating strategy and its reason
        assert "golden cross: SMA5 10.49 > SMA20 10.41" in strategy_text

    asyncio.run(body())


def test_fill_on_alert_fills_a_market_order_at_the_price_in_the_email() -> None:
    sink = MailSink()

    async def body() -> None:
        with smtp_server(sink) as server:
            engine = await started(
                make_engine(mail_broker("auto", server.port, fill_on_alert=True))
            )
            try:
                request = OrderRequest("auto", SYMBOL, Side.BUY, 300, OrderType.MARKET)
                order_id = engine.submit(request)
                await until(lambda: status(engine, order_id) is OrderStatus.FILLED)
            finally:
                await engine.stop()
        order = engine.order_book.get(order_id)
        assert order is not None
        subject = sink.messages[0]["Subject"]
        assert subject == f"BUY 300 600000.SSE @ {order.average_price:.2f} MARKET"
        assert engine.portfolio.quantity("auto", SYMBOL) == 300

    asyncio.run(body())


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_login_over_tls_with_a_self_signed_certificate(
    security: str,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("TEST_MAIL_PASSWORD", PASSWORD)
    cert, key = certificate
    tls = server_tls_context(cert, key)
    sink = MailSink()
    where = {"implicit_tls": tls} if security == "tls" else {"starttls": tls}

    async def body() -> None:
        with smtp_server(sink, credentials=("alice", PASSWORD), **where) as server:  # type: ignore[arg-type]
            broker = mail_broker(
                "secure",
                server.port,
                security=security,
                username="alice",
                password_env="TEST_MAIL_PASSWORD",
                ca_file=str(cert),
            )
            engine = await started(make_engine(broker))
            try:
                order_id = engine.submit(buy_limit("secure"))
                await until(lambda: status(engine, order_id) is OrderStatus.ACCEPTED)
            finally:
                await engine.stop()

    asyncio.run(body())
    assert sink.logins == ["alice"] and len(sink.raw) == 1
    assert_password_not_logged(caplog)


def test_wrong_password_fails_at_once_and_is_never_logged(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    certificate: tuple[Path, Path],
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("TEST_MAIL_PASSWORD", PASSWORD)
    cert, key = certificate
    sink = MailSink()

    async def body() -> None:
        with smtp_server(
            sink, starttls=server_tls_context(cert, key), credentials=("alice", "other")
        ) as server:
            broker = mail_broker(
                "secure",
                server.port,
                security="starttls",
                username="alice",
                password_env="TEST_MAIL_PASSWORD",
                ca_file=str(cert),
            )
            engine = await started(make_engine(broker))
            events = Recorder(engine)
            try:
                order_id = engine.submit(buy_limit("secure"))
                await until(lambda: status(engine, order_id) is OrderStatus.REJECTED)
                await asyncio.sleep(0.5)  # longer than the back-off: no second try
                assert engine.broker_status["secure"].status is ConnectionStatus.ERROR
            finally:
                await engine.stop()
        failed = events.last(order_id)
        assert failed.state is AlertState.FAILED and failed.attempts == 1
        assert failed.detail.startswith("authentication failed: 535")
        order = engine.order_book.get(order_id)
        assert order is not None and "535" in order.reason
        assert events.states(order_id).count(AlertState.SENDING) == 1

    asyncio.run(body())
    assert sink.raw == []
    assert_password_not_logged(caplog)


def assert_password_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    ours = [r for r in caplog.records if not r.name.startswith("mail.")]  # mail.log: the server
    assert ours, "no log records captured"
    for record in ours:
        assert PASSWORD not in record.getMessage()


def test_untrusted_certificate_is_a_permanent_failure(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    sink = MailSink()

    async def body() -> None:
        with smtp_server(sink, implicit_tls=server_tls_context(cert, key)) as server:
            engine = await started(make_engine(mail_broker("tls", server.port, security="tls")))
            events = Recorder(engine)
            try:
                order_id = engine.submit(buy_limit("tls"))
                await until(lambda: status(engine, order_id) is OrderStatus.REJECTED)
            finally:
                await engine.stop()
        assert "CERTIFICATE_VERIFY_FAILED" in events.last(order_id).detail

    asyncio.run(body())


def test_server_down_then_up_is_retried_and_delivered_once() -> None:
    sink = MailSink()
    port = free_port()

    async def body() -> None:
        engine = await started(make_engine(mail_broker("desk", port)))
        events = Recorder(engine)
        try:
            order_id = engine.submit(buy_limit("desk"))
            await until(lambda: events.states(order_id).count(AlertState.RETRYING) >= 4)
            retrying = events.last(order_id)
            assert "Connection refused" in retrying.detail
            assert status(engine, order_id) is OrderStatus.SUBMITTED
            assert engine.broker_status["desk"].status is ConnectionStatus.STALE
            with smtp_server(sink, port=port):
                await until(lambda: status(engine, order_id) is OrderStatus.ACCEPTED)
                await asyncio.sleep(1.0)  # more than the longest back-off: nothing resent
            assert engine.broker_status["desk"].status is ConnectionStatus.LIVE
        finally:
            await engine.stop()
        delays = [a.next_attempt_in_s for a in events.alerts if a.state is AlertState.RETRYING]
        assert delays[:4] == [0.1, 0.2, 0.4, 0.4]  # doubling, then capped

    asyncio.run(body())
    assert len(sink.raw) == 1


def test_4xx_replies_are_retried_and_5xx_stops() -> None:
    busy = MailSink(fail_first=2, fail_reply="451 4.3.0 Mailbox busy, try later")
    policy = MailSink(fail_first=99, fail_reply="550 5.7.1 Message rejected by policy")

    async def body() -> None:
        with smtp_server(busy) as first, smtp_server(policy) as second:
            engine = await started(
                make_engine(mail_broker("busy", first.port), mail_broker("strict", second.port))
            )
            events = Recorder(engine)
            try:
                retried = engine.submit(buy_limit("busy"))
                refused = engine.submit(buy_limit("strict"))
                await until(lambda: status(engine, retried) is OrderStatus.ACCEPTED)
                await until(lambda: status(engine, refused) is OrderStatus.REJECTED)
                await asyncio.sleep(0.5)
            finally:
                await engine.stop()
        assert events.last(retried).attempts == 3
        assert (
            "451 4.3.0 Mailbox busy"
            in events.alerts[[a.state for a in events.alerts].index(AlertState.RETRYING)].detail
        )
        assert events.last(refused).detail == "550 5.7.1 Message rejected by policy"
        order = engine.order_book.get(refused)
        assert order is not None
        assert order.reason == "mail alert failed: 550 5.7.1 Message rejected by policy"

    asyncio.run(body())
    assert len(busy.raw) == 1 and busy.attempts == 3
    assert policy.raw == [] and policy.attempts == 1


def test_restart_sends_what_the_outbox_still_holds(tmp_path: Path) -> None:
    sink = MailSink()
    port = free_port()
    outbox = str(tmp_path / "outbox.sqlite")

    async def body() -> None:
        engine = await started(make_engine(mail_broker("desk", port, outbox=outbox)))
        events = Recorder(engine)
        try:
            ids = [engine.submit(buy_limit("desk", quantity=q)) for q in (100, 200)]
            await until(lambda: all(AlertState.RETRYING in events.states(i) for i in ids))
        finally:
            await engine.stop()
        with smtp_server(sink, port=port):
            again = await started(make_engine(mail_broker("desk", port, outbox=outbox)))
            try:
                await until(lambda: len(sink.raw) == 2, what="both resumed alerts")
                await asyncio.sleep(0.5)
            finally:
                await again.stop()
        tags = sorted(m["X-Terminal-Alert"].split(".")[1] for m in sink.messages)
        assert tags == sorted(ids)

    asyncio.run(body())
    book = Outbox(Path(outbox))
    try:
        assert [e.state for e in book.entries("desk")] == [AlertState.SENT, AlertState.SENT]
        assert book.pending("desk") == []
    finally:
        book.close()
    assert len(sink.raw) == 2


def test_cancel_before_sending_means_it_is_never_sent() -> None:
    sink = MailSink()
    port = free_port()

    async def body() -> None:
        engine = await started(make_engine(mail_broker("desk", port)))
        events = Recorder(engine)
        try:
            order_id = engine.submit(buy_limit("desk"))
            await until(lambda: AlertState.RETRYING in events.states(order_id))
            engine.cancel(order_id)
            assert status(engine, order_id) is OrderStatus.CANCELLED
            with smtp_server(sink, port=port):
                await asyncio.sleep(1.0)
        finally:
            await engine.stop()
        assert events.last(order_id).state is AlertState.CANCELLED

    asyncio.run(body())
    assert sink.raw == []


def test_marking_fills_and_cancels_an_open_mail_order() -> None:
    sink = MailSink()

    async def body() -> None:
        with smtp_server(sink) as server:
            engine = await started(make_engine(mail_broker("desk", server.port)))
            rejected: list[CommandRejected] = []
            engine.bus.subscribe(CommandRejected, rejected.append)
            try:
                order_id = engine.submit(buy_limit("desk", quantity=500))
                await until(lambda: status(engine, order_id) is OrderStatus.ACCEPTED)
                engine.bus.publish(MarkAlertOrder("desk", order_id, True, 200, 10.49))
                assert status(engine, order_id) is OrderStatus.PARTIALLY_FILLED
                engine.bus.publish(MarkAlertOrder("desk", order_id, True, 400, 10.49))
                assert "quantity = 400" in rejected[-1].reason
                assert "remaining 300" in rejected[-1].reason
                engine.bus.publish(MarkAlertOrder("desk", order_id, True, 100, 0))
                assert "price = 0" in rejected[-1].reason
                engine.bus.publish(MarkAlertOrder("desk", order_id, False))
                assert status(engine, order_id) is OrderStatus.CANCELLED
                assert engine.portfolio.quantity("desk", SYMBOL) == 200
            finally:
                await engine.stop()
        order = engine.order_book.get(order_id)
        assert order is not None
        assert order.filled_quantity == 200 and order.average_price == pytest.approx(10.49)
        assert order.reason == "marked cancelled by user after the alert was sent"

    asyncio.run(body())


def test_test_email_reports_success_or_the_exact_error() -> None:
    sink = MailSink()

    async def body() -> list[AlertTestResult]:
        with refused_port() as dead, smtp_server(sink) as server:
            engine = await started(
                make_engine(mail_broker("desk", server.port), mail_broker("dead", dead))
            )
            results: list[AlertTestResult] = []
            engine.bus.subscribe(AlertTestResult, results.append)
            try:
                engine.bus.publish(AlertTestRequest("desk"))
                engine.bus.publish(AlertTestRequest("dead"))
                await until(lambda: len(results) == 2)
            finally:
                await engine.stop()
        return results

    results = {r.broker: r for r in asyncio.run(body())}
    assert results["desk"].ok and results["desk"].detail == "test email sent to trader@example.com"
    assert not results["dead"].ok and "Connection refused" in results["dead"].detail
    assert sink.messages[0]["Subject"] == "Terminal test email from mail broker 'desk'"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"subject_template": "{side} {sidee}"}, "subject_template: unknown field {sidee}"),
        ({"recipients": []}, "recipients = []: at least one recipient is needed"),
        ({"username": "bob"}, "username = 'bob' needs password_env"),
        ({"username": "bob", "password_env": "NOT_SET_ANYWHERE_7"}, "NOT_SET_ANYWHERE_7"),
        ({"password": PASSWORD}, "unknown key 'password'"),
    ],
)
def test_bad_options_stop_the_broker_with_a_message_naming_them(
    options: dict[str, object], expected: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def body() -> list[str]:
        engine = make_engine(mail_broker("desk", free_port(), **options))
        await engine.start()
        try:
            assert "desk" not in engine.brokers
            return [r.reason for r in engine.registry.failed()]
        finally:
            await engine.stop()

    reasons = asyncio.run(body())
    assert any(expected in reason for reason in reasons), reasons
    assert all(PASSWORD not in r.getMessage() for r in caplog.records)
