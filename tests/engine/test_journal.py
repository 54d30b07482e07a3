"""The run journal: its file format, and replay equality on a run with the simulated feed."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import msgspec
import pytest

from terminal.cli import main
from terminal.domain.enums import AssetClass, PluginKind, Side
from terminal.domain.events import AddStrategy, StartStrategy, StopStrategy
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar, Tick
from terminal.domain.orders import Fill, OrderRequest
from terminal.engine import journal as j
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.engine.paths import user_data_dir
from terminal.engine.plugins.registry import PluginRegistry
from terminal.engine.replay.host import replay
from terminal.engine.strategy import Strategy
from tests.aio import run
from tests.engine.helpers import quote


def test_records_round_trip_and_a_torn_tail_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "run.tjnl"
    writer = j.JournalWriter(path)
    records: list[j.Record] = [
        j.TickRec(5, quote(10.0, 9.99, 10.01)),
        j.BarRec(6, Bar("TEST.X", "1m", 0, 1.0, 2.0, 0.5, 1.5, 10.0)),
        j.StopRec(7, "a", True),
        j.CommandRec(8, "KillSwitch", {"reason": "test"}),
    ]
    for record in records:
        writer.write(record)
    writer.close()
    assert path.read_bytes()[:6] == b"TJNL\x03\x00"
    assert j.read_journal(path) == records
    # A crash in the middle of a record (tests/engine/test_journal_damage.py has the rest).
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"\xa3end") - 9] + b"\x40\x00\x00\x00\x93")
    problems: list[str] = []
    assert j.read_journal(path, problems) == records
    assert len(problems) == 1 and "is truncated" in problems[0]


def test_a_file_that_is_not_a_journal_is_named(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_bytes(b"hello world")
    with pytest.raises(j.JournalError, match=r"notes.txt is not a journal \(starts with b'hell'"):
        j.read_journal(other)
    newer = tmp_path / "newer.tjnl"
    newer.write_bytes(b"TJNL\x09\x00")
    with pytest.raises(j.JournalError, match="format version 9; this reads 1, 2 and 3"):
        j.read_journal(newer)


class Churn(Strategy):
    """Trades on ticks with what it reads (position, working orders, its fills), so a replay
    that delivered anything in another order or with other values would diverge."""

    plugin_name = "churn"
    warmup_bars = 0
    step = 7

    def on_start(self) -> None:
        self.n = 0

    def on_tick(self, tick: Tick) -> None:
        self.n += 1
        if self.n % self.step:
            return
        if self.working_orders:
            self.cancel_all()
        elif self.position <= 0:
            self.buy(1, price=tick.bid, reason=f"tick {self.n} at {tick.last:g}")
        else:
            self.sell(self.position, reason=f"tick {self.n} position {self.position:g}")

    def on_fill(self, fill: Fill) -> None:
        if self.position > 2:
            self.set_target_position(0, reason=f"too long after {fill.fill_id}")


class ChurnChanged(Churn):
    step = 5


PAIR = ["BTCUSDT.BINANCE", "ETHUSDT.BINANCE"]
# Thresholds close together so that the spread crosses them many times in a short run.
PAIRS_PARAMS = {"window": 30, "entry_z": 1.8, "exit_z": 1.5, "quantity": 0.1}


def live_run() -> tuple[Path, Engine]:
    config = load_config(
        overrides={
            "feeds": [
                {"name": "sim", "plugin": "simulated", "options": {"rate": 3000.0, "seed": 11}}
            ],
            "brokers": [{"name": "paper", "plugin": "paper"}],
            # The churning strategy outruns the shipped order-rate limit and breaker by design.
            "risk": {"max_orders_per_second": 0},
            "breakers": {"orders_per_second": {"limit": 0}},
        }
    )
    registry = PluginRegistry()
    registry.discover(entry_points=False)
    registry.replace(PluginKind.STRATEGY, "churn", Churn)

    async def scenario() -> Engine:
        import asyncio

        engine = Engine(config, registry)
        await engine.start()
        send = engine.bus.publish
        send(AddStrategy("churn-1", "churn", "BTCUSDT.BINANCE", "paper"))
        send(AddStrategy("twap-1", "twap", "ETHUSDT.BINANCE", "paper",
                         {"quantity": 5, "slices": 40, "interval_s": 0.04, "limit": True}))
        send(AddStrategy("dual-1", "dual_ma", "SOLUSDT.BINANCE", "paper", {"fast": 3, "slow": 5}))
        send(AddStrategy("pairs-1", "pairs", "", "paper", PAIRS_PARAMS, symbols=PAIR))
        for name in ("churn-1", "twap-1", "dual-1", "pairs-1"):
            send(StartStrategy(name))
        await asyncio.sleep(1.2)
        for name in ("churn-1", "pairs-1"):
            send(StopStrategy(name))  # cancels its working orders, recorded as such
            send(StartStrategy(name))  # warms up again: the seam, per symbol, in the replay too
        await asyncio.sleep(1.2)
        await engine.stop()
        return engine

    engine = run(scenario(), timeout=30)
    (path,) = (user_data_dir() / "journal").glob("*.tjnl")
    return path, engine


def test_replay_places_the_orders_placed_live_order_by_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, engine = live_run()
    records = j.read_journal(path)
    kinds = {type(r).__name__ for r in records}
    assert {"SetupRec", "TickRec", "OrderRec", "FillRec", "AddRec", "StartRec", "StopRec",
            "SubmitRec", "CancelRec"} <= kinds
    live = [o for o in engine.order_book.all() if o.origin.startswith("strategy:")]
    assert len(live) > 30
    assert {o.origin for o in live} == {"strategy:churn-1", "strategy:twap-1", "strategy:pairs-1"}
    dual = next(r for r in records if isinstance(r, j.StartRec) and r.instance == "dual-1")
    assert len(dual.history) == 100  # warm-up bars went in the journal with the start
    pairs = [o for o in live if o.origin == "strategy:pairs-1"]
    assert {o.symbol for o in pairs} == set(PAIR), "the pairs strategy traded one leg only"
    added = next(r for r in records if isinstance(r, j.AddRec) and r.instance == "pairs-1")
    assert added.symbols == PAIR and added.symbol == PAIR[0]
    starts = [r for r in records if isinstance(r, j.StartRec) and r.instance == "pairs-1"]
    assert len(starts) == 2 and {b.symbol for b in starts[0].history} == set(PAIR)

    result = replay(records, engine.registry)
    assert result.problems == []
    assert result.first_difference() is None
    shown = [
        (p.order_id, p.request.origin, p.request.side, p.request.quantity,
         p.request.order_type, p.request.price, p.request.note)
        for p in result.placed
    ]
    assert shown == [
        (o.order_id, o.origin, o.side, o.quantity, o.order_type, o.price, o.note) for o in live
    ]

    changed = PluginRegistry()
    changed.replace(PluginKind.STRATEGY, "churn", ChurnChanged)
    for name in ("twap", "pairs"):
        changed.replace(PluginKind.STRATEGY, name, engine.registry.get(PluginKind.STRATEGY, name))
    assert replay(records, changed).first_difference() is not None

    assert main(["replay", str(path), "--strategy", "twap-1"]) == 0
    out = capsys.readouterr().out.splitlines()
    twap_live = [o for o in live if o.origin == "strategy:twap-1"]
    assert out[-1].endswith(
        f"(instance twap-1): {len(twap_live)} orders, identical to the {len(twap_live)} placed live"
    )
    assert out[0].split()[:3] == ["1", "twap-1", twap_live[0].order_id]
    assert main(["replay", str(path), "--strategy", "pairs-1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].endswith(f"{len(pairs)} orders, identical to the {len(pairs)} placed live")
    assert {line.split()[5] for line in out[:-1]} == set(PAIR)  # the symbol of each order
    assert main(["replay", str(path)]) == 1  # "churn" is a test class: not installed


class AddRecVersion1(msgspec.Struct, frozen=True, array_like=True, tag_field="k", tag="add"):
    """An ``add`` record as format version 1 wrote it: one symbol, no symbol list."""

    ts: int
    instance: str
    strategy: str
    symbol: str
    broker: str
    params: dict[str, Any]
    warmup: int
    position: float


class BuyOnFirstTick(Strategy):
    plugin_name = "buy_first"
    warmup_bars = 0

    def on_tick(self, tick: Tick) -> None:
        if not self.working_orders and self.position == 0:
            self.buy(1, reason=f"first tick {tick.last:g}")


def test_a_version_1_journal_still_reads_and_replays() -> None:
    path = user_data_dir() / "old.tjnl"
    path.parent.mkdir(parents=True)
    stock = Instrument("TEST.X", "Test", "X", AssetClass.STOCK, tick_size=0.01)
    request = OrderRequest(
        "paper", "TEST.X", Side.BUY, 1, origin="strategy:old", note="first tick 10"
    )
    records = [
        j.SetupRec(1, [stock], ["paper"]),
        AddRecVersion1(2, "old", "buy_first", "TEST.X", "paper", {}, 0, 0.0),
        j.StartRec(3, "old", []),
        j.TickRec(4, quote(10.0, 9.99, 10.01)),
        j.SubmitRec(4, "old", "o-1", request),
    ]
    encoder = msgspec.msgpack.Encoder()
    with path.open("wb") as handle:
        handle.write(b"TJNL\x01\x00")
        for record in records:
            data = encoder.encode(record)
            handle.write(struct.pack("<I", len(data)) + data)
    read = j.read_journal(path)
    added = read[1]
    assert isinstance(added, j.AddRec) and added.symbols == [] and added.positions == {}
    assert added.all_symbols() == ["TEST.X"] and added.all_positions() == {"TEST.X": 0.0}
    registry = PluginRegistry()
    registry.replace(PluginKind.STRATEGY, "buy_first", BuyOnFirstTick)
    result = replay(read, registry)
    assert result.problems == [] and result.first_difference() is None
    assert [p.request for p in result.placed] == [request]


def test_replay_of_a_missing_file_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "/nonexistent/run.tjnl"]) == 2
    assert "No such file" in capsys.readouterr().err
