"""``terminal alert-test`` and ``terminal order``: trading from the command line, headless.

``order`` runs the whole engine (feeds and brokers from the config), places one order, waits
for the broker's acknowledgement and prints the order's final state. Exit codes: 0 accepted,
1 refused or not acknowledged in time, 2 bad arguments or config.
"""

from __future__ import annotations

import asyncio
import time

import msgspec

from terminal.adapters.mail.message import local_time, option_problems
from terminal.adapters.mail.options import MailBrokerOptions
from terminal.adapters.mail.smtp import send_test_email
from terminal.domain.alerts import MailAlertEvent
from terminal.domain.enums import OrderStatus, OrderType, Side
from terminal.domain.instrument import Instrument, price_text
from terminal.domain.orders import Order, OrderRequest
from terminal.engine.config import Config, describe_validation_error
from terminal.engine.engine import Engine

ACKNOWLEDGED = frozenset({OrderStatus.ACCEPTED, OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED})
SETTLE_S = 0.5  # after acceptance, how long to wait for an immediate fill
QUOTE_WAIT_S = 5.0


def alert_test(config: Config, broker: str) -> int:
    """Send one test email through mail broker ``broker``; print success or the SMTP error."""
    spec = next((b for b in config.brokers if b.name == broker), None)
    if spec is None:
        names = ", ".join(b.name for b in config.brokers) or "none"
        print(f"terminal: no broker named '{broker}' in the config (brokers: {names})")
        return 2
    if spec.plugin != "mail":
        print(f"terminal: broker '{broker}' uses plugin '{spec.plugin}', not 'mail'")
        return 2
    try:
        options = msgspec.convert(spec.options, MailBrokerOptions)
    except msgspec.ValidationError as exc:
        print(f"terminal: {describe_validation_error(exc, spec.options, f'broker {broker}')}")
        return 2
    problems = option_problems(options)
    if problems:
        print(f"terminal: broker {broker}: " + "; ".join(problems))
        return 2
    result = asyncio.run(send_test_email(broker, options, local_time(time.time_ns())))
    where = f"{options.host}:{options.effective_port} ({options.security})"
    if result.ok:
        print(f"test email sent to {', '.join(options.recipients)} via {where}")
        return 0
    print(f"test email via {where} failed: {result.detail}")
    return 1


def order_request(
    broker: str, symbol: str, side: str, quantity: float, price: float | None, kind: str | None
) -> OrderRequest | str:
    """The request the arguments describe, or a message naming the bad argument."""
    order_type = OrderType(kind) if kind else (OrderType.LIMIT if price else OrderType.MARKET)
    if order_type is OrderType.LIMIT and not price:
        return "--price: a limit order needs a price"
    if order_type is OrderType.MARKET and price:
        return f"--price {price_text(price)}: a market order takes no price (use --type limit)"
    if not quantity > 0:
        return f"--qty {price_text(quantity)}: must be positive"
    return OrderRequest(
        broker=broker,
        symbol=symbol,
        side=Side(side),
        quantity=quantity,
        order_type=order_type,
        price=price or 0.0,
        origin="command line",
    )


async def place_order(config: Config, request: OrderRequest, timeout_s: float) -> int:
    engine = Engine(config)
    await engine.start()
    try:
        if request.broker not in engine.brokers:
            failed = [f"{r.name}: {r.reason}" for r in engine.registry.failed()]
            print(
                f"terminal: broker '{request.broker}' is not running "
                f"(running: {', '.join(sorted(engine.brokers)) or 'none'})"
                + (f"; failed: {'; '.join(failed)}" if failed else "")
            )
            return 2
        alerts: list[MailAlertEvent] = []
        engine.bus.subscribe(MailAlertEvent, alerts.append)
        deadline = time.monotonic() + QUOTE_WAIT_S
        while request.symbol in engine.instruments and request.symbol not in engine.latest:
            if time.monotonic() > deadline:
                break  # brokers that need a quote will say so
            await asyncio.sleep(0.05)
        order_id = engine.submit(request)
        order = await _settle(engine, order_id, timeout_s)
    finally:
        await engine.stop()
    instrument = engine.instruments.get(request.symbol)
    return _report(order, instrument, [a for a in alerts if a.order_id == order_id], timeout_s)


async def _settle(engine: Engine, order_id: str, timeout_s: float) -> Order:
    deadline = time.monotonic() + timeout_s
    accepted_at: float | None = None
    while True:
        order = engine.order_book.get(order_id)
        assert order is not None
        now = time.monotonic()
        if order.status.is_final or now > deadline:
            return order
        if order.status in ACKNOWLEDGED:
            accepted_at = accepted_at or now
            if now - accepted_at >= SETTLE_S:
                return order
        await asyncio.sleep(0.05)


def _report(
    order: Order, instrument: Instrument | None, alerts: list[MailAlertEvent], timeout_s: float
) -> int:
    decimals = instrument.price_decimals if instrument else 0
    limit = order.order_type is OrderType.LIMIT
    price = f" @ {price_text(order.price, decimals)}" if limit else ""
    # An average of several fills is rounded to the tick grid; a price sent is shown in full.
    average = price_text(order.average_price)
    if instrument is not None:
        average = f"{order.average_price:.{decimals}f}"
    print(
        f"order {order.order_id} {order.status.value.replace('_', ' ')}: "
        f"{order.side.value.upper()} {price_text(order.quantity)} {order.symbol} "
        f"{order.order_type.value.upper()}{price} via {order.broker}; "
        f"filled {price_text(order.filled_quantity)}"
        + (f" at {average}" if order.filled_quantity else "")
    )
    if order.reason:
        print(f"reason: {order.reason}")
    if alerts:
        last = alerts[-1]
        print(f"alert: {last.state.value}" + (f": {last.detail}" if last.detail else ""))
    accepted = order.status in ACKNOWLEDGED or order.filled_quantity > 0
    if not accepted and not order.status.is_final:
        print(
            f"not acknowledged within {timeout_s:g} s"
            + ("; the alert stays in the outbox and is sent on the next start" if alerts else "")
        )
    return 0 if accepted else 1
