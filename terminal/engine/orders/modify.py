"""Modifying a working order: the change checked, then made by the order's broker.

A modification changes an order's limit price, trigger or quantity and keeps its status (the
domain's ``AMENDABLE`` states only). The engine checks the new figures against the instrument
and the risk limits about an order's own figures (the pre-trade checks marked ``on_modify``:
fields, quantity, notional, price band), then asks the broker (``Broker.modify``); the order
book records the change when the broker reports it (``order_modified``). A broker that cannot
modify orders refuses, and says so: nothing is cancelled and replaced behind the user's back.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from msgspec.structs import replace

from terminal.domain.contingent import ModifyOrder
from terminal.domain.enums import Side
from terminal.domain.instrument import Instrument, price_text
from terminal.domain.orders import Order, OrderRequest, can_amend
from terminal.engine.broker import ModifyRefused

log = logging.getLogger("terminal.orders")


def request_of(order: Order) -> OrderRequest:
    """What ``order`` asks for now, as a request (the pre-trade checks read requests)."""
    return OrderRequest(
        broker=order.broker, symbol=order.symbol, side=order.side, quantity=order.quantity,
        order_type=order.order_type, price=order.price, time_in_force=order.time_in_force,
        origin=order.origin, trigger_price=order.trigger_price, offset=order.offset,
        account=order.account, client_id=order.client_id, note=order.note,
        post_only=order.post_only, reduce_only=order.reduce_only,
    )  # fmt: skip


def changed_request(order: Order, command: ModifyOrder) -> OrderRequest | None:
    """``order`` with ``command``'s new figures, as a request; None when nothing changes.
    Raises ValueError naming what cannot be changed."""
    name = order.order_id
    if not can_amend(order.status):
        raise ValueError(f"order {name} is {order.status.value}: only a working order can be "
                         "modified")  # fmt: skip
    for field, value in (("price", command.price), ("trigger", command.trigger_price),
                         ("quantity", command.quantity)):  # fmt: skip
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"modify {name}: {field} {value:g} is not a price or quantity")
    if command.price and not order.order_type.has_limit_price:
        raise ValueError(f"order {name} is a {order.order_type.value} order: it has no limit "
                         "price to change")  # fmt: skip
    if command.trigger_price and not order.order_type.has_trigger:
        raise ValueError(f"order {name} is a {order.order_type.value} order: it has no trigger "
                         "to change")  # fmt: skip
    price = command.price or order.price
    trigger = command.trigger_price or order.trigger_price
    quantity = command.quantity or order.quantity
    if (price, trigger, quantity) == (order.price, order.trigger_price, order.quantity):
        return None
    if quantity <= order.filled_quantity + 1e-9:
        raise ValueError(
            f"modify {name}: quantity {price_text(quantity)} must be above the "
            f"{price_text(order.filled_quantity)} already filled (cancel it instead)"
        )
    return replace(request_of(order), price=price, trigger_price=trigger, quantity=quantity)


def send_modification(broker: Any, order: Order, request: OrderRequest) -> None:
    """Ask ``broker`` to make ``order`` what ``request`` says; its refusal (or failure) is
    raised as ValueError with the reason."""
    try:
        broker.modify(order, request.price, request.quantity, request.trigger_price)
    except ModifyRefused as exc:
        raise ValueError(str(exc)) from None
    except Exception as exc:
        log.exception("broker %s raised on modify of %s", order.broker, order.order_id)
        raise ValueError(f"broker {order.broker} raised on modify: {exc}") from None


def snap_trigger(level: float, side: Side, instrument: Instrument | None) -> float:
    """A stop's trigger on the tick grid, never past ``level`` towards the price it protects
    (a sell stop rounds down, a buy stop up)."""
    tick = instrument.tick_size if instrument is not None else 0.0
    if tick <= 0 or not math.isfinite(level):
        return level
    steps = level / tick
    whole = math.floor(steps + 1e-9) if side is Side.SELL else math.ceil(steps - 1e-9)
    return round(whole * tick, instrument.price_decimals if instrument is not None else 8)
