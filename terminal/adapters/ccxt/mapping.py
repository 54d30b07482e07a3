"""ccxt's unified structures (tickers, order books, OHLCV rows, orders, trades, balances,
positions) turned into the terminal's, and orders turned into ``create_order`` arguments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from terminal.domain.enums import OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar, Tick
from terminal.domain.orders import Fill, Order
from terminal.domain.venue import Balance, VenueOrder, VenuePosition

MS = 1_000_000  # ns per ms: ccxt counts milliseconds, the terminal nanoseconds
DAY_MS = 86_400_000
DEPTH = 5  # levels a Tick carries

CCXT_STATUS = {
    "closed": OrderStatus.FILLED,
    "canceled": OrderStatus.CANCELLED,
    "cancelled": OrderStatus.CANCELLED,
    "expired": OrderStatus.EXPIRED,
    "rejected": OrderStatus.REJECTED,
}
CCXT_TIF = {
    "GTC": TimeInForce.GTC,
    "IOC": TimeInForce.IOC,
    "FOK": TimeInForce.FOK,
    "PO": TimeInForce.GTC,
    "GTX": TimeInForce.GTC,
}


def _num(value: Any, default: float = 0.0) -> float:
    return default if value is None else float(value)


@dataclass(slots=True)
class QuoteState:
    """One symbol's quote as the feed builds it: the book from the depth stream, last price
    and the UTC day's open/high/low/volume from trades (seeded by the day's candle), so a
    Tick's ``volume`` is cumulative for the day as the bar engine wants it."""

    symbol: str
    day_start_ms: int = 0
    open: float = 0.0
    high: float = 0.0
    low: float = 0.0
    last: float = 0.0
    volume: float = 0.0
    turnover: float = 0.0
    prev_close: float = 0.0
    bids: tuple[tuple[float, float], ...] = ()
    asks: tuple[tuple[float, float], ...] = ()
    ts_ms: int = 0

    def seed_day(self, candles: list[list[Any]]) -> None:
        """The last two daily candles ``[ts, o, h, l, c, v]``: yesterday's close, today's
        open, high, low, last and volume so far."""
        if not candles:
            return
        today = candles[-1]
        self.day_start_ms = int(today[0])
        self.open, self.high, self.low, self.last = (_num(v) for v in today[1:5])
        self.volume = _num(today[5])
        self.turnover = self.volume * self.last  # the candle has no quote volume: estimated
        if len(candles) > 1:
            self.prev_close = _num(candles[-2][4])

    def add_trade(self, price: float, amount: float, ts_ms: int) -> None:
        day = ts_ms - ts_ms % DAY_MS
        if day > self.day_start_ms:  # a new UTC day: its volume starts from nothing
            if self.last:
                self.prev_close = self.last
            self.day_start_ms, self.volume, self.turnover = day, 0.0, 0.0
            self.open = self.high = self.low = price
        self.last = price
        self.high = max(self.high, price) if self.high else price
        self.low = min(self.low, price) if self.low else price
        self.open = self.open or price
        self.volume += amount
        self.turnover += amount * price
        self.ts_ms = max(self.ts_ms, ts_ms)

    def set_book(self, book: dict[str, Any], now_ms: int) -> None:
        """A book update; stamped with the venue's time, else when it arrived (Binance's
        diff-depth updates carry none: a quote is as new as its book)."""
        self.bids = tuple((float(p), float(q)) for p, q, *_ in book.get("bids", [])[:DEPTH])
        self.asks = tuple((float(p), float(q)) for p, q, *_ in book.get("asks", [])[:DEPTH])
        self.ts_ms = max(self.ts_ms, int(book.get("timestamp") or now_ms))

    def set_ticker(self, ticker: dict[str, Any], now_ms: int) -> None:
        """A polled ticker's best bid and ask, where there is no book."""
        self.ts_ms = max(self.ts_ms, int(ticker.get("timestamp") or now_ms))
        if ticker.get("bid") is not None and ticker.get("ask") is not None:
            self.bids = ((float(ticker["bid"]), _num(ticker.get("bidVolume"))),)
            self.asks = ((float(ticker["ask"]), _num(ticker.get("askVolume"))),)
        if ticker.get("last") is not None:
            self.last = float(ticker["last"])

    def tick(self, now_ms: int) -> Tick | None:
        """The quote as a Tick (None before a price is known)."""
        if not self.last:
            return None
        return Tick(
            symbol=self.symbol,
            ts=(self.ts_ms or now_ms) * MS,
            last=self.last,
            volume=self.volume,
            turnover=self.turnover,
            bid_prices=tuple(p for p, _ in self.bids),
            bid_sizes=tuple(q for _, q in self.bids),
            ask_prices=tuple(p for p, _ in self.asks),
            ask_sizes=tuple(q for _, q in self.asks),
            open=self.open,
            high=self.high,
            low=self.low,
            prev_close=self.prev_close,
        )


def bar_from_ohlcv(symbol: str, timeframe: str, row: list[Any]) -> Bar:
    """One ``fetch_ohlcv`` row ``[ts ms, open, high, low, close, volume]``."""
    ts, o, h, low, c, v = row[:6]
    close = _num(c)
    return Bar(
        symbol,
        timeframe,
        int(ts) * MS,
        _num(o),
        _num(h),
        _num(low),
        close,
        _num(v),
        _num(v) * close,
    )


