"""Nothing about an order leaves the process before its record is committed: the spot
server's ``ok`` to a command, and the order events its subscribers get.

One test kills a real ``terminal serve`` with SIGKILL at random moments while a client sends
orders over real ZeroMQ, restarts it, and asks it for every order answered ``ok``. One holds the
server in process and looks at the store at the moment each reply and event is sent.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import zmq

from terminal.adapters.spot import schema
from terminal.adapters.spot.server import EngineMarket, SpotServer
from terminal.domain.enums import Side
from terminal.domain.events import OrderEvent, SubmitOrder
from terminal.domain.orders import OrderRequest
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from tests.aio import run

TERMINAL = str(Path(sys.executable).parent / "terminal")
SYMBOL = "BTCUSDT.BINANCE"
CONFIG = """
[[feeds]]
name = "sim"
plugin = "simulated"
[feeds.options]
rate = 4000.0
interval_ms = 5
seed = 7
[risk]
max_orders_per_second = 0.0  # orders as fast as the client sends them: all reach the broker
"""


def _serve(data: Path, config: Path) -> tuple[subprocess.Popen[str], str, str]:
    env = {**os.environ, "TERMINAL_DATA_DIR": str(data), "TERMINAL_CONFIG_DIR": str(data)}
    child = subprocess.Popen(
        [TERMINAL, "serve", "--config", str(config), "--pub", "tcp://127.0.0.1:*",
         "--rep", "tcp://127.0.0.1:*"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    assert child.stdout is not None
    line = child.stdout.readline()
    match = re.match(r"serving: pub (\S+) rep (\S+)", line)
    assert match, f"serve did not start: {line!r}"
    return child, match.group(1), match.group(2)


def _request(socket: zmq.Socket[bytes], request: Any) -> schema.Reply:
    socket.send(schema.encode(request))
    assert socket.poll(10_000), "no reply from the server"
    return schema.decode_reply(socket.recv())


@pytest.mark.slow
def test_every_order_answered_ok_survives_kill_minus_nine(tmp_path: Path) -> None:
    """Six runs on one data folder: orders over REQ/REP as fast as the server answers, SIGKILL
    from another thread at a random moment (mid-request, mid-commit, anywhere), then the next
    start — which must find the store sound — shows every order that was answered ok."""
    data = tmp_path / "data"
    config = tmp_path / "serve.toml"
    config.write_text(CONFIG)
    chance = random.Random(19)
    answered: list[str] = []
    context = zmq.Context.instance()
    for run_number in range(7):
        child, _, rep = _serve(data, config)
        socket = context.socket(zmq.REQ)
        socket.setsockopt(zmq.LINGER, 0)
        socket.connect(rep)
        try:
            recorded = _orders_of(socket)
            missing = [i for i in answered if i not in recorded]
            assert not missing, f"run {run_number}: {len(missing)} orders answered ok were " \
                f"lost: {missing[:10]}"
            if run_number == 6:
                break
            while not _request(socket, schema.SnapshotRequest(symbols=[SYMBOL])).ticks:
                time.sleep(0.05)
            killer = threading.Timer(chance.uniform(0.05, 0.8), os.kill,
                                     (child.pid, signal.SIGKILL))  # fmt: skip
            killer.start()
            for n in itertools.count():
                order_id = f"K{run_number}-{n}"
                side = Side.BUY if n % 2 else Side.SELL
                command = SubmitOrder(order_id, OrderRequest("paper", SYMBOL, side, 0.001))
                socket.send(schema.encode(schema.command_request(command)))
                if not socket.poll(2000):
                    break  # killed: this one was never answered
                assert schema.decode_reply(socket.recv()).ok
                answered.append(order_id)
            killer.join()
        finally:
            socket.close()
            child.kill()
            child.wait(10)
            assert child.stdout is not None
            child.stdout.close()
    assert len(answered) > 100


def _orders_of(socket: zmq.Socket[bytes]) -> set[str]:
    session = _request(socket, schema.SessionRequest(bars=0)).session
    assert session is not None
    return {order.order_id for order in session.orders}


class RecordingSocket:
    """The socket the server's request router replies on, noting whether the store had
    uncommitted writes at each reply."""

    def __init__(self, socket: Any, pending: Any, seen: list[bool]) -> None:
        self._socket, self._pending, self._seen = socket, pending, seen

    def send_multipart(self, frames: list[bytes], flags: int = 0) -> None:
        self._seen.append(self._pending())
        self._socket.send_multipart(frames, flags)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._socket, name)


def test_the_reply_and_every_order_event_come_after_the_commit(tmp_path: Path) -> None:
    config = load_config(
        overrides={"feeds": [{"name": "sim", "plugin": "simulated", "options": {"seed": 1}}]}
    )
    engine = Engine(config)
    path = tmp_path / "data" / "trading.sqlite"

    def committed(order_id: str) -> bool:
        with sqlite3.connect(path) as other:
            row = other.execute("SELECT 1 FROM orders WHERE order_id = ?", (order_id,))
            return row.fetchone() is not None

    seen_by_subscriber: list[tuple[str, bool]] = []
    engine.bus.subscribe(
        OrderEvent,
        lambda e: seen_by_subscriber.append((e.order.order_id, committed(e.order.order_id))),
    )
    replies_pending: list[bool] = []

    async def scenario() -> None:
        await engine.start()
        server = SpotServer(EngineMarket(engine), "tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
        await server.start()
        assert engine.store is not None
        store = engine.store
        router = server.requests
        router._plain = RecordingSocket(  # type: ignore[assignment]
            router._plain, lambda: store._db.in_transaction, replies_pending
        )
        context = zmq.asyncio.Context.instance()
        client = context.socket(zmq.REQ)
        client.connect(server.rep_endpoint)
        try:
            for n in range(5):
                command = SubmitOrder(f"C{n}", OrderRequest("paper", SYMBOL, Side.BUY, 0.001))
                await client.send(schema.encode(schema.command_request(command)))
                reply = schema.decode_reply(await client.recv())
                assert reply.ok
        finally:
            client.close()
            await server.stop()
            await engine.stop()

    run(scenario())
    assert replies_pending == [False] * 5, "a reply left before its order was committed"
    assert seen_by_subscriber and all(ok for _, ok in seen_by_subscriber), seen_by_subscriber
