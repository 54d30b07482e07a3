"""The spot server's request side as a client outside this project sees it: replies read with
plain ``msgpack`` (not the project's decoder) follow docs/serving.md, ``history`` serves every
timeframe, and requests from different clients do not wait on each other."""

from __future__ import annotations

from typing import Any

import msgpack
import zmq
import zmq.asyncio

from tests.adapters.spot.test_remote import SYMBOL, served_engine
from tests.aio import run

REPLY_KEYS = {"v", "ok", "error", "instruments", "ticks", "bars", "session"}


async def plain_request(endpoint: str, request: dict[str, Any]) -> dict[str, Any]:
    """One request as a plain msgpack client writes it; the reply as plain msgpack reads it."""
    socket = zmq.asyncio.Context.instance().socket(zmq.REQ)
    socket.setsockopt(zmq.LINGER, 0)
    socket.connect(endpoint)
    try:
        await socket.send(msgpack.packb(request))
        assert await socket.poll(5000), f"no reply to {request}"
        reply: dict[str, Any] = msgpack.unpackb(await socket.recv())
        return reply
    finally:
        socket.close()


def test_every_reply_carries_the_documented_keys_for_a_plain_msgpack_client() -> None:
    async def scenario() -> None:
        _, engine, server = await served_engine()
        rep = server.rep_endpoint
        try:
            replies = {
                "instruments": await plain_request(rep, {"v": 1, "op": "instruments"}),
                "snapshot": await plain_request(rep, {"v": 1, "op": "snapshot",
                                                      "symbols": ["NOT.THERE"]}),
                "history": await plain_request(rep, {"v": 1, "op": "history", "symbol": SYMBOL,
                                                     "timeframe": "1m", "start": 0, "end": 1}),
                "session": await plain_request(rep, {"v": 1, "op": "session", "bars": 0}),
                "command": await plain_request(rep, {"v": 1, "op": "command",
                                                     "kind": "KillSwitch",
                                                     "command": {"reason": "plain client"}}),
                "error": await plain_request(rep, {"v": 1, "op": "format-disk"}),
            }  # fmt: skip
        finally:
            await server.stop()
            await engine.stop()
        for what, reply in replies.items():
            assert set(reply) == REPLY_KEYS, what
            assert reply["v"] == 1, what
            assert reply["ok"] is (what != "error"), what
        assert SYMBOL in {i["symbol"] for i in replies["instruments"]["instruments"]}
        assert replies["snapshot"]["ticks"] == [] and replies["history"]["bars"] == []
        assert replies["session"]["session"]["bars"] == []
        assert replies["command"]["error"] == "" and replies["command"]["session"] is None
        assert "format-disk" in replies["error"]["error"]

    run(scenario(), timeout=30)