# ---- orders ------------------------------------------------------------------------------------
def order_type(order: dict[str, Any]) -> OrderType:
    """The terminal's type of a ccxt order (``stop_loss_limit``, ``limit_maker``, …)."""
    kind = str(order.get("type") or "").lower()
    limit = "limit" in kind or kind == "stop"  # a derivatives STOP is a stop-limit
    if order.get("triggerPrice") or kind.startswith(("stop", "take_profit")):
        return OrderType.STOP_LIMIT if limit else OrderType.STOP
    return OrderType.LIMIT if limit else OrderType.MARKET


def venue_order(order: dict[str, Any], symbol: str) -> VenueOrder:
    """A ccxt order as the venue knows it; ``symbol`` is the terminal's."""
    filled = _num(order.get("filled"))
    status = CCXT_STATUS.get(str(order.get("status")))
    if status is None:  # open (or an ACK answer without status)
        if order.get("status") is None:
            status = OrderStatus.SUBMITTED
        else:
            status = OrderStatus.PARTIALLY_FILLED if filled > 0 else OrderStatus.ACCEPTED
    return VenueOrder(
        venue_order_id=str(order.get("id") or ""),
        client_order_id=str(order.get("clientOrderId") or ""),
        symbol=symbol,
        side=Side(order["side"]),
        order_type=order_type(order),
        quantity=_num(order.get("amount")),
        status=status,
        price=_num(order.get("price")),
        trigger_price=_num(order.get("triggerPrice")),
        time_in_force=CCXT_TIF.get(str(order.get("timeInForce")), TimeInForce.GTC),
        filled_quantity=filled,
        average_price=_num(order.get("average")),
        created_ns=int(order.get("timestamp") or 0) * MS,
        post_only=bool(order.get("postOnly")),
    )


def order_arguments(order: Order, client_order_id: str) -> tuple[str, float | None, dict[str, Any]]:
    """``(type, price, params)`` of ``create_order`` for ``order``; the client order id makes
    a retried submit find the first one instead of placing a second."""
    limit = order.order_type.has_limit_price
    params: dict[str, Any] = {"clientOrderId": client_order_id}
    if order.order_type.has_trigger:
        params["triggerPrice"] = order.trigger_price
    if order.post_only:
        params["postOnly"] = True
    elif limit:  # a DAY order rests as GTC; the broker ends it with the UTC day
        tif = order.time_in_force
        params["timeInForce"] = "GTC" if tif is TimeInForce.DAY else tif.value.upper()
    if order.reduce_only:
        params["reduceOnly"] = True
    return ("limit" if limit else "market"), (order.price if limit else None), params


def fill_from_trade(
    trade: dict[str, Any], order: Order, broker: str, market_id: str, instrument: Instrument | None
) -> Fill:
    """A ccxt trade of ``order`` as a Fill. Its id joins broker, market and the venue's trade
    id (unique per market), so the live stream and a later query give the same fill id.
    The commission is in the account (quote) currency; a fee the venue took in the asset
    bought (Binance) is converted at the fill price and kept as ``fee``/``fee_currency``."""
    price, quantity = _num(trade.get("price")), _num(trade.get("amount"))
    fee = trade.get("fee") or {}
    cost, currency = _num(fee.get("cost")), str(fee.get("currency") or "")
    quote = instrument.currency if instrument else ""
    commission, fee_amount, fee_currency = cost, 0.0, ""
    if currency and currency != quote:
        base = instrument.base_currency if instrument else ""
        commission = cost * price if currency == base else 0.0
        fee_amount, fee_currency = cost, currency
    return Fill(
        fill_id=f"{broker}-{market_id}-{trade['id']}",
        order_id=order.order_id,
        broker=broker,
        symbol=order.symbol,
        side=order.side,
        quantity=quantity,
        price=price,
        ts=int(trade.get("timestamp") or 0) * MS,
        commission=commission,
        offset=order.offset,
        fee=fee_amount,
        fee_currency=fee_currency,
    )


# ---- account -------------------------------------------------------------------------------------
def balances_from(balance: dict[str, Any], broker: str) -> list[Balance]:
    """The currencies of a ccxt balance that hold anything."""
    totals = balance.get("total") or {}
    free, used = balance.get("free") or {}, balance.get("used") or {}
    return [
        Balance(broker, currency, _num(free.get(currency)), _num(used.get(currency)), _num(total))
        for currency, total in sorted(totals.items())
        if total or free.get(currency) or used.get(currency)
    ]


def position_from(position: dict[str, Any], symbol: str, broker: str) -> VenuePosition:
    """A ccxt derivatives position (``contracts`` with a ``side``) as a signed quantity."""
    contracts = _num(position.get("contracts"))
    sign = -1.0 if position.get("side") == "short" else 1.0
    return VenuePosition(
        broker,
        symbol,
        sign * contracts,
        _num(position.get("entryPrice")),
        _num(position.get("unrealizedPnl")),
    )
