"""A headless engine served over ZeroMQ, and remote engines (what a remote GUI sits on)
attached to it: real sockets, a real Engine with the simulated feed and the paper broker."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import zmq
import zmq.asyncio

from terminal.adapters.spot import schema
from terminal.adapters.spot.remote import RemoteEngine
from terminal.adapters.spot.server import EngineMarket, SpotServer
from terminal.adapters.spot.subscriber import ZmqFeedOptions
from terminal.domain.enums import ConnectionStatus, OrderStatus, OrderType, PluginKind, Side
from terminal.domain.events import (
    AddStrategy,
    CancelOrder,
    CommandRejected,
    KillSwitch,
    RemoveStrategy,
    StartStrategy,
    SubmitOrder,
)
from terminal.domain.orders import OrderRequest
from terminal.engine.config import Config, load_config
from terminal.engine.engine import Engine
from tests.aio import run

ANY_PORT = "tcp://127.0.0.1:*"
SYMBOL = "BTCUSDT.BINANCE"


async def until(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


async def raw_request(endpoint: str, frame: bytes) -> schema.Reply:
    socket = zmq.asyncio.Context.instance().socket(zmq.REQ)
    socket.setsockopt(zmq.LINGER, 0)
    socket.connect(endpoint)
    try:
        await socket.send(frame)
        assert await socket.poll(3000), "no reply"
        return schema.decode_reply(await socket.recv())
    finally:
        socket.close()


async def served_engine() -> tuple[Config, Engine, SpotServer]:
    """A started engine on the default config, served on free local ports."""
    config = load_config()
    engine = Engine(config)
    await engine.start()
    server = SpotServer(EngineMarket(engine), ANY_PORT, ANY_PORT, heartbeat_s=0.1)
    await server.start()
    return config, engine, server


def test_two_remote_engines_see_one_engine_and_command_it() -> None:
    async def scenario() -> None:
        config, engine, server = await served_engine()
        options = ZmqFeedOptions(pub=server.pub_endpoint, rep=server.rep_endpoint)
        first, second = RemoteEngine(config, options), RemoteEngine(config, options)
        try:
            await first.start()
            await second.start()
            assert set(first.instruments) == set(engine.instruments)
            assert first.is_simulated("paper") and list(second.brokers) == list(engine.brokers)
            assert "sma_cross" in first.registry.names(PluginKind.STRATEGY)
            await until(lambda: SYMBOL in first.latest and SYMBOL in second.latest)
            await until(lambda: first.bars.forming(SYMBOL) is not None)

            # A market order from the first GUI fills; both see the order and the position.
            buy = OrderRequest("paper", SYMBOL, Side.BUY, 0.01, order_type=OrderType.MARKET)
            first.bus.publish(SubmitOrder("R-1", buy))
            for remote in (first, second):
                await until(lambda r=remote: (o := r.order_book.get("R-1")) is not None
                            and o.status is OrderStatus.FILLED)  # fmt: skip
                await until(lambda r=remote: any(p.symbol == SYMBOL and p.quantity == 0.01
                                                 for p in r.portfolio.positions()))  # fmt: skip
            assert engine.order_book.get("R-1").status is OrderStatus.FILLED  # type: ignore[union-attr]

            # A resting limit order from the second GUI, cancelled from the first.
            price = round(first.latest[SYMBOL].last * 0.5, 2)
            limit = OrderRequest("paper", SYMBOL, Side.BUY, 0.01, OrderType.LIMIT, price)
            second.bus.publish(SubmitOrder("R-2", limit))
            await until(lambda: (o := first.order_book.get("R-2")) is not None
                        and o.status.is_working)  # fmt: skip
            first.bus.publish(CancelOrder("R-2"))
            await until(lambda: (o := second.order_book.get("R-2")) is not None
                        and o.status is OrderStatus.CANCELLED)  # fmt: skip

            # Strategies: add and start from one GUI, the kill switch from the other stops it.
            first.bus.publish(AddStrategy("s1", "sma_cross", SYMBOL, "paper", {"fast": 2}))
            first.bus.publish(StartStrategy("s1"))
            await until(lambda: any(s.instance == "s1" and s.state == "running"
                                    for s in second.strategies.instances()))  # fmt: skip
            # A two-symbol instance: its symbol list goes over the wire, its legs come back.
            pair = [SYMBOL, "ETHUSDT.BINANCE"]
            first.bus.publish(AddStrategy("p1", "pairs", "", "paper", symbols=pair))
            await until(lambda: any(s.instance == "p1" for s in second.strategies.instances()))
            (p1,) = [s for s in second.strategies.instances() if s.instance == "p1"]
            assert p1.symbols == pair and [leg.symbol for leg in p1.legs] == pair
            assert engine.strategies.get("p1").symbols == tuple(pair)
            first.bus.publish(RemoveStrategy("p1"))
            await until(lambda: "p1" not in {i.name for i in engine.strategies.instances()})
            for remote in (first, second):  # every attached GUI drops it too
                await until(lambda r=remote: "p1" not in {s.instance
                                                          for s in r.strategies.instances()})
            second.bus.publish(KillSwitch("test"))
            await until(lambda: [s.state for s in first.strategies.instances()
                                 if s.instance == "s1"] == ["stopped"])  # fmt: skip

            # A refusal comes back where the command was sent from.
            rejected: list[CommandRejected] = []
            second.bus.subscribe(CommandRejected, rejected.append)
            second.bus.publish(StartStrategy("no-such-instance"))
            await until(lambda: rejected)
            assert rejected[0].command == "StartStrategy"
            assert "no-such-instance" in rejected[0].reason

            # Malformed requests are answered with an error; the server goes on serving.
            bad = await raw_request(server.rep_endpoint, b"\xc1 not msgpack")
            unknown = await raw_request(server.rep_endpoint, schema.encode(
                {"v": 1, "op": "command", "kind": "FormatDisk", "command": {}}))  # fmt: skip
            assert not bad.ok and not unknown.ok and "FormatDisk" in unknown.error
            assert server.bad_requests == 2
            first.bus.publish(CancelOrder("R-1"))  # filled: ignored by the engine, no crash
            session = await raw_request(server.rep_endpoint, schema.encode(schema.SessionRequest()))
            assert session.ok and session.session is not None
            assert {o.order_id for o in session.session.orders} >= {"R-1", "R-2"}
        finally:
            await first.stop()
            await second.stop()
            await server.stop()
            await engine.stop()

    run(scenario(), timeout=40)


def test_commands_to_an_unreachable_engine_come_back_rejected() -> None:
    async def scenario() -> None:
        config = load_config()
        options = ZmqFeedOptions(pub="tcp://127.0.0.1:1", rep="tcp://127.0.0.1:2",
                                 request_timeout_s=0.3)  # fmt: skip
        remote = RemoteEngine(config, options)
        try:
            await remote.start()
        except ConnectionError as exc:
            assert "tcp://127.0.0.1:2" in str(exc)
        else:
            raise AssertionError("start() attached to nothing")
        rejected: list[CommandRejected] = []
        remote.bus.subscribe(CommandRejected, rejected.append)
        remote.bus.publish(CancelOrder("X"))
        await until(lambda: rejected)
        assert rejected[0].command == "CancelOrder" and "not delivered" in rejected[0].reason
        await remote.stop()

    run(scenario())


def test_a_restarted_server_is_followed_and_what_happened_meanwhile_resynced() -> None:
    async def scenario() -> None:
        config, engine, server = await served_engine()
        pub, rep = server.pub_endpoint, server.rep_endpoint
        remote = RemoteEngine(config, ZmqFeedOptions(pub=pub, rep=rep, stale_after_s=0.5))
        try:
            await remote.start()
            await until(lambda: SYMBOL in remote.latest)
            await server.stop()
            # While no server runs, the engine takes an order the GUI cannot hear about.
            price = round(engine.latest[SYMBOL].last * 0.5, 2)
            engine.submit(OrderRequest("paper", SYMBOL, Side.BUY, 0.01, OrderType.LIMIT, price),
                          "MISSED")  # fmt: skip
            await until(lambda: remote.feed_status[remote.name].status is ConnectionStatus.STALE)
            server = SpotServer(EngineMarket(engine), pub, rep, heartbeat_s=0.1)
            await server.start()
            await until(lambda: remote.order_book.get("MISSED") is not None, timeout=10)
            assert remote.feed_status[remote.name].status is ConnectionStatus.LIVE
            remote.bus.publish(CancelOrder("MISSED"))  # and commands reach the new server
            await until(lambda: (o := remote.order_book.get("MISSED")) is not None
                        and o.status is OrderStatus.CANCELLED)  # fmt: skip
        finally:
            await remote.stop()
            await server.stop()
            await engine.stop()

    run(scenario(), timeout=40)
