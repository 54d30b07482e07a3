"""`terminal serve` and `terminal --connect` as users run them: real subprocesses, real
sockets; CURVE keys from `terminal keys`."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import zmq.asyncio

from terminal.adapters.spot import schema
from terminal.adapters.spot.curve import CurveOptions, public_key
from terminal.adapters.spot.server import SpotServer
from terminal.adapters.spot.subscriber import ZmqFeed, ZmqFeedOptions, request_reply
from tests.adapters.spot.test_spot import Market
from tests.aio import run
from tests.plugins.feed_context import RecordingContext

TERMINAL = str(Path(sys.executable).parent / "terminal")
pytestmark = pytest.mark.slow


def test_two_guis_attach_to_one_served_engine(tmp_path: Path) -> None:
    serve = subprocess.Popen(
        [TERMINAL, "serve", "--pub", "tcp://127.0.0.1:*", "--rep", "tcp://127.0.0.1:*",
         "--seconds", "60"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert serve.stdout is not None
        line = serve.stdout.readline()
        match = re.match(r"serving: pub (\S+) rep (\S+)", line)
        assert match, line
        pub, rep = match.groups()
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        guis = [
            subprocess.Popen(
                [TERMINAL, "--connect", pub, "--connect-rep", rep, "screenshot",
                 "--out", str(tmp_path / f"gui{i}.png"), "--seconds", "2"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            )
            for i in range(2)
        ]
        for gui in guis:
            _, err = gui.communicate(timeout=90)
            assert gui.returncode == 0, err[-2000:]
            assert re.search(r"attached to \S+: 2\d instruments, brokers \['paper'\]", err), err
            assert f"feed engine {pub}: live" in err
        assert all((tmp_path / f"gui{i}.png").stat().st_size > 10_000 for i in range(2))
        assert serve.poll() is None  # the engine outlives its GUIs
    finally:
        serve.terminate()
        _, err = serve.communicate(timeout=30)
    assert serve.returncode == 0, err[-2000:]
    assert "engine stopped" in err


def test_connect_to_nothing_says_so() -> None:
    result = subprocess.run(
        [TERMINAL, "--connect", "tcp://127.0.0.1:9", "--exit-after", "1"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 2
    assert "engine at tcp://127.0.0.1:10: no reply" in result.stderr


def test_serving_beyond_localhost_needs_curve() -> None:
    result = subprocess.run([TERMINAL, "serve", "--pub", "tcp://0.0.0.0:5599", "--seconds", "1"],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 2
    assert "tcp://0.0.0.0:5599: binding beyond localhost needs CURVE" in result.stderr


def test_curve_admits_the_authorized_client_only(tmp_path: Path) -> None:
    done = subprocess.run([TERMINAL, "keys", str(tmp_path / "keys")], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    keys = tmp_path / "keys"
    assert oct((keys / "server.key_secret").stat().st_mode & 0o777) == "0o600"
    stranger = tmp_path / "stranger"
    subprocess.run([TERMINAL, "keys", str(stranger)], check=True, capture_output=True)

    async def scenario() -> None:
        curve = CurveOptions(keys / "server.key_secret", keys / "authorized")
        server = SpotServer(Market(), "tcp://0.0.0.0:*", "tcp://0.0.0.0:*", heartbeat_s=0.05,
                            curve=curve)  # fmt: skip
        await server.start()
        local = [e.replace("0.0.0.0", "127.0.0.1") for e in (server.pub_endpoint,
                                                               server.rep_endpoint)]  # fmt: skip
        server_key = public_key(keys / "server.key")
        context = zmq.asyncio.Context.instance()
        try:
            for key_dir, admitted in ((keys, True), (stranger, False), (None, False)):
                options = ZmqFeedOptions(
                    pub=local[0], rep=local[1], request_timeout_s=1.0,
                    server_key=server_key if key_dir else "",
                    client_key_file=str(key_dir / "client.key_secret") if key_dir else "",
                )  # fmt: skip
                try:
                    reply = await request_reply(context, options, schema.InstrumentsRequest())
                except TimeoutError:
                    assert not admitted, f"the authorized client ({key_dir}) was refused"
                else:
                    assert admitted, f"a client with key {key_dir} was admitted"
                    assert [i.symbol for i in reply.instruments] == ["600000.SSE"]
            # The same holds for the PUB socket: only the authorized client gets ticks.
            feeds = {}
            for key_dir in (keys, stranger):
                options = ZmqFeedOptions(pub=local[0], rep="", server_key=server_key,
                                         client_key_file=str(key_dir / "client.key_secret"))
                feeds[key_dir] = ZmqFeed("curve", RecordingContext(), options)
                await feeds[key_dir].start()
            await asyncio.sleep(0.5)  # heartbeats every 0.05 s
            assert feeds[keys].counts["messages"] > 0 and feeds[stranger].counts["messages"] == 0
            for feed in feeds.values():
                await feed.stop()
        finally:
            await server.stop()

    run(scenario(), timeout=30)
