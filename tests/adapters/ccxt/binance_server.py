"""A local aiohttp server that answers like Binance spot, for ccxt to talk to unmodified.

  REST  GET /api/v3/exchangeInfo, ticker/24hr, ticker/bookTicker, depth, klines, time, ping
        SIGNED (HMAC, recvWindow): GET account, POST|GET|DELETE order, GET|DELETE openOrders,
        GET myTrades
  WS    /stream/ws[/<n>]: SUBSCRIBE / UNSUBSCRIBE, then <sym>@trade and <sym>@depth@100ms events
        /ws-api/v3: userDataStream.subscribe.signature, then executionReport and
        outboundAccountPosition wrapped as {"subscriptionId": k, "event": {...}}

The market streams live under "/stream" because ccxt decides "a spot socket" by that part of the
URL (Binance's host is stream.binance.com). Test hooks: :meth:`inject` (the next answers on a
path become 429/418/503), :meth:`drop_sockets`, :meth:`pause_market`, ``user_events`` (push
user events twice, reversed or not at all), :meth:`place_elsewhere` / :meth:`cancel_elsewhere`
(another client of the same account), and the request logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from tests.adapters.ccxt.binance_market import Event, VenueError, now_ms
from tests.adapters.ccxt.binance_venue import Venue, public_order

API_KEY = "local-test-key"
SECRET = "local-test-secret"
PARAMS = web.RequestKey("params", dict)  # typed keys: aiohttp 3.14 warns on plain strings
BODY = web.RequestKey("body", str)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Injected:
    """One canned answer for the next request on a path."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    carry_out: bool = False
    """Carry the request out, then answer this (a 5xx whose outcome the client cannot know)."""


def rate_limited(retry_after: int = 1) -> Injected:
    """429 as documented: Retry-After, and code -1003."""
    return Injected(
        429,
        {
            "code": -1003,
            "msg": "Too much request weight used; current limit is 6000 "
            "request weight per 1 MINUTE. Please use WebSocket Streams for live updates "
            "to avoid polling the API.",
        },
        {"Retry-After": str(retry_after)},
    )


def unknown_outcome() -> Injected:
    """503 with -1007 ("Send status unknown; execution status unknown"), after doing it."""
    return Injected(
        503,
        {
            "code": -1007,
            "msg": "Timeout waiting for response from backend server. "
            "Send status unknown; execution status unknown.",
        },
        {},
        carry_out=True,
    )


