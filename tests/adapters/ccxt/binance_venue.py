"""The in-memory spot venue behind the local Binance server: balances, orders, fills.

No I/O: the server (``binance_server.py``) turns requests into calls here and the events these
return (executionReport, outboundAccountPosition, depthUpdate, trade) into frames; the markets
are :class:`~tests.adapters.ccxt.binance_market.MarketData`'s. Every answer and event has the
shape of the documented ones in ``tests/data/binance`` (``test_binance_shapes.py`` compares).

What it simplifies (a test double, not an exchange): our fills take the displayed levels'
sizes but leave the book as it is; other traders appear only as the public trades of each
market step and when a test calls :meth:`Venue.trade_against`; commission is 0.1 % of what is
received (the asset bought, as Binance takes it).
"""

from __future__ import annotations

import itertools
from decimal import ROUND_DOWN, Decimal
from typing import Any

from tests.adapters.ccxt.binance_market import (
    Event,
    Market,
    MarketData,
    VenueError,
    fmt,
    now_ms,
)

COMMISSION = Decimal("0.001")
WORKING = ("NEW", "PARTIALLY_FILLED")
STOP_TYPES = ("STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")


class Venue(MarketData):
    """The account and its orders, on top of the markets; every method is quick."""

    def __init__(self, seed: int = 7) -> None:
        super().__init__(seed)
        self.balances: dict[str, dict[str, Decimal]] = {
            "BTC": {"free": Decimal("1"), "locked": Decimal("0")},
            "ETH": {"free": Decimal("10"), "locked": Decimal("0")},
            "USDT": {"free": Decimal("10000"), "locked": Decimal("0")},
        }
        self.orders: dict[int, dict[str, Any]] = {}
        self.trades: list[dict[str, Any]] = []
        self._order_ids = itertools.count(10_000_001)
        self._execution_ids = itertools.count(1)

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
        pf, lot, notional = m.filters["PRICE_FILTER"], m.filters["LOT_SIZE"], m.filters["NOTIONAL"]
        if price is not None and _outside(price, pf["minPrice"], pf["maxPrice"], pf["tickSize"]):
            raise VenueError(400, -1013, "Filter failure: PRICE_FILTER")
        if _outside(qty, lot["minQty"], lot["maxQty"], lot["stepSize"]):
            raise VenueError(400, -1013, "Filter failure: LOT_SIZE")
        value = qty * (price if price is not None else m.last)
        # the maximum does not apply to market orders here ("applyMaxToMarket": false)
        top = notional["maxNotional"] if price is not None else "Infinity"
        if _outside(value, notional["minNotional"], top):
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

    def _triggered(self, m: Market) -> list[Event]:
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


def _outside(value: Decimal, low: str, high: str, step: str = "0") -> bool:
    """Out of a filter's range, or off its step (a zero step: any value)."""
    off_step = Decimal(step) != 0 and value % Decimal(step) != 0
    return value < Decimal(low) or value > Decimal(high) or off_step


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
