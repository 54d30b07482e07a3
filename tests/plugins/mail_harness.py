"""An engine with mail brokers, run on a plain asyncio loop, and waiting helpers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from terminal.domain.alerts import AlertState, MailAlertEvent
from terminal.domain.enums import OrderStatus, OrderType, Side
from terminal.domain.events import Tick
from terminal.domain.orders import Order, OrderRequest
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from tests.mail_server import HOST

SYMBOL = "600000.SSE"


def mail_broker(name: str, port: int, **options: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "host": HOST,
        "port": port,
        "security": "none",
        "sender": "terminal@example.com",
        "recipients": ["trader@example.com"],
        "retry_initial_s": 0.1,
        "retry_max_s": 0.4,
        "timeout_s": 5.0,
    }
    return {"name": name, "plugin": "mail", "options": base | options}


def make_engine(*brokers: dict[str, Any]) -> Engine:
    config = load_config(
        overrides={
            "feeds": [
                {"name": "sim", "plugin": "simulated", "options": {"rate": 400.0, "seed": 3}}
            ],
            "brokers": [{"name": "paper", "plugin": "paper"}, *brokers],
        }
    )
    return Engine(config)


class Recorder:
    """Every mail alert event and order state seen on the bus."""

    def __init__(self, engine: Engine) -> None:
        self.alerts: list[MailAlertEvent] = []
        self.orders: dict[str, list[Order]] = {}
        engine.bus.subscribe(MailAlertEvent, self.alerts.append)
        from terminal.domain.events import OrderEvent

        engine.bus.subscribe(
            OrderEvent, lambda e: self.orders.setdefault(e.order.order_id, []).append(e.order)
        )

    def states(self, order_id: str) -> list[AlertState]:
        return [a.state for a in self.alerts if a.order_id == order_id]

    def last(self, order_id: str) -> MailAlertEvent:
        return [a for a in self.alerts if a.order_id == order_id][-1]


async def until(predicate: Callable[[], object], timeout_s: float = 8.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what or predicate}")
        await asyncio.sleep(0.02)


async def started(engine: Engine) -> Engine:
    await engine.start()
    await until(lambda: isinstance(engine.latest.get(SYMBOL), Tick), what="a quote")
    return engine


def buy_limit(broker: str, quantity: float = 100, price: float = 10.5) -> OrderRequest:
    return OrderRequest(
        broker=broker,
        symbol=SYMBOL,
        side=Side.BUY,
        quantity=quantity,
        order_type=OrderType.LIMIT,
        price=price,
    )


def status(engine: Engine, order_id: str) -> OrderStatus | None:
    order = engine.order_book.get(order_id)
    return order.status if order else None