class FakeBinance:
    """The app, the venue and the live websockets."""

    def __init__(self, tick_seconds: float = 0.05) -> None:
        self.venue = Venue()
        self.tick_seconds = tick_seconds
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.ws_requests: list[tuple[str, dict[str, Any]]] = []
        self.injected: dict[str, deque[Injected]] = {}
        self.stream_sockets: dict[web.WebSocketResponse, set[str]] = {}
        self.api_sockets: dict[web.WebSocketResponse, int | None] = {}
        self.user_events: Literal["normal", "twice", "reversed", "lost"] = "normal"
        self.market_paused = False
        self._transports: dict[web.WebSocketResponse, Any] = {}
        self._subscriptions = 0
        self._runner: web.AppRunner | None = None
        self._market_task: asyncio.Task[None] | None = None
        self.port = 0

    # ---- life cycle -----------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware])
        add = app.router
        add.add_get("/api/v3/ping", self._json(lambda p: {}))
        add.add_get("/api/v3/time", self._json(lambda p: {"serverTime": now_ms()}))
        add.add_get(
            "/api/v3/exchangeInfo",
            self._json(lambda p: dict(self.venue.exchange_info, serverTime=now_ms())),
        )
        add.add_get(
            "/api/v3/ticker/24hr", self._json(lambda p: self.venue.ticker_24h(p.get("symbol", "")))
        )
        add.add_get(
            "/api/v3/ticker/bookTicker",
            self._json(lambda p: self.venue.book_ticker(p.get("symbol", ""))),
        )
        add.add_get(
            "/api/v3/depth",
            self._json(
                lambda p: self.venue.market(p.get("symbol")).book.snapshot(
                    min(int(p.get("limit", "100")), 5000)
                )
            ),
        )
        add.add_get("/api/v3/klines", self._json(self._klines))
        add.add_get("/api/v3/account", self._signed(self._json(lambda p: self.venue.account())))
        add.add_post("/api/v3/order", self._signed(self._new_order))
        add.add_get("/api/v3/order", self._signed(self._json(self._query_order)))
        add.add_delete("/api/v3/order", self._signed(self._cancel_order))
        add.add_get(
            "/api/v3/openOrders",
            self._signed(
                self._json(
                    lambda p: [
                        public_order(o, "QUERY") for o in self.venue.open_orders(p.get("symbol"))
                    ]
                )
            ),
        )
        add.add_delete("/api/v3/openOrders", self._signed(self._cancel_open_orders))
        add.add_get("/api/v3/myTrades", self._signed(self._json(self._my_trades)))
        add.add_get("/stream/ws", self._market_stream)
        add.add_get("/stream/ws/{tail:.*}", self._market_stream)
        add.add_get("/ws-api/v3", self._ws_api)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._market_task = asyncio.ensure_future(self._market_loop())

    async def stop(self) -> None:
        if self._market_task is not None:
            self._market_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._market_task
        for ws in [*self.stream_sockets, *self.api_sockets]:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def urls(self) -> dict[str, Any]:
        """ccxt's ``urls['api']`` for this server (the broker's and feed's ``urls`` option)."""
        rest, ws = f"http://127.0.0.1:{self.port}/api/v3", f"ws://127.0.0.1:{self.port}"
        return {
            "public": rest,
            "private": rest,
            "ws": {"spot": f"{ws}/stream/ws", "ws-api": {"spot": f"{ws}/ws-api/v3"}},
        }

    # ---- test hooks -------------------------------------------------------------------------
    def inject(self, path: str, answer: Injected, times: int = 1) -> None:
        self.injected.setdefault(path, deque()).extend([answer] * times)

    async def drop_sockets(self, kind: Literal["stream", "api"], abort: bool = False) -> int:
        """Server-side disconnect: a close frame (1001 "going away"), or a TCP abort."""
        sockets = list(self.stream_sockets if kind == "stream" else self.api_sockets)
        for ws in sockets:
            if abort:
                self._transports[ws].abort()
            else:
                await ws.close(code=1001, message=b"server restart")
        return len(sockets)

    def pause_market(self, paused: bool = True) -> None:
        """Stop (or restart) every market stream event: the quotes go stale."""
        self.market_paused = paused

    async def push(self, events: list[Event]) -> None:
        """Send events: market ones to their stream subscribers, user ones to the ws-api."""
        user = [e for e in events if e["e"] in ("executionReport", "outboundAccountPosition")]
        await self._push_user(user)
        await self._push_market([e for e in events if e not in user])

    async def place_elsewhere(
        self, side: str, quantity: str, price: str, client_id: str = ""
    ) -> dict[str, Any]:
        """Another client of this account (the web site, a phone) places a GTC limit order
        on BTCUSDT."""
        params = {
            "symbol": "BTCUSDT",
            "side": side,
            "type": "LIMIT",
            "timeInForce": "GTC",
            "quantity": quantity,
            "price": price,
        }
        if client_id:
            params["newClientOrderId"] = client_id
        order, events = self.venue.place(params)
        await self.push(events)
        return order

    async def cancel_elsewhere(self, order_id: int) -> None:
        order = self.venue.orders[order_id]
        _, events = self.venue.cancel({"symbol": order["symbol"], "orderId": str(order_id)})
        await self.push(events)

    async def shift(self, symbol: str, ticks: int) -> None:
        await self.push(self.venue.shift(symbol, ticks))

    async def trade_against(self, order_id: int, qty: str) -> None:
        await self.push(self.venue.trade_against(order_id, qty))

    async def wait_subscribed(self, timeout: float = 5.0) -> None:
        """Until a user-data subscription is live (ccxt's watch returns only on an event)."""
        async with asyncio.timeout(timeout):
            while not any(s is not None for s in self.api_sockets.values()):
                await asyncio.sleep(0.005)

    # ---- plumbing -----------------------------------------------------------------------------
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        body = await request.text() if request.can_read_body else ""  # read once: keep it
        params = dict(parse_qsl(body)) | dict(request.query)
        request[BODY], request[PARAMS] = body, params
        if not request.path.startswith(("/stream", "/ws-api")):
            hidden = ("signature", "timestamp", "recvWindow")
            self.requests.append(
                (request.method, request.path, {k: v for k, v in params.items() if k not in hidden})
            )
        queue = self.injected.get(request.path)
        answer = queue.popleft() if queue else None
        if answer is not None and not answer.carry_out:
            return web.json_response(answer.body, status=answer.status, headers=answer.headers)
        try:
            response = await handler(request)
        except VenueError as error:
            response = web.json_response(error.body(), status=error.status)
        if answer is not None:
            return web.json_response(answer.body, status=answer.status, headers=answer.headers)
        return response

    def _json(self, build: Callable[[dict[str, str]], Any]) -> Handler:
        async def handler(request: web.Request) -> web.StreamResponse:
            return web.json_response(build(request[PARAMS]))

        return handler

    def _signed(self, handler: Handler) -> Handler:
        """TRADE / USER_DATA endpoints: the key header, HMAC-SHA256 of query + body, recvWindow."""

        async def check(request: web.Request) -> web.StreamResponse:
            if request.headers.get("X-MBX-APIKEY") != API_KEY:
                raise VenueError(401, -2015, "Invalid API-key, IP, or permissions for action.")
            payload, _, signature = (request.query_string + request[BODY]).rpartition("&signature=")
            expected = hmac.new(SECRET.encode(), payload.encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(signature, expected):
                raise VenueError(400, -1022, "Signature for this request is not valid.")
            params = request[PARAMS]
            if abs(now_ms() - int(params.get("timestamp", "0"))) > int(
                Decimal(params.get("recvWindow", "5000"))
            ):
                raise VenueError(
                    400, -1021, "Timestamp for this request is outside of the recvWindow."
                )
            return await handler(request)

        return check

    def _klines(self, p: dict[str, str]) -> list[list[Any]]:
        return self.venue.klines(
            p.get("symbol", ""),
            p.get("interval", ""),
            min(int(p.get("limit", "500")), 1000),
            int(p["startTime"]) if "startTime" in p else None,
            int(p["endTime"]) if "endTime" in p else None,
        )

    def _query_order(self, p: dict[str, str]) -> dict[str, Any]:
        order = self.venue.find(p)
        if order is None:
            raise VenueError(400, -2013, "Order does not exist.")
        return public_order(order, "QUERY")

    def _my_trades(self, p: dict[str, str]) -> list[dict[str, Any]]:
        self.venue.market(p.get("symbol"))
        trades = [
            t
            for t in self.venue.trades
            if t["symbol"] == p["symbol"]
            and ("orderId" not in p or t["orderId"] == int(p["orderId"]))
        ]
        return trades[-int(p.get("limit", "500")) :]

    async def _new_order(self, request: web.Request) -> web.StreamResponse:
        p = request[PARAMS]
        order, events = self.venue.place(p)
        await self.push(events)
        shape = p.get("newOrderRespType") or (
            "FULL" if order["type"] in ("MARKET", "LIMIT") else "ACK"
        )
        return web.json_response(public_order(order, shape))

    async def _cancel_order(self, request: web.Request) -> web.StreamResponse:
        p = request[PARAMS]
        order, events = self.venue.cancel(p)
        await self.push(events)
        return web.json_response(self._cancel_row(order, p))

    async def _cancel_open_orders(self, request: web.Request) -> web.StreamResponse:
        p = request[PARAMS]
        orders = self.venue.open_orders(p.get("symbol"))
        if not orders:  # what Binance answers when nothing is open
            raise VenueError(400, -2011, "Unknown order sent.")
        rows = []
        for order in orders:
            _, events = self.venue.cancel(
                {"symbol": order["symbol"], "orderId": str(order["orderId"])}
            )
            await self.push(events)
            rows.append(self._cancel_row(order, p))
        return web.json_response(rows)

    @staticmethod
    def _cancel_row(order: dict[str, Any], p: dict[str, str]) -> dict[str, Any]:
        row = public_order(order, "RESULT")
        row.pop("workingTime")
        return {
            "symbol": row.pop("symbol"),
            "origClientOrderId": order["clientOrderId"],
            "orderId": row.pop("orderId"),
            "orderListId": row.pop("orderListId"),
            "clientOrderId": p.get("newClientOrderId", f"cancel_{order['orderId']}"),
        } | row

    # ---- market streams ----------------------------------------------------------------------
    async def _market_stream(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=20.0)
        await ws.prepare(request)
        self.stream_sockets[ws] = set()
        self._transports[ws] = request.transport
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    await self._on_subscription(ws, request.path, json.loads(message.data))
        finally:
            self.stream_sockets.pop(ws, None)
            self._transports.pop(ws, None)
        return ws

    async def _on_subscription(
        self, ws: web.WebSocketResponse, path: str, req: dict[str, Any]
    ) -> None:
        self.ws_requests.append((path, req))
        method, rid, streams = req.get("method"), req.get("id"), req.get("params", [])
        if method == "SUBSCRIBE":
            bad = [s for s in streams if s.split("@")[0].upper() not in self.venue.markets]
            if bad:
                await ws.send_json(
                    {
                        "error": {"code": 2, "msg": f"Invalid request: invalid stream {bad[0]}"},
                        "id": rid,
                    }
                )
                return
            self.stream_sockets[ws].update(streams)
        elif method == "UNSUBSCRIBE":
            self.stream_sockets[ws].difference_update(streams)
        await ws.send_json({"result": None, "id": rid})  # the book syncs only after this reply

    async def _market_loop(self) -> None:
        while True:
            await asyncio.sleep(self.tick_seconds)
            if not self.market_paused:
                for symbol in self.venue.markets:
                    await self._push_market(self.venue.step(symbol))

    async def _push_market(self, events: list[Event]) -> None:
        for event in events:
            lower = event["s"].lower()
            names = (
                {f"{lower}@depth", f"{lower}@depth@100ms"}
                if event["e"] == "depthUpdate"
                else {f"{lower}@trade"}
            )
            for ws, streams in list(self.stream_sockets.items()):
                if streams & names:
                    with contextlib.suppress(ConnectionError):
                        await ws.send_json(event)

    # ---- WebSocket API (user data) ---------------------------------------------------------------
    async def _ws_api(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=20.0)
        await ws.prepare(request)
        self.api_sockets[ws] = None
        self._transports[ws] = request.transport
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    await self._on_api_request(ws, json.loads(message.data))
        finally:
            self.api_sockets.pop(ws, None)
            self._transports.pop(ws, None)
        return ws

    async def _on_api_request(self, ws: web.WebSocketResponse, req: dict[str, Any]) -> None:
        self.ws_requests.append(("/ws-api/v3", req))
        rid, method, params = req.get("id"), req.get("method"), dict(req.get("params", {}))
        if method != "userDataStream.subscribe.signature":
            await ws.send_json(
                {"id": rid, "status": 400, "error": {"code": -1100, "msg": f"Unsupported {method}"}}
            )
            return
        signature = params.pop("signature", "")
        payload = "&".join(f"{k}={params[k]}" for k in sorted(params))  # signed over sorted params
        expected = hmac.new(SECRET.encode(), payload.encode(), hashlib.sha256).hexdigest()
        if params.get("apiKey") != API_KEY or not hmac.compare_digest(signature, expected):
            await ws.send_json(
                {
                    "id": rid,
                    "status": 400,
                    "error": {"code": -1022, "msg": "Signature for this request is not valid."},
                }
            )
            return
        self.api_sockets[ws] = self._subscriptions
        self._subscriptions += 1
        await ws.send_json(
            {"id": rid, "status": 200, "result": {"subscriptionId": self.api_sockets[ws]}}
        )

    async def _push_user(self, events: list[Event]) -> None:
        if self.user_events == "lost":
            return
        if self.user_events == "twice":
            events = [e for event in events for e in (event, event)]
        elif self.user_events == "reversed":
            events = list(reversed(events))
        for ws, subscription in list(self.api_sockets.items()):
            if subscription is not None:
                for event in events:
                    with contextlib.suppress(ConnectionError):
                        await ws.send_json({"subscriptionId": subscription, "event": event})
