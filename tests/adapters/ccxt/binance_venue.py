"""The in-memory spot venue behind the local Binance server: markets, books, balances, orders.

No I/O: the server (``binance_server.py``) turns requests into calls here and the events these
return (executionReport, outboundAccountPosition, depthUpdate, trade) into frames. Markets are
Binance's own recorded BTCUSDT and ETHUSDT rows (``tests/data/binance``); every answer and event
has the shape of the documented ones there (``test_binance_shapes.py`` compares them).

What it simplifies (a test double, not an exchange): our fills take the displayed levels'
sizes but leave the book as it is; other traders appear only as the public trades of each
market step and when a test calls :meth:`Venue.trade_against`; commission is 0.1 % of what is
received (the asset bought, as Binance takes it).
"""

from __future__ import annotations

import itertools
import json
import random
import time
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "data" / "binance"
COMMISSION = Decimal("0.001")
WORKING = ("NEW", "PARTIALLY_FILLED")
STOP_TYPES = ("STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")
Event = dict[str, Any]


def now_ms() -> int:
    return int(time.time() * 1000)


def fmt(value: Decimal) -> str:
    """Binance prints spot decimals with 8 places: "0.10000000"."""
    return f"{value.quantize(Decimal('0.00000001'), rounding=ROUND_DOWN):f}"


class VenueError(Exception):
    """A refusal as Binance answers it: an HTTP status and {"code": ..., "msg": ...}."""

    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "msg": self.msg}


@dataclass
class Book:
    """One symbol's book with Binance's update id (lastUpdateId, and U/u in events)."""

    bids: dict[Decimal, Decimal]
    asks: dict[Decimal, Decimal]
    update_id: int = 1_000_000

    def best_bid(self) -> Decimal:
        return max(self.bids)

    def best_ask(self) -> Decimal:
        return min(self.asks)

    def snapshot(self, limit: int) -> dict[str, Any]:
        bids = sorted(self.bids.items(), reverse=True)[:limit]
        asks = sorted(self.asks.items())[:limit]
        return {
            "lastUpdateId": self.update_id,
            "bids": [[fmt(p), fmt(q)] for p, q in bids],
            "asks": [[fmt(p), fmt(q)] for p, q in asks],
        }

    def levels(self, side: str, limit: Decimal | None) -> list[tuple[Decimal, Decimal]]:
        """The levels a ``side`` order takes, best first, up to its limit price."""
        if side == "BUY":
            return [(p, q) for p, q in sorted(self.asks.items()) if limit is None or p <= limit]
        return [
            (p, q)
            for p, q in sorted(self.bids.items(), reverse=True)
            if limit is None or p >= limit
        ]


@dataclass
class Market:
    info: dict[str, Any]  # the exchangeInfo row, served as recorded
    book: Book
    last: Decimal
    day_open: Decimal
    high: Decimal
    low: Decimal
    volume: Decimal = Decimal("1000")
    trade_id: int = 5_000_000
    filters: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def symbol(self) -> str:
        return str(self.info["symbol"])


