"""A fixed, scripted strategy session (clock, prices, order ids all set by hand) and the bytes
it leaves behind: its journal, its state events as the spot wire and JSON encode them, and
the rows of its strategy store.

``tests/data/strategy/`` keeps those bytes as the code of commit a5dfd41 wrote them (strategy
states still plain strings), except ``session.tjnl``, written again for journal format 3
(checked frames, an end record); ``session-v2.tjnl`` is the format-2 journal of a5dfd41,
which must still read and replay. ``test_formats.py`` checks that the runner still writes
exactly them. Run ``python -m tests.engine.strategy.recorded_session`` to write them again,
only for a deliberate format change (and say so in the commit).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from terminal.adapters.spot import schema
from terminal.domain.enums import AssetClass, OrderStatus, PluginKind, Side, TimeInForce
from terminal.domain.events import BarEvent, FillEvent, OrderEvent, StrategyStateEvent
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar, Tick
from terminal.domain.orders import Fill, Order, OrderRequest
from terminal.engine.bus import EventBus
from terminal.engine.clock import ManualClock
from terminal.engine.journal import JournalWriter
from terminal.engine.strategy import Strategy
from terminal.engine.strategy.runner import StrategyRunner

DATA = Path(__file__).resolve().parents[2] / "data" / "strategy"
STOCK, FUTURE = "AAA.X", "FUT.X"
MINUTE = 60_000_000_000
T0 = 1_700_000_000_000_000_000


class Params(msgspec.Struct, frozen=True):
    step: float = 1.0


class Follower(Strategy):
    """Buys when a bar closes higher, sells when lower; shows two variables."""

    plugin_name = "follower"
    Params = Params
    warmup_bars = 3
    variables = ("moves", "last_close")

    def on_start(self) -> None:
        self.moves = 0
        self.last_close = 0.0

    def on_bar(self, bar: Bar) -> None:
        if self.last_close and bar.close != self.last_close:
            self.moves += 1
            side = Side.BUY if bar.close > self.last_close else Side.SELL
            quantity = self.params.step
            (self.buy if side is Side.BUY else self.sell)(quantity, reason=f"bar {self.moves}")
        self.last_close = bar.close

    def on_tick(self, tick: Tick) -> None:
        if tick.last > 12 and not self.working_orders:
            self.buy(1, tick.last - 0.5, reason="dip")


class Pair(Strategy):
    """Two symbols: holds one future against every stock it holds."""

    plugin_name = "pair"
    max_symbols = 2
    warmup_bars = 0

    def on_fill(self, fill: Fill) -> None:
        if fill.symbol == self.symbol:
            self.set_target_position(-self.position, symbol=self.symbols[1])

    def on_tick(self, tick: Tick) -> None:
        if tick.symbol == self.symbol and self.position == 0 and not self.working_orders:
            self.buy(2, reason="enter")


class Fragile(Strategy):
    """Raises on a price above 12: the instance stops in error."""

    plugin_name = "fragile"
    warmup_bars = 0

    def on_tick(self, tick: Tick) -> None:
        if tick.last > 12:
            raise RuntimeError(f"price {tick.last:g} out of range")


class Registry:
    def __init__(self, *classes: type[Strategy]) -> None:
        self._classes = {cls.plugin_name: cls for cls in classes}

    def get(self, kind: PluginKind, name: str) -> type[Any] | None:
        return self._classes.get(name) if kind is PluginKind.STRATEGY else None


REGISTRY = Registry(Follower, Pair, Fragile)


def history_bars(symbol: str, timeframe: str = "1m") -> list[Bar]:
    closes = (10.0, 10.5, 10.2, 10.8, 11.0)
    return [
        Bar(symbol, timeframe, T0 + n * MINUTE, c - 0.1, c + 0.2, c - 0.3, c, 100.0 * (n + 1))
        for n, c in enumerate(closes)
    ]


class _Bars:
    def subscribe(self, symbol: str, timeframe: str = "1m") -> Callable[[], None]:
        return lambda: None

    def history(self, symbol: str, timeframe: str = "1m") -> list[Bar]:
        return history_bars(symbol, timeframe)

    def request_history(self, symbol: str, timeframe: str = "1m", count: int | None = None) -> None:
        return None  # the history above is all there is


class SessionHost:
    """The runner's host: a hand-set clock, order ids o1, o2… in the order placed."""

    def __init__(self, registry: Registry = REGISTRY) -> None:
        self.bus = EventBus()
        self.clock = ManualClock(T0 + 10 * MINUTE)
        self.registry = registry
        self.instruments = {
            STOCK: Instrument(STOCK, "A", "X", AssetClass.STOCK, tick_size=0.01),
            FUTURE: Instrument(FUTURE, "F", "X", AssetClass.FUTURE, 0.5, multiplier=10.0),
        }
        self.brokers: dict[str, Any] = {"paper": None}
        self.bars = _Bars()
        self.placed: dict[str, OrderRequest] = {}
        self.cancelled: list[str] = []

    def submit(self, request: OrderRequest, order_id: str | None = None) -> str:
        order_id = order_id or f"o{len(self.placed) + 1}"
        self.placed[order_id] = request
        return order_id

    def cancel(self, order_id: str) -> None:
        self.cancelled.append(order_id)


