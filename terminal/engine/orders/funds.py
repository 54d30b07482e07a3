"""Cash and margin: an order must be paid for out of what the broker's account has free.

One pool, the account's buying power (cash, plus unrealised P&L on margin, less margin in
use), pays for everything: a buy of a cash instrument (stock, crypto, FX here) its notional
and commission; a sell beyond what is held the notional of the short it opens, as collateral;
the part of a futures order that opens or adds to a position its margin and commission (the
part that closes frees margin and needs none). Working orders of the same broker hold their
share of the pool until they finish. A venue that reports its own balances (a crypto exchange)
is the truth for them: a spot order there is paid for out of the currency it spends, as the
venue last reported it free (a buy its quote currency, a sell the base currency it sells), and
holdings the venue has from before are sold like any other. The refusal gives the figures::

    cash and margin: buy 1e+09 ETHUSDT.BINANCE costs 3,118,650,000,000.00 with commission;
    buying power free 1,000,000.00 (buying power 1,000,000.00, 0.00 held by 0 working orders)
"""

from __future__ import annotations

import math

from terminal.domain.enums import OrderType, Side
from terminal.domain.instrument import Instrument
from terminal.domain.orders import Order, OrderRequest
from terminal.domain.venue import Balance
from terminal.engine.orders.checks import CannotCheck, PreTradeCheck, PreTradeView

Priced = Order | OrderRequest


class CashAndMargin(PreTradeCheck):
    """Refuses what the account cannot pay for (``[risk] funds_check``, on by default)."""

    rule = "cash and margin"

    def __init__(self, enabled: bool = True) -> None:
        self._enabled = enabled

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        if not self._enabled:
            return ""
        instrument = view.market.instruments.get(request.symbol)
        if instrument is None:
            return ""  # an unknown symbol is the fields check's refusal
        broker = request.broker
        if instrument.base_currency and instrument.margin_rate <= 0:
            balances = view.venue_balances(broker)
            if balances:
                return self._venue_check(request, instrument, balances, view)
        price = order_price(request, view)
        working = [o for o in view.working_orders() if o.broker == broker]
        if request.side is Side.BUY and instrument.margin_rate <= 0:
            # The usual case, spelled out: a cash buy pays its notional, whatever is held.
            need, what = request.quantity * price * instrument.multiplier, ("costs", 0.0)
        else:
            need, what = self._need(request, instrument, price, working, view)
            if need <= 0:
                return ""  # a sale of what is held, a close: nothing to pay (no account read)
        power = _buying_power(broker, view)
        if not math.isfinite(power):
            raise CannotCheck(f"buying power of broker {broker} is {power:g}")
        need += view.commission(broker, request.symbol, request.quantity, price)
        held = sum(self._held(order, view) for order in working) if working else 0.0
        free = power - held
        if need <= free + 1e-6:
            return ""
        return self._refusal(request, need, what, power, held, len(working))

    def _refusal(
        self,
        request: OrderRequest,
        need: float,
        what: tuple[str, float],
        power: float,
        held: float,
        working: int,
    ) -> str:
        kind, part = what
        said = f"{request.side.value} {request.quantity:g} {request.symbol}"
        if kind == "opens":
            said += f" opens {part:g} needing margin"
        elif kind == "short":
            said += f" sells {part:g} short, needing collateral"
        else:
            said += " costs"
        return (
            f"{self.rule}: {said} {need:,.2f} with commission; buying power free "
            f"{power - held:,.2f} (buying power {power:,.2f}, {held:,.2f} held by {working} "
            "working orders)"
        )

    def _venue_check(
        self,
        request: OrderRequest,
        instrument: Instrument,
        balances: dict[str, Balance],
        view: PreTradeView,
    ) -> str:
        """A spot order at a venue that reports its balances: the currency it spends must be
        free there (what its working orders hold the venue already counts as used)."""
        if request.side is Side.BUY:
            price = order_price(request, view)
            currency = instrument.currency
            need = request.quantity * price * instrument.multiplier
            need += view.commission(request.broker, request.symbol, request.quantity, price)
        else:
            currency, need = instrument.base_currency, request.quantity
        balance = balances.get(currency)
        free = balance.free if balance is not None else 0.0
        if need <= free + 1e-12:
            return ""
        return (
            f"{self.rule}: {request.side.value} {request.quantity:g} {request.symbol} needs "
            f"{need:,.8g} {currency}; {request.broker} has {free:,.8g} {currency} free "
            f"(as the venue last reported)"
        )

    def _need(
        self,
        request: OrderRequest,
        instrument: Instrument,
        price: float,
        working: list[Order],
        view: PreTradeView,
    ) -> tuple[float, tuple[str, float]]:
        """What the order takes from the pool before commission, and what for (the words
        are put together only for a refusal: this runs for every order)."""
        quantity, symbol, side = request.quantity, request.symbol, request.side
        worth = price * instrument.multiplier
        if side is Side.BUY and instrument.margin_rate <= 0:
            return quantity * worth, ("costs", 0.0)  # what is held does not matter
        if view.quantity is not None:
            held = view.quantity(request.broker, symbol)
        else:
            position = view.position(request.broker, symbol)
            held = position.quantity if position is not None else 0.0
        if instrument.margin_rate > 0:
            # Only what opens or adds to a position needs margin; closing frees it.
            against = -held if side is Side.BUY else held
            opening = max(0.0, quantity - max(0.0, against))
            margin = opening * worth * instrument.margin_rate
            return margin, ("opens", opening)
        if working:
            exclusive = view.exclusive()  # an OCO order's siblings sell the same shares
            selling = sum(
                o.quantity - o.filled_quantity
                for o in working
                if o.symbol == symbol and o.side is Side.SELL and o.order_id not in exclusive
            )
        else:
            selling = 0.0
        short = quantity - max(0.0, held - selling)
        if short <= 1e-12:
            return 0.0, ("", 0.0)
        return short * worth, ("short", short)

    @staticmethod
    def _held(order: Order, view: PreTradeView) -> float:
        """What a working order holds of the pool: a buy's notional (cash instruments) or
        its margin (margin instruments); a cash instrument's sell holds nothing."""
        instrument = view.market.instruments.get(order.symbol)
        if instrument is None:
            return 0.0
        try:
            price = order_price(order, view)
        except CannotCheck:
            return 0.0
        remaining = (order.quantity - order.filled_quantity) * price * instrument.multiplier
        if instrument.margin_rate > 0:
            return remaining * instrument.margin_rate
        return remaining if order.side is Side.BUY else 0.0


def _buying_power(broker: str, view: PreTradeView) -> float:
    power = view.buying_power(broker) if view.buying_power is not None else None
    if power is None:
        account = view.account(broker)
        if account is None:
            raise CannotCheck(f"broker {broker} has no account yet")
        power = account.buying_power
    return power


def order_price(order: Priced, view: PreTradeView) -> float:
    """The price an order would trade at: its limit, a stop's trigger, else the touch it
    would take (the ask for a buy, the bid for a sell), else the last price."""
    if order.order_type.has_limit_price:
        return order.price
    if order.order_type is OrderType.STOP:
        return order.trigger_price
    tick = view.market.latest.get(order.symbol)
    if tick is not None:
        touch = tick.ask if order.side is Side.BUY else tick.bid
        for price in (touch, tick.last):
            if math.isfinite(price) and price > 0:
                return price
    raise CannotCheck(f"no usable price of {order.symbol} to value a market order")
