"""Mail orders open at a restart stay markable and cancellable, and a crash's half-done step
(an alert sent but its order not told, an order whose alert was never queued) is finished."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from terminal.adapters.mail.outbox import Outbox
from terminal.domain.alerts import AlertState, MarkAlertOrder
from terminal.domain.enums import OrderStatus
from terminal.domain.events import CommandRejected, KillSwitch, TradingRestored
from terminal.engine.bus import EventBus
from terminal.engine.clock import LiveClock
from terminal.engine.orders.book import OrderBook
from terminal.engine.paths import user_data_dir
from terminal.engine.persistence.store import TradingStore
from tests.mail_server import MailSink, free_port, smtp_server
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


def test_open_mail_orders_are_marked_cancelled_and_killed_after_a_restart(
    tmp_path: Path,
) -> None:
    sink = MailSink()
    outbox = str(tmp_path / "outbox.sqlite")
    rejected: list[CommandRejected] = []

    async def body() -> None:
        with smtp_server(sink) as server:
            desk = mail_broker("desk", server.port, outbox=outbox)
            engine = await started(make_engine(desk))
            try:
                ids = [engine.submit(buy_limit("desk", quantity=q)) for q in (100, 200, 300)]
                await until(lambda: all(status(engine, i) is OrderStatus.ACCEPTED for i in ids))
            finally:
                await engine.stop()
            again = make_engine(desk)
            restored: list[TradingRestored] = []
            again.bus.subscribe(TradingRestored, restored.append)
            again.bus.subscribe(CommandRejected, rejected.append)
            events = Recorder(again)
            await started(again)
            try:
                assert [o.order_id for o in restored[0].orders] == ids
                # Shown again as sent, so the Alert column and the mark dialog know them.
                assert all(events.states(i) == [AlertState.SENT] for i in ids)
                again.bus.publish(MarkAlertOrder("desk", ids[0], True, 100, 10.49))
                again.cancel(ids[1])
                again.bus.publish(KillSwitch("test"))
                assert status(again, ids[0]) is OrderStatus.FILLED
                assert status(again, ids[1]) is OrderStatus.CANCELLED
                assert status(again, ids[2]) is OrderStatus.CANCELLED
                assert again.portfolio.quantity("desk", SYMBOL) == 100
            finally:
                await again.stop()

    asyncio.run(body())
    assert rejected == []
    assert len(sink.raw) == 3  # nothing sent twice


def test_a_crash_between_steps_is_finished_at_the_restart(tmp_path: Path) -> None:
    port = free_port()  # nobody listens yet: alerts wait, retrying
    outbox = str(tmp_path / "outbox.sqlite")

    async def body() -> None:
        engine = await started(make_engine(mail_broker("desk", port, outbox=outbox)))
        events = Recorder(engine)
        try:
            sent_unknown = engine.submit(buy_limit("desk", quantity=100))
            await until(lambda: AlertState.RETRYING in events.states(sent_unknown))
        finally:
            await engine.stop()
        # The crash: the alert went out and its row says so, the order never heard.
        book = Outbox(Path(outbox))
        entry = book.of_order("desk", sent_unknown)
        assert entry is not None
        book.update(entry.id, AlertState.SENT, 1)
        book.close()
        # And an order recorded just before the terminal died, its alert never queued.
        store = TradingStore(user_data_dir() / "trading.sqlite")
        OrderBook(EventBus(), LiveClock(), store).create("never-queued", buy_limit("desk"))
        store.close()

        again = await started(
            make_engine(mail_broker("desk", port, outbox=outbox, fill_on_alert=True))
        )
        try:
            assert status(again, sent_unknown) is OrderStatus.FILLED  # told, then filled
            order = again.order_book.get("never-queued")
            assert order is not None and order.status is OrderStatus.REJECTED
            assert order.reason == (
                "no alert was queued before the terminal stopped; nothing was sent"
            )
        finally:
            await again.stop()

    asyncio.run(body())


def test_an_alert_is_queued_only_for_an_order_already_committed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The outbox row is what sends the email (now or after a restart): the order it is
    about must be on disk before it."""
    committed_when_queued: list[bool] = []
    add = Outbox.add

    def checked_add(self: Outbox, broker: str, order_id: str, *rest: Any) -> Any:
        path = user_data_dir() / "trading.sqlite"
        with contextlib.closing(sqlite3.connect(path)) as other:  # sees committed rows only
            row = other.execute("SELECT 1 FROM orders WHERE order_id = ?", (order_id,))
            committed_when_queued.append(row.fetchone() is not None)
        return add(self, broker, order_id, *rest)

    monkeypatch.setattr(Outbox, "add", checked_add)

    async def body() -> None:
        with smtp_server(MailSink()) as server:
            engine = await started(make_engine(mail_broker("desk", server.port)))
            try:
                for quantity in (100, 200):
                    engine.submit(buy_limit("desk", quantity=quantity))
            finally:
                await engine.stop()

    asyncio.run(body())
    assert committed_when_queued == [True, True]