class Venue:
    """State and rules of the venue; every method is synchronous and quick."""

    def __init__(self, seed: int = 7) -> None:
        info = json.loads((DATA / "exchangeInfo_BTCUSDT_ETHUSDT.json").read_text())
        self.exchange_info = info
        self.rng = random.Random(seed)
        self.markets: dict[str, Market] = {}
        for row, mid in zip(
            info["symbols"], (Decimal("73369.84"), Decimal("3500.00")), strict=True
        ):
            tick = Decimal(
                next(f for f in row["filters"] if f["filterType"] == "PRICE_FILTER")["tickSize"]
            )
            book = Book(
                bids={mid - tick * (i + 1): Decimal("0.5") + i for i in range(10)},
                asks={mid + tick * i: Decimal("0.4") + i for i in range(10)},
            )
            market = Market(
                row, book, mid, mid * Decimal("0.98"), mid * Decimal("1.01"), mid * Decimal("0.97")
            )
            market.filters = {f["filterType"]: f for f in row["filters"]}
            self.markets[market.symbol] = market
        self.balances: dict[str, dict[str, Decimal]] = {
            "BTC": {"free": Decimal("1"), "locked": Decimal("0")},
            "ETH": {"free": Decimal("10"), "locked": Decimal("0")},
            "USDT": {"free": Decimal("10000"), "locked": Decimal("0")},
        }
        self.orders: dict[int, dict[str, Any]] = {}
        self.trades: list[dict[str, Any]] = []
        self._order_ids = itertools.count(10_000_001)
        self._execution_ids = itertools.count(1)

    # ---- market data ---------------------------------------------------------------------
    def market(self, symbol: str | None) -> Market:
        if symbol is None or symbol not in self.markets:
            raise VenueError(400, -1121, "Invalid symbol.")
        return self.markets[symbol]

    def set_status(self, symbol: str, status: str) -> None:
        """TRADING / BREAK / HALT: shows in exchangeInfo and blocks new orders."""
        self.market(symbol).info["status"] = status

    def step(self, symbol: str) -> list[Event]:
        """One market step: a level changes (a depthUpdate) and someone trades (a trade)."""
        market = self.markets[symbol]
        book = market.book
        side, levels = ("b", book.bids) if self.rng.random() < 0.5 else ("a", book.asks)
        price = self.rng.choice(sorted(levels)[:5] if side == "a" else sorted(levels)[-5:])
        qty = Decimal(self.rng.randint(1, 300)) / 100
        levels[price] = qty
        change = [[fmt(price), fmt(qty)]]
        depth = self._depth_event(
            symbol, change if side == "b" else [], change if side == "a" else []
        )
        taker_buys = self.rng.random() < 0.5
        trade_price = book.best_ask() if taker_buys else book.best_bid()
        return [depth, *self._public_trade(market, trade_price, Decimal("0.01"), not taker_buys)]

    def shift(self, symbol: str, ticks: int) -> list[Event]:
        """Move the whole book ``ticks`` price steps (a market that runs), and trade there:
        stop orders whose trigger it crosses are triggered."""
        market = self.markets[symbol]
        book = market.book
        step = Decimal(market.filters["PRICE_FILTER"]["tickSize"]) * ticks
        old_bids, old_asks = dict(book.bids), dict(book.asks)
        book.bids = {p + step: q for p, q in old_bids.items()}
        book.asks = {p + step: q for p, q in old_asks.items()}
        bids = [[fmt(p), "0.00000000"] for p in old_bids if p not in book.bids]
        bids += [[fmt(p), fmt(q)] for p, q in book.bids.items()]
        asks = [[fmt(p), "0.00000000"] for p in old_asks if p not in book.asks]
        asks += [[fmt(p), fmt(q)] for p, q in book.asks.items()]
        events = [self._depth_event(symbol, bids, asks)]
        price = book.best_ask() if ticks > 0 else book.best_bid()
        events += self._public_trade(market, price, Decimal("0.01"), ticks < 0)
        return events + self._trigger_stops(market)

    def _depth_event(self, symbol: str, bids: list[list[str]], asks: list[list[str]]) -> Event:
        book = self.markets[symbol].book
        book.update_id += 1
        return {
            "e": "depthUpdate",
            "E": now_ms(),
            "s": symbol,
            "U": book.update_id,
            "u": book.update_id,
            "b": bids,
            "a": asks,
        }

    def _public_trade(
        self, market: Market, price: Decimal, qty: Decimal, buyer_maker: bool
    ) -> list[Event]:
        market.trade_id += 1
        market.last = price
        market.volume += qty
        market.high, market.low = max(market.high, price), min(market.low, price)
        now = now_ms()
        return [
            {
                "e": "trade",
                "E": now,
                "s": market.symbol,
                "t": market.trade_id,
                "p": fmt(price),
                "q": fmt(qty),
                "T": now,
                "m": buyer_maker,
                "M": True,
            }
        ]

    def book_ticker(self, symbol: str) -> dict[str, Any]:
        book = self.market(symbol).book
        return {
            "symbol": symbol,
            "bidPrice": fmt(book.best_bid()),
            "bidQty": fmt(book.bids[book.best_bid()]),
            "askPrice": fmt(book.best_ask()),
            "askQty": fmt(book.asks[book.best_ask()]),
        }

    def ticker_24h(self, symbol: str) -> dict[str, Any]:
        m = self.market(symbol)
        now = now_ms()
        return {
            "symbol": symbol,
            "priceChange": fmt(m.last - m.day_open),
            "priceChangePercent": f"{(m.last - m.day_open) / m.day_open * 100:.3f}",
            "weightedAvgPrice": fmt((m.high + m.low) / 2),
            "prevClosePrice": fmt(m.day_open),
            "lastPrice": fmt(m.last),
            "lastQty": "0.01000000",
            **{k: v for k, v in self.book_ticker(symbol).items() if k != "symbol"},
            "openPrice": fmt(m.day_open),
            "highPrice": fmt(m.high),
            "lowPrice": fmt(m.low),
            "volume": fmt(m.volume),
            "quoteVolume": fmt(m.volume * m.last),
            "openTime": now - 86_400_000,
            "closeTime": now,
            "firstId": 3476288989,
            "lastId": 3476288989 + m.trade_id % 1000,
            "count": 1000 + m.trade_id % 1000,
        }

    def klines(
        self, symbol: str, interval: str, limit: int, start: int | None, end: int | None
    ) -> list[list[Any]]:
        """Candles around the current price, 12 fields as the API sends them; the day's
        candle carries the day's figures so far."""
        market = self.market(symbol)
        steps = {"1m": 60_000, "5m": 300_000, "15m": 900_000, "1h": 3_600_000, "1d": 86_400_000}
        if interval not in steps:
            raise VenueError(400, -1120, "Invalid interval.")
        ms = steps[interval]
        last_open = ((end or now_ms()) // ms) * ms
        first_open = (
            (start + ms - 1) // ms * ms if start is not None else last_open - ms * (limit - 1)
        )
        rows: list[list[Any]] = []
        for open_time in range(first_open, last_open + 1, ms):
            wave = Decimal((open_time // ms) % 17 - 8) / 1000
            o, c = market.last * (1 + wave), market.last * (1 + wave / 2)
            h, low, volume = (
                max(o, c) * Decimal("1.001"),
                min(o, c) * Decimal("0.999"),
                Decimal("12.345"),
            )
            if open_time == last_open and interval == "1d":
                o, h, low, c, volume = (
                    market.day_open,
                    market.high,
                    market.low,
                    market.last,
                    market.volume,
                )
            rows.append(
                [
                    open_time,
                    fmt(o),
                    fmt(h),
                    fmt(low),
                    fmt(c),
                    fmt(volume),
                    open_time + ms - 1,
                    fmt(volume * c),
                    321,
                    fmt(volume / 2),
                    fmt(volume / 2 * c),
                    "0",
                ]
            )
            if len(rows) == limit:
                break
        return rows

    # ---- account ----------------------------------------------------------------------------
    def account(self) -> dict[str, Any]:
        """GET /api/v3/account in the documented shape."""
        return {
            "makerCommission": 10,
            "takerCommission": 10,
            "buyerCommission": 0,
            "sellerCommission": 0,
            "commissionRates": {
                "maker": "0.00100000",
                "taker": "0.00100000",
                "buyer": "0.00000000",
                "seller": "0.00000000",
            },
            "canTrade": True,
            "canWithdraw": True,
            "canDeposit": True,
            "brokered": False,
            "requireSelfTradePrevention": False,
            "preventSor": False,
            "updateTime": now_ms(),
            "accountType": "SPOT",
            "balances": [
                {"asset": a, "free": fmt(b["free"]), "locked": fmt(b["locked"])}
                for a, b in self.balances.items()
            ],
            "permissions": ["SPOT"],
            "uid": 354937868,
        }

    def _position_event(self, assets: list[str]) -> Event:
        now = now_ms()
        return {
            "e": "outboundAccountPosition",
            "E": now,
            "u": now,
            "B": [
                {"a": a, "f": fmt(self.balances[a]["free"]), "l": fmt(self.balances[a]["locked"])}
                for a in assets
            ],
        }

    # ---- orders -------------------------------------------------------------------------------
    def place(self, p: dict[str, str]) -> tuple[dict[str, Any], list[Event]]:
        """POST /api/v3/order: the order row and the events it caused."""
        m = self.market(p.get("symbol"))
        if m.info["status"] != "TRADING":
            raise VenueError(400, -1013, "Market is closed.")
        side, kind, tif = p.get("side"), p.get("type", ""), p.get("timeInForce")
        if side not in ("BUY", "SELL"):
            raise VenueError(400, -1117, "Invalid side.")
        if kind not in m.info["orderTypes"]:
            raise VenueError(400, -1116, "Invalid orderType.")
        if kind in ("LIMIT", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT") and tif not in (
            "GTC",
            "IOC",
            "FOK",
        ):
            raise VenueError(
                400,
                -1102,
                "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.",
            )
        client_id = p.get("newClientOrderId") or f"web_{next(self._execution_ids)}"
        if any(
            o["clientOrderId"] == client_id and o["status"] in WORKING for o in self.orders.values()
        ):
            raise VenueError(400, -2010, "Duplicate order sent.")
        price = Decimal(p["price"]) if "price" in p else None
        book = m.book
        if kind == "MARKET":
            ref = book.best_ask() if side == "BUY" else book.best_bid()
            step = Decimal(m.filters["LOT_SIZE"]["stepSize"])
            qty = (
                Decimal(p["quantity"])
                if "quantity" in p
                else (Decimal(p["quoteOrderQty"]) / ref / step).to_integral_value(ROUND_DOWN) * step
            )
            self._check_filters(m, None, qty)
        else:
            if price is None or "quantity" not in p:
                raise VenueError(
                    400,
                    -1102,
                    "Mandatory parameter 'price' was not sent, was empty/null, or malformed.",
                )
            qty = Decimal(p["quantity"])
            self._check_filters(m, price, qty)
        crossing = kind != "MARKET" and book.levels(side, price)[:1] != []
        if kind == "LIMIT_MAKER" and crossing:
            raise VenueError(400, -2010, "Order would immediately match and take.")
        lock_asset = m.info["quoteAsset"] if side == "BUY" else m.info["baseAsset"]
        lock = (
            qty * (price or (book.best_ask() if side == "BUY" else book.best_bid()))
            if side == "BUY"
            else qty
        )
        if self.balances[lock_asset]["free"] < lock:
            raise VenueError(400, -2010, "Account has insufficient balance for requested action.")
        now = now_ms()
        order: dict[str, Any] = {
            "symbol": m.symbol,
            "orderId": next(self._order_ids),
            "orderListId": -1,
            "clientOrderId": client_id,
            "price": fmt(price or Decimal(0)),
            "origQty": fmt(qty),
            "executedQty": fmt(Decimal(0)),
            "cummulativeQuoteQty": fmt(Decimal(0)),
            "status": "NEW",
            "timeInForce": tif or "GTC",
            "type": kind,
            "side": side,
            "stopPrice": fmt(Decimal(p.get("stopPrice", "0"))),
            "icebergQty": fmt(Decimal(0)),
            "time": now,
            "updateTime": now,
            "isWorking": kind not in STOP_TYPES,
            "workingTime": now if kind not in STOP_TYPES else -1,
            "origQuoteOrderQty": fmt(Decimal(p.get("quoteOrderQty", "0"))),
            "selfTradePreventionMode": "EXPIRE_MAKER",
            "fills": [],
            "_lock": (lock_asset, lock),
        }
        self.orders[order["orderId"]] = order
        self.balances[lock_asset]["free"] -= lock
        self.balances[lock_asset]["locked"] += lock
        events = [self._report(order, "NEW")]
        if order["isWorking"]:
            events += self._match(order, m)
        return order, events

    def _check_filters(self, m: Market, price: Decimal | None, qty: Decimal) -> None:
        """PRICE_FILTER, LOT_SIZE and NOTIONAL, with Binance's messages."""
        if price is not None:
            pf = m.filters["PRICE_FILTER"]
            if (
                price < Decimal(pf["minPrice"])
                or price > Decimal(pf["maxPrice"])
                or price % Decimal(pf["tickSize"])
            ):
                raise VenueError(400, -1013, "Filter failure: PRICE_FILTER")
        lot = m.filters["LOT_SIZE"]
        if (
            qty < Decimal(lot["minQty"])
            or qty > Decimal(lot["maxQty"])
            or qty % Decimal(lot["stepSize"])
        ):
            raise VenueError(400, -1013, "Filter failure: LOT_SIZE")
        notional = m.filters["NOTIONAL"]
        value = qty * (price if price is not None else m.last)
        if value < Decimal(notional["minNotional"]) or (
            price is not None and value > Decimal(notional["maxNotional"])
        ):
            raise VenueError(400, -1013, "Filter failure: NOTIONAL")

    def _match(self, order: dict[str, Any], m: Market) -> list[Event]:
        """Fill what the book allows, level by level; then keep, expire or finish the rest by
        type and time in force."""
        limit = None if order["type"] in ("MARKET", "STOP_LOSS") else Decimal(order["price"])
        wanted = Decimal(order["origQty"]) - Decimal(order["executedQty"])
        levels = m.book.levels(order["side"], limit)
        available = sum((q for _, q in levels), Decimal(0))
        if order["timeInForce"] == "FOK" and available < wanted:
            return self._finish(order, "EXPIRED")
        events: list[Event] = []
        for price, size in levels:
            if wanted <= 0:
                break
            take = min(wanted, size)
            events += self.fill(order, take, price)
            wanted -= take
        if wanted > 0 and (limit is None or order["timeInForce"] == "IOC"):
            events += self._finish(order, "EXPIRED")
        return events

    def fill(self, order: dict[str, Any], qty: Decimal, price: Decimal) -> list[Event]:
        """Execute ``qty`` of ``order`` at ``price``: balances, the trade, the reports."""
        m = self.markets[order["symbol"]]
        base, quote = m.info["baseAsset"], m.info["quoteAsset"]
        cost = price * qty
        lock_asset, locked = order["_lock"]
        release = (
            (Decimal(order["price"]) * qty if order["type"] != "MARKET" else cost)
            if order["side"] == "BUY"
            else qty
        )
        release = min(release, locked)
        order["_lock"] = (lock_asset, locked - release)
        self.balances[lock_asset]["locked"] -= release
        self.balances[lock_asset]["free"] += release
        if order["side"] == "BUY":
            fee, fee_asset = qty * COMMISSION, base
            self.balances[quote]["free"] -= cost
            self.balances[base]["free"] += qty - fee
        else:
            fee, fee_asset = cost * COMMISSION, quote
            self.balances[base]["free"] -= qty
            self.balances[quote]["free"] += cost - fee
        trade = self._public_trade(m, price, qty, order["side"] == "SELL")
        executed = Decimal(order["executedQty"]) + qty
        done = executed >= Decimal(order["origQty"])
        order.update(
            executedQty=fmt(executed),
            cummulativeQuoteQty=fmt(Decimal(order["cummulativeQuoteQty"]) + cost),
            status="FILLED" if done else "PARTIALLY_FILLED",
            updateTime=now_ms(),
        )
        if done:
            self._unlock(order)
        trade_id = m.trade_id
        order["fills"].append(
            {
                "price": fmt(price),
                "qty": fmt(qty),
                "commission": fmt(fee),
                "commissionAsset": fee_asset,
                "tradeId": trade_id,
            }
        )
        self.trades.append(
            {
                "symbol": m.symbol,
                "id": trade_id,
                "orderId": order["orderId"],
                "orderListId": -1,
                "price": fmt(price),
                "qty": fmt(qty),
                "quoteQty": fmt(cost),
                "commission": fmt(fee),
                "commissionAsset": fee_asset,
                "time": now_ms(),
                "isBuyer": order["side"] == "BUY",
                "isMaker": False,
                "isBestMatch": True,
            }
        )
        report = self._report(
            order,
            "TRADE",
            last_qty=qty,
            last_price=price,
            fee=fee,
            fee_asset=fee_asset,
            trade_id=trade_id,
        )
        return [report, self._position_event([base, quote]), *trade]

    def trade_against(self, order_id: int, qty: str) -> list[Event]:
        """Someone takes ``qty`` of a resting order at its price (a partial or final fill)."""
        order = self.orders[order_id]
        return self.fill(order, Decimal(qty), Decimal(order["price"]))

    def _unlock(self, order: dict[str, Any]) -> None:
        lock_asset, locked = order["_lock"]
        self.balances[lock_asset]["locked"] -= locked
        self.balances[lock_asset]["free"] += locked
        order["_lock"] = (lock_asset, Decimal(0))

    def _finish(self, order: dict[str, Any], status: str) -> list[Event]:
        self._unlock(order)
        order.update(status=status, updateTime=now_ms())
        return [self._report(order, status), self._position_event([order["_lock"][0]])]

    def _trigger_stops(self, m: Market) -> list[Event]:
        events: list[Event] = []
        for order in list(self.orders.values()):
            if order["symbol"] != m.symbol or order["isWorking"] or order["status"] not in WORKING:
                continue
            stop = Decimal(order["stopPrice"])
            if (order["side"] == "BUY" and m.last >= stop) or (
                order["side"] == "SELL" and m.last <= stop
            ):
                order.update(isWorking=True, workingTime=now_ms())
                events += [self._report(order, "NEW"), *self._match(order, m)]
        return events

    def find(self, p: dict[str, str]) -> dict[str, Any] | None:
        m = self.market(p.get("symbol"))
        if "orderId" in p:
            order = self.orders.get(int(p["orderId"]))
        else:
            order = next(
                (
                    o
                    for o in reversed(self.orders.values())
                    if o["clientOrderId"] == p.get("origClientOrderId")
                ),
                None,
            )
        return order if order is not None and order["symbol"] == m.symbol else None

    def cancel(self, p: dict[str, str]) -> tuple[dict[str, Any], list[Event]]:
        """DELETE /api/v3/order."""
        order = self.find(p)
        if order is None or order["status"] not in WORKING:
            raise VenueError(400, -2011, "Unknown order sent.")
        return order, self._finish(order, "CANCELED")

    def open_orders(self, symbol: str | None) -> list[dict[str, Any]]:
        if symbol is not None:
            self.market(symbol)
        return [
            o
            for o in self.orders.values()
            if o["status"] in WORKING and symbol in (None, o["symbol"])
        ]

    def _report(
        self,
        order: dict[str, Any],
        execution: str,
        *,
        last_qty: Decimal = Decimal(0),
        last_price: Decimal = Decimal(0),
        fee: Decimal = Decimal(0),
        fee_asset: str | None = None,
        trade_id: int = -1,
    ) -> Event:
        """executionReport as user-data-stream.md "Order update" shows it."""
        now = now_ms()
        return {
            "e": "executionReport",
            "E": now,
            "s": order["symbol"],
            "c": order["clientOrderId"],
            "S": order["side"],
            "o": order["type"],
            "f": order["timeInForce"],
            "q": order["origQty"],
            "p": order["price"],
            "P": order["stopPrice"],
            "F": "0.00000000",
            "g": -1,
            "C": "",
            "x": execution,
            "X": order["status"],
            "r": "NONE",
            "i": order["orderId"],
            "l": fmt(last_qty),
            "z": order["executedQty"],
            "L": fmt(last_price),
            "n": fmt(fee),
            "N": fee_asset,
            "T": now,
            "t": trade_id,
            "I": next(self._execution_ids),
            "w": order["isWorking"] and order["status"] in WORKING,
            "m": False,
            "M": execution == "TRADE",
            "O": order["time"],
            "Z": order["cummulativeQuoteQty"],
            "Y": fmt(last_qty * last_price),
            "Q": order["origQuoteOrderQty"],
            "W": order["workingTime"],
            "V": "EXPIRE_MAKER",
        }


def public_order(order: dict[str, Any], shape: str) -> dict[str, Any]:
    """An order row as an answer shows it: ACK, RESULT or FULL (rest-api.md "New order"), or
    QUERY (GET /api/v3/order and openOrders)."""
    row = {k: v for k, v in order.items() if not k.startswith("_")}
    fills = row.pop("fills")
    keys = ("symbol", "orderId", "orderListId", "clientOrderId")
    if shape == "ACK":
        return {k: row[k] for k in keys} | {"transactTime": row["updateTime"]}
    if shape == "QUERY":
        return row
    out = {k: row[k] for k in keys} | {"transactTime": row["updateTime"]}
    for k in (
        "price",
        "origQty",
        "executedQty",
        "origQuoteOrderQty",
        "cummulativeQuoteQty",
        "status",
        "timeInForce",
        "type",
        "side",
        "workingTime",
        "selfTradePreventionMode",
    ):
        out[k] = row[k]
    if row["type"] in STOP_TYPES:  # "conditional fields in order responses"
        out["stopPrice"] = row["stopPrice"]
    if shape == "FULL":
        out["fills"] = fills
    return out