@dataclass
class SessionOutput:
    journal: bytes
    events: list[StrategyStateEvent]
    rows: list[list[Any]]


def order_update(
    host: SessionHost, order_id: str, status: OrderStatus, filled: float = 0.0
) -> Order:
    """Order ``order_id`` as its broker reports it now."""
    r = host.placed[order_id]
    ts = host.clock.now_ns()
    return Order(
        order_id, r.broker, r.symbol, r.side, r.quantity, r.order_type, r.price,
        TimeInForce.DAY, r.origin, status, ts, ts, filled, r.price or 11.0 if filled else 0.0,
        note=r.note,
    )


def play_session(folder: Path, registry: Registry = REGISTRY) -> SessionOutput:
    """Run the script; the journal and store go into ``folder``. ``registry``: the classes
    to run under the names follower, pair and fragile."""
    host = SessionHost(registry)
    runner = StrategyRunner(host)
    runner.journal = JournalWriter(folder / "session.tjnl")
    runner.open_store(folder / "strategies.sqlite")
    events: list[StrategyStateEvent] = []
    host.bus.subscribe(StrategyStateEvent, events.append)
    runner.record_setup(host.instruments, host.brokers)

    def at(minutes: float) -> None:
        host.clock.set(T0 + int((10 + minutes) * MINUTE))

    def tick(minutes: float, symbol: str, last: float) -> None:
        at(minutes)
        host.bus.publish(Tick(symbol, host.clock.now_ns(), last, 1000.0 + minutes))

    def report(order_id: str, status: OrderStatus, filled: float = 0.0) -> None:
        host.bus.publish(OrderEvent(order_update(host, order_id, status, filled)))

    def fill(order_id: str, price: float) -> None:
        r = host.placed[order_id]
        host.bus.publish(FillEvent(Fill(
            f"f-{order_id}", order_id, r.broker, r.symbol, r.side, r.quantity, price,
            host.clock.now_ns(), commission=0.25,
        )))  # fmt: skip
        report(order_id, OrderStatus.FILLED, r.quantity)

    runner.add("f1", "follower", STOCK, "paper", {"step": 2.0}, position=1.0, cash=-10.5)
    runner.add("p1", "pair", [STOCK, FUTURE], "paper", position={STOCK: 0.0, FUTURE: 0.0})
    runner.add("x1", "fragile", STOCK, "paper", auto_start=True)
    at(0.1)
    runner.start("f1")  # warm-up buys are refused
    runner.start("p1")
    runner.start("x1")
    tick(0.2, STOCK, 11.1)  # the pair enters: o1
    tick(0.3, FUTURE, 101.0)
    report("o1", OrderStatus.ACCEPTED)
    fill("o1", 11.12)  # the pair hedges: o2
    report("o2", OrderStatus.ACCEPTED)
    at(1.0)
    live_bar = Bar(STOCK, "1m", T0 + 10 * MINUTE, 11.0, 11.4, 10.9, 11.3, 50.0)
    host.bus.publish(BarEvent(live_bar, closed=True))
    host.bus.publish(BarEvent(msgspec.structs.replace(live_bar, volume=51.0), closed=False))
    fill("o3", 11.3)  # the follower's buy on the live bar
    fill("o2", 100.5)
    tick(1.5, STOCK, 12.4)  # the fragile one fails; the follower places a limit: o4
    report("o4", OrderStatus.ACCEPTED)
    at(2.0)
    runner.stop("f1")  # cancels o4
    report("o4", OrderStatus.CANCELLED)
    runner.edit("f1", {"step": 3.0}, warmup=2)
    runner.edit("x1", {})  # clears the error
    runner.remove("p1")
    at(2.5)
    runner.start("x1")
    tick(3.0, STOCK, 11.9)
    runner.shutdown()

    db = sqlite3.connect(str(folder / "strategies.sqlite"))
    rows = [list(row) for row in db.execute("SELECT * FROM instances ORDER BY seq")]
    rows.append(["user_version", *db.execute("PRAGMA user_version").fetchone()])
    db.close()
    return SessionOutput((folder / "session.tjnl").read_bytes(), events, rows)


def encoded_events(events: list[StrategyStateEvent]) -> list[dict[str, str]]:
    """Each event as the spot server publishes it (msgpack, hex) and as JSON."""
    return [
        {"msgpack": schema.encode(event).hex(), "json": msgspec.json.encode(event).decode()}
        for event in events
    ]


def write_recorded(folder: Path) -> None:
    """Play the session and keep its bytes in ``DATA`` (see the module docstring)."""
    output = play_session(folder)
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "session.tjnl").write_bytes(output.journal)
    (DATA / "strategies.sqlite").write_bytes((folder / "strategies.sqlite").read_bytes())
    (DATA / "state_events.json").write_text(json.dumps(encoded_events(output.events), indent=1))
    (DATA / "store_rows.json").write_text(json.dumps(output.rows, indent=1))


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        write_recorded(Path(tmp))
    print(f"written to {DATA}", file=sys.stderr)
