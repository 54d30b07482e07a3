"""The local venue answers in Binance's shapes: every answer and event it makes has exactly the
fields of the documented example in tests/data/binance (each file names its source)."""

from __future__ import annotations

import hmac
import json
from typing import Any

import aiohttp

from tests.adapters.ccxt.binance_market import DATA, now_ms
from tests.adapters.ccxt.binance_server import API_KEY, SECRET, FakeBinance
from tests.adapters.ccxt.binance_venue import Venue, public_order
from tests.adapters.ccxt.harness import local_binance
from tests.aio import run

CONDITIONAL = frozenset({"v"})
"""executionReport's "v" (prevented match id) is sent only for an order expired by
self-trade prevention (user-data-stream.md): the venue never does that."""


def documented(name: str) -> dict[str, Any]:
    sample = json.loads((DATA / f"{name}.json").read_text())
    sample = sample[0] if isinstance(sample, list) else sample
    return dict(sample.get("event", sample))


def assert_shape(made: dict[str, Any], name: str, leave_out: frozenset[str] = frozenset()) -> None:
    assert set(made) == set(documented(name)) - leave_out, name
    assert (DATA / f"{name}.source.txt").exists()


def placed(venue: Venue, **params: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return venue.place({"symbol": "BTCUSDT", "newClientOrderId": "t-1"} | params)


def test_rest_answers_have_the_documented_fields() -> None:
    venue = Venue()
    assert_shape(venue.account(), "docs_account")
    assert set(venue.account()["balances"][0]) == set(documented("docs_account")["balances"][0])
    assert_shape(venue.markets["BTCUSDT"].book.snapshot(5), "docs_depth")
    order, _ = placed(venue, side="SELL", type="MARKET", quantity="0.01000000")
    full = public_order(order, "FULL")
    assert_shape(full, "docs_order_full")
    assert set(full["fills"][0]) == set(documented("docs_order_full")["fills"][0])
    assert_shape(venue.trades[-1], "docs_my_trades")
    resting, _ = placed(
        venue, side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.00100000", price="50000.00"
    )
    assert_shape(public_order(resting, "QUERY"), "docs_query_order")
    assert_shape(public_order(venue.open_orders("BTCUSDT")[0], "QUERY"), "docs_open_orders")
    cancelled, _ = venue.cancel({"symbol": "BTCUSDT", "orderId": str(resting["orderId"])})
    row = FakeBinance._cancel_row(cancelled, {})
    assert_shape(row, "docs_cancel_order")
    assert_shape(row, "docs_cancel_all_open_orders")
    [candle] = venue.klines("BTCUSDT", "1d", 1, None, None)
    assert len(candle) == len(json.loads((DATA / "docs_klines.json").read_text())[0]) == 12


def test_stream_events_have_the_documented_fields() -> None:
    venue = Venue()
    depth, trade = venue.step("BTCUSDT")
    assert_shape(depth, "docs_ws_depth_update_event")
    assert_shape(trade, "docs_ws_trade_event")
    _, events = placed(venue, side="BUY", type="MARKET", quantity="0.00100000")
    reports = [e for e in events if e["e"] == "executionReport"]
    assert [r["x"] for r in reports] == ["NEW", "TRADE"]
    for report in reports:
        assert_shape(report, "docs_user_execution_report", CONDITIONAL)
    position = next(e for e in events if e["e"] == "outboundAccountPosition")
    assert_shape(position, "docs_user_account_position")
    assert set(position["B"][0]) == set(documented("docs_user_account_position")["B"][0])


def test_the_subscription_replies_have_the_documented_fields() -> None:
    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        async with local_binance() as server, aiohttp.ClientSession() as session:
            async with session.ws_connect(f"ws://127.0.0.1:{server.port}/stream/ws/0") as ws:
                await ws.send_json(documented("docs_ws_subscribe_request"))
                market = await ws.receive_json()
            params: dict[str, Any] = {"apiKey": API_KEY, "timestamp": now_ms()}
            query = "&".join(f"{k}={params[k]}" for k in sorted(params))
            params["signature"] = hmac.new(SECRET.encode(), query.encode(), "sha256").hexdigest()
            request = {"id": "1", "method": "userDataStream.subscribe.signature", "params": params}
            async with session.ws_connect(f"ws://127.0.0.1:{server.port}/ws-api/v3") as ws:
                await ws.send_json(request)
                user = await ws.receive_json()
        return market, user

    market, user = run(scenario())
    assert_shape(market, "docs_ws_subscribe_reply")
    assert_shape(user, "docs_wsapi_subscribe_signature_reply")
    assert user["status"] == 200 and set(user["result"]) == {"subscriptionId"}
