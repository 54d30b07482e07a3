"""The acknowledgement watchdog: flags orders a broker has not acknowledged in time."""

from __future__ import annotations

import asyncio
import logging

from terminal.domain.enums import OrderStatus
from terminal.engine.clock import Clock
from terminal.engine.orders.book import OrderBook

log = logging.getLogger("terminal.engine")  # the engine's warning: the Log panel says "engine"


async def watch_acknowledgements(book: OrderBook, clock: Clock, timeout_s: float) -> None:
    """Flag orders still SUBMITTED after ``timeout_s`` (a hung broker), once each, in the log
    and in the order's reason. Runs until cancelled."""
    timeout_ns = int(timeout_s * 1e9)
    flagged: set[str] = set()
    while True:
        await asyncio.sleep(min(1.0, timeout_s / 4))
        now = clock.now_ns()
        for order in book.working():
            if (
                order.status is OrderStatus.SUBMITTED
                and order.order_id not in flagged
                and now - order.created_ns > timeout_ns
            ):
                flagged.add(order.order_id)
                seconds = (now - order.created_ns) / 1e9
                log.warning(
                    "order %s: no acknowledgement from broker %s after %.0f s",
                    order.order_id,
                    order.broker,
                    seconds,
                )
                book.annotate(
                    order.order_id,
                    f"no acknowledgement from broker {order.broker} after {seconds:.0f} s",
                )
