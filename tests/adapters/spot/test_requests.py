"""The spot server's request side as a client outside this project sees it: replies read with
plain ``msgpack`` (not the project's decoder) follow docs/serving.md, ``history`` serves every
timeframe, and requests from different clients do not wait on each other."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import msgpack
import zmq
import zmq.asyncio

from terminal.engine.bars.timeframes import MINUTE_NS
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


def test_history_serves_every_timeframe_and_refuses_an_unknown_one() -> None:
    async def scenario() -> None:
        _, engine, server = await served_engine()
        rep = server.rep_endpoint

        async def history(timeframe: str) -> dict[str, Any]:
            return await plain_request(rep, {"v": 1, "op": "history", "symbol": SYMBOL,
                                             "timeframe": timeframe})  # fmt: skip

        try:
            replies = {tf: await history(tf) for tf in ("1m", "5m", "1h")}
            bad, zero, fine = await history("7q"), await history("0m"), await history("1s")
        finally:
            await server.stop()
            await engine.stop()
        for timeframe, length in (("1m", 1), ("5m", 5), ("1h", 60)):
            bars = replies[timeframe]["bars"]
            assert replies[timeframe]["ok"] and len(bars) >= 2, timeframe
            assert {bar["timeframe"] for bar in bars} == {timeframe}
            starts = [bar["start"] for bar in bars]
            assert starts == sorted(starts)
            assert all(start % (length * MINUTE_NS) == 0 for start in starts), timeframe
        assert len(replies["5m"]["bars"]) < len(replies["1m"]["bars"])
        for reply, timeframe in ((bad, "7q"), (zero, "0m"), (fine, "1s")):
            assert reply["ok"] is False and reply["bars"] == []
            assert reply["error"].startswith(f"history: timeframe '{timeframe}'"), reply["error"]

    run(scenario(), timeout=30)


def test_a_client_is_answered_while_two_hundred_slow_requests_wait() -> None:
    """200 clients each ask for a history and do not read the reply; a client asking for the
    instruments after them is answered before their histories are built, not after."""

    async def scenario() -> None:
        _, engine, server = await served_engine()
        answered: list[str] = []  # the server's order of answers, by op
        answer = server.answer

        def recorded(frame: bytes) -> bytes:
            answered.append(msgpack.unpackb(frame)["op"])
            return answer(frame)

        server.answer = recorded  # type: ignore[method-assign]
        context = zmq.Context.instance()
        slow: list[zmq.Socket[bytes]] = []
        probe = context.socket(zmq.REQ)
        try:
            # Blocking calls from the loop's own thread: the server cannot read any request
            # until every one, the probe's last, waits at its socket.
            for _ in range(200):
                socket = context.socket(zmq.REQ)
                socket.setsockopt(zmq.LINGER, 0)
                socket.connect(server.rep_endpoint)
                slow.append(socket)
            probe.setsockopt(zmq.LINGER, 0)
            probe.connect(server.rep_endpoint)
            time.sleep(1.0)  # ZeroMQ's I/O thread completes the 201 connections meanwhile
            for n, socket in enumerate(slow):  # all different: no two share one answer
                socket.send(msgpack.packb({"v": 1, "op": "history", "symbol": SYMBOL,
                                           "timeframe": "1m", "start": n}))  # fmt: skip
            probe.send(msgpack.packb({"v": 1, "op": "instruments"}))
            time.sleep(0.3)
            started = time.monotonic()
            async with asyncio.timeout(20):
                while not probe.poll(0):
                    await asyncio.sleep(0.001)
            waited = time.monotonic() - started
            assert msgpack.unpackb(probe.recv())["ok"] is True
            async with asyncio.timeout(30):  # the slow ones are all answered in the end
                while not all(socket.poll(0) for socket in slow):
                    await asyncio.sleep(0.01)
        finally:
            for socket in [*slow, probe]:
                socket.close(0)
            await server.stop()
            await engine.stop()
        assert answered.count("history") == 200
        assert answered.index("instruments") == 0, f"answered after {answered.index('instruments')}"
        assert waited < 1.0, f"the probe waited {waited:.2f} s"

    run(scenario(), timeout=60)


def test_identical_slow_requests_from_many_clients_are_built_once() -> None:
    async def scenario() -> None:
        _, engine, server = await served_engine()
        built = 0
        session = server.state.session  # type: ignore[attr-defined]

        def counted(bars: int) -> Any:
            nonlocal built
            built += 1
            return session(bars)

        server.state.session = counted  # type: ignore[attr-defined]
        context = zmq.Context.instance()
        clients = [context.socket(zmq.REQ) for _ in range(50)]
        try:
            for socket in clients:
                socket.setsockopt(zmq.LINGER, 0)
                socket.connect(server.rep_endpoint)
                socket.send(msgpack.packb({"v": 1, "op": "session", "bars": 100}))
            time.sleep(0.2)
            async with asyncio.timeout(10):
                while not all(socket.poll(0) for socket in clients):
                    await asyncio.sleep(0.01)
            replies = [msgpack.unpackb(socket.recv()) for socket in clients]
        finally:
            for socket in clients:
                socket.close(0)
            await server.stop()
            await engine.stop()
        assert all(reply["ok"] and reply["session"]["instruments"] for reply in replies)
        assert built < 5, f"the same session was built {built} times"

    run(scenario(), timeout=30)


def test_one_client_flooding_requests_neither_stalls_others_nor_grows_without_bound() -> None:
    async def scenario() -> None:
        _, engine, server = await served_engine()
        context = zmq.Context.instance()
        flood = context.socket(zmq.DEALER)
        probe = context.socket(zmq.REQ)
        try:
            flood.setsockopt(zmq.LINGER, 0)
            flood.connect(server.rep_endpoint)
            for n in range(500):
                flood.send_multipart([b"", msgpack.packb({"v": 1, "op": "session",
                                                          "bars": n})])  # fmt: skip
            probe.setsockopt(zmq.LINGER, 0)
            probe.connect(server.rep_endpoint)
            probe.send(msgpack.packb({"v": 1, "op": "instruments"}))
            time.sleep(0.3)
            async with asyncio.timeout(5):
                while not probe.poll(0):
                    await asyncio.sleep(0.001)
            assert msgpack.unpackb(probe.recv())["ok"] is True
            replies: list[dict[str, Any]] = []
            async with asyncio.timeout(30):
                while len(replies) < 500:
                    if flood.poll(0):
                        replies.append(msgpack.unpackb(flood.recv_multipart()[-1]))
                    else:
                        await asyncio.sleep(0.005)
        finally:
            flood.close(0)
            probe.close(0)
            await server.stop()
            await engine.stop()
        refused = [reply["error"] for reply in replies if not reply["ok"]]
        assert refused, "a client may not queue 500 requests"
        assert all("requests from this client are already waiting" in e for e in refused)
        assert sum(1 for reply in replies if reply["ok"]) >= 32

    run(scenario(), timeout=60)


def test_an_oversized_request_is_dropped_and_the_server_goes_on() -> None:
    async def scenario() -> None:
        _, engine, server = await served_engine()
        context = zmq.Context.instance()
        big = context.socket(zmq.REQ)
        try:
            big.setsockopt(zmq.LINGER, 0)
            big.connect(server.rep_endpoint)
            big.send(b"\x81\xa1v" + bytes(2 << 20))  # 2 MB: over the 1 MB a request may be
            await asyncio.sleep(0.5)
            assert not big.poll(0)  # ZeroMQ closed the connection; nothing was read or held
            reply = await plain_request(server.rep_endpoint, {"v": 1, "op": "instruments"})
            assert reply["ok"] is True
        finally:
            big.close(0)
            await server.stop()
            await engine.stop()

    run(scenario())
