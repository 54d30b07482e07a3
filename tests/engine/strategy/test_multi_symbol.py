"""Strategy instances that trade more than one symbol: delivery, orders, positions, P&L,
warm-up per symbol, validation and persistence."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from terminal.domain.enums import OrderStatus, OrderType, Side
from terminal.domain.events import AddStrategy, CommandRejected, StartStrategy, StopStrategy
from terminal.domain.market import Bar, Tick
from terminal.engine.clock import ManualClock
from terminal.engine.paths import user_data_dir
from terminal.engine.strategy import Strategy
from tests.aio import run
from tests.engine.strategy_helpers import FUTURE, MINUTE_NS, TEST_SYMBOL, make_engine, push

START = 1_700_000_000 * 1_000_000_000 // MINUTE_NS * MINUTE_NS
FEE = 0.0003  # the paper broker's commission rate, of notional


class TwoLegs(Strategy):
    """Trades both of its symbols on its first ticks and writes down what it reads."""

    plugin_name = "two_legs"
    warmup_bars = 0
    max_symbols = 2

    def on_start(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.step = 0
        self.read: tuple[object, ...] = ()

    def on_bar(self, bar: Bar) -> None:
        self.seen.append(("bar", bar.symbol))

    def on_tick(self, tick: Tick) -> None:
        self.seen.append(("tick", tick.symbol))
        self.step += 1
        if self.step == 1:
            self.buy(1, reason="first leg")  # the primary symbol, as a one-symbol strategy does
        elif self.step == 2:
            self.sell(2, reason="second leg", symbol=FUTURE)
            self.buy(1, price=19.0, reason="resting", symbol=FUTURE)
        elif self.step == 3:
            self.read = (
                self.position,
                self.position_of(FUTURE),
                [o.note for o in self.working_orders_of()],
                [o.note for o in self.working_orders_of(FUTURE)],
                self.last_price(),
                self.last_price(FUTURE),
                self.instrument(FUTURE).multiplier,
            )
            self.set_target_position(0)  # the primary only: the resting FUTURE order stays
        elif self.step == 5:
            self.buy(1, symbol="ELSEWHERE.X")


def test_a_two_symbol_instance_gets_both_symbols_and_trades_each_at_its_own_price() -> None:
    async def scenario() -> None:
        engine = make_engine(TwoLegs, clock=ManualClock(START))
        await engine.start()
        engine.bus.publish(
            AddStrategy("pair", "two_legs", "", "paper", symbols=[TEST_SYMBOL, FUTURE])
        )
        engine.bus.publish(StartStrategy("pair"))
        instance = engine.strategies.get("pair")
        strategy = instance.strategy
        assert strategy.symbol == TEST_SYMBOL and strategy.symbols == (TEST_SYMBOL, FUTURE)
        push(engine, 10.0, ts=START + 1)
        push(engine, 20.0, ts=START + 2, symbol=FUTURE)
        push(engine, 10.5, ts=START + MINUTE_NS + 1)  # closes TEST.X's first bar
        push(engine, 19.5, ts=START + MINUTE_NS + 2, symbol=FUTURE)  # and FUT.X's
        assert instance.state == "running", instance.detail
        assert strategy.seen == [  # type: ignore[attr-defined]
            ("tick", TEST_SYMBOL), ("tick", FUTURE),
            ("bar", TEST_SYMBOL), ("tick", TEST_SYMBOL),
            ("bar", FUTURE), ("tick", FUTURE),
        ]  # fmt: skip
        assert list(strategy.bars().close) == [10.0]
        assert list(strategy.bars(symbol=FUTURE).close) == [20.0]
        assert strategy.read == (  # type: ignore[attr-defined]
            1.0, -2.0, [], ["resting"], 10.5, 20.0, 10.0
        )
        orders = engine.order_book.all()
        assert [(o.symbol, o.side, o.quantity, o.order_type, o.status, o.note) for o in orders] == [
            (TEST_SYMBOL, Side.BUY, 1, OrderType.MARKET, OrderStatus.FILLED, "first leg"),
            (FUTURE, Side.SELL, 2, OrderType.MARKET, OrderStatus.FILLED, "second leg"),
            (FUTURE, Side.BUY, 1, OrderType.LIMIT, OrderStatus.ACCEPTED, "resting"),
            (TEST_SYMBOL, Side.SELL, 1, OrderType.MARKET, OrderStatus.FILLED,
             "target position 0"),
        ]  # fmt: skip
        assert strategy.positions == {TEST_SYMBOL: 0.0, FUTURE: -2.0}
        assert engine.portfolio.quantity("paper", FUTURE) == -2
        # TEST.X: bought at the ask 10.01, sold at the bid 10.49. FUT.X (10 a point): sold 2 at
        # the bid 19.99, marked at its own last price 19.5, not at TEST.X's.
        test_pnl = 10.49 - 10.01 - FEE * (10.01 + 10.49)
        future_pnl = 2 * 10 * (19.99 - 19.5) - FEE * 2 * 10 * 19.99
        assert instance.pnl_of(TEST_SYMBOL) == pytest.approx(test_pnl)
        assert instance.pnl_of(FUTURE) == pytest.approx(future_pnl)
        state = instance.snapshot()
        assert state.pnl == pytest.approx(test_pnl + future_pnl)
        assert state.symbols == [TEST_SYMBOL, FUTURE] and state.position == 0
        assert [(leg.symbol, leg.position, leg.last_price, leg.working) for leg in state.legs] == [
            (TEST_SYMBOL, 0.0, 10.5, 0), (FUTURE, -2.0, 19.5, 1)
        ]  # fmt: skip
        push(engine, 10.6, ts=START + MINUTE_NS + 3)  # step 5: a symbol it does not trade
        assert instance.state == "error"
        assert instance.detail == (
            f"ValueError: 'ELSEWHERE.X' is not a symbol of instance pair ({TEST_SYMBOL}, {FUTURE})"
        )
        await engine.stop()

    run(scenario())


class BarPerSymbol(Strategy):
    """Buys one of a bar's symbol on every bar, and notes what it was fed and in which phase."""

    plugin_name = "bar_per_symbol"
    warmup_bars = 5
    max_symbols = None

    def on_start(self) -> None:
        self.seen: list[tuple[str, int, bool]] = []

    def on_bar(self, bar: Bar) -> None:
        self.seen.append((bar.symbol, (bar.start - START) // MINUTE_NS, self.history_phase))
        self.buy(1, reason=f"{bar.symbol} minute {(bar.start - START) // MINUTE_NS}",
                 symbol=bar.symbol)


def test_warm_up_feeds_every_symbol_in_time_order_and_the_seam_holds_per_symbol() -> None:
    """FUT.X's bars lag TEST.X's when the instance starts: its last warm-up bar is older, and
    the live bars that follow are each delivered once, none dropped because the other symbol
    is further on."""

    async def scenario() -> None:
        clock = ManualClock(START)
        engine = make_engine(BarPerSymbol, clock=clock)
        await engine.start()
        for minute in range(12):  # TEST.X: bars of minutes 0..10 closed, 11 forming
            push(engine, 10.0 + minute * 0.01, ts=START + minute * MINUTE_NS + 1)
        for minute in range(9):  # FUT.X: bars 0..7 closed, 8 forming
            push(engine, 20.0, ts=START + minute * MINUTE_NS + 2, symbol=FUTURE)
        clock.set(START + 11 * MINUTE_NS + 5)
        engine.bus.publish(
            AddStrategy("w", "bar_per_symbol", "", "paper", symbols=[TEST_SYMBOL, FUTURE])
        )
        engine.bus.publish(StartStrategy("w"))
        instance = engine.strategies.get("w")
        strategy = instance.strategy
        warm = [(TEST_SYMBOL, m) for m in range(6, 11)] + [(FUTURE, m) for m in range(3, 8)]
        assert strategy.seen == [  # type: ignore[attr-defined]
            (symbol, minute, True)
            for symbol, minute in sorted(warm, key=lambda w: (w[1], w[0] == FUTURE))
        ]
        assert not engine.order_book.all(), "a warm-up signal became an order"
        assert instance.refused == 10
        push(engine, 20.0, ts=START + 12 * MINUTE_NS + 2, symbol=FUTURE)  # closes FUT.X's 8
        push(engine, 10.5, ts=START + 12 * MINUTE_NS + 1)  # closes TEST.X's 11
        push(engine, 20.0, ts=START + 13 * MINUTE_NS + 2, symbol=FUTURE)  # FUT.X's 12
        push(engine, 10.5, ts=START + 13 * MINUTE_NS + 1)  # TEST.X's 12
        live = [(FUTURE, 8), (TEST_SYMBOL, 11), (FUTURE, 12), (TEST_SYMBOL, 12)]
        assert strategy.seen[10:] == [(s, m, False) for s, m in live]  # type: ignore[attr-defined]
        assert [o.note for o in engine.order_book.all()] == [f"{s} minute {m}" for s, m in live]
        assert list(strategy.bars(symbol=FUTURE).start) == [
            START + m * MINUTE_NS for m in (3, 4, 5, 6, 7, 8, 12)
        ]
        assert strategy.positions == {TEST_SYMBOL: 2.0, FUTURE: 2.0}
        await engine.stop()

    run(scenario())


def test_symbol_lists_are_checked_against_instruments_and_the_class() -> None:
    async def scenario() -> list[str]:
        engine = make_engine(TwoLegs)
        await engine.start()
        rejected: list[CommandRejected] = []
        engine.bus.subscribe(CommandRejected, rejected.append)
        send = engine.bus.publish
        send(AddStrategy("a", "two_legs", "", "paper", symbols=[TEST_SYMBOL, "NOPE.X"]))
        send(AddStrategy("b", "dual_ma", "", "paper", symbols=[TEST_SYMBOL, FUTURE]))
        send(AddStrategy("c", "pairs", TEST_SYMBOL, "paper"))
        send(AddStrategy("d", "two_legs", "", "paper", symbols=[FUTURE, FUTURE]))
        send(AddStrategy("e", "two_legs", TEST_SYMBOL, "paper", symbols=[FUTURE, TEST_SYMBOL]))
        send(AddStrategy("f", "two_legs", "", "paper", symbols=[]))
        send(AddStrategy("ok", "two_legs", FUTURE, "paper", symbols=[FUTURE, TEST_SYMBOL]))
        assert engine.strategies.get("ok").symbols == (FUTURE, TEST_SYMBOL)
        await engine.stop()
        return [r.reason for r in rejected]

    assert run(scenario()) == [
        "unknown symbol 'NOPE.X'",
        f"strategy 'dual_ma' trades exactly 1 symbol, got 2 ({TEST_SYMBOL}, {FUTURE})",
        f"strategy 'pairs' trades exactly 2 symbols, got 1 ({TEST_SYMBOL})",
        f"symbol '{FUTURE}' is given twice",
        f"symbol '{TEST_SYMBOL}' is not the first of symbols ({FUTURE}, {TEST_SYMBOL})",
        "instance 'f' has no symbol",
    ]


def test_a_two_symbol_instance_comes_back_after_a_restart_with_its_legs() -> None:
    """Symbols, positions per symbol and cash per symbol survive a restart in the SQLite file."""
    expected: dict[str, float] = {}

    async def first_run() -> None:
        engine = make_engine(TwoLegs, clock=ManualClock(START), persist=True)
        await engine.start()
        engine.bus.publish(
            AddStrategy("pair", "two_legs", "", "paper", symbols=[TEST_SYMBOL, FUTURE])
        )
        engine.bus.publish(StartStrategy("pair"))
        push(engine, 10.0, ts=START + 1)
        push(engine, 20.0, ts=START + 2, symbol=FUTURE)
        instance = engine.strategies.get("pair")
        expected.update(instance.cash_by_symbol)
        assert instance.strategy.positions == {TEST_SYMBOL: 1.0, FUTURE: -2.0}
        engine.bus.publish(StopStrategy("pair"))
        await engine.stop()

    async def second_run() -> None:
        engine = make_engine(TwoLegs, clock=ManualClock(START + 5), persist=True)
        await engine.start()
        instance = engine.strategies.get("pair")
        assert instance.symbols == (TEST_SYMBOL, FUTURE) and instance.state == "stopped"
        assert instance.strategy.positions == {TEST_SYMBOL: 1.0, FUTURE: -2.0}
        assert instance.cash_by_symbol == pytest.approx(expected)
        assert instance.multipliers == {TEST_SYMBOL: 1.0, FUTURE: 10.0}
        state = instance.snapshot()
        assert [(leg.symbol, leg.position) for leg in state.legs] == [
            (TEST_SYMBOL, 1.0), (FUTURE, -2.0)
        ]  # fmt: skip
        push(engine, 10.5, ts=START + MINUTE_NS)
        push(engine, 19.0, ts=START + MINUTE_NS, symbol=FUTURE)
        assert instance.pnl == pytest.approx(sum(expected.values()) + 10.5 - 2 * 19.0 * 10)
        await engine.stop()

    run(first_run())
    path = user_data_dir() / "strategies.sqlite"
    with closing(sqlite3.connect(path)) as db, db:
        assert db.execute("PRAGMA user_version").fetchone() == (2,)
        row = db.execute("SELECT symbol, position, legs FROM instances").fetchone()
    assert row[0] == TEST_SYMBOL and row[1] == 1.0
    assert row[2].startswith(f'[["{TEST_SYMBOL}", 1.0, ') and f'["{FUTURE}", -2.0, ' in row[2]
    run(second_run())


VERSION_1_SCHEMA = """
CREATE TABLE instances (
    name TEXT PRIMARY KEY, seq INTEGER NOT NULL, strategy TEXT NOT NULL, symbol TEXT NOT NULL,
    broker TEXT NOT NULL, params TEXT NOT NULL, warmup INTEGER NOT NULL,
    auto_start INTEGER NOT NULL, state TEXT NOT NULL, position REAL NOT NULL,
    cash REAL NOT NULL);
"""


def test_a_store_written_before_multi_symbol_instances_still_loads() -> None:
    path = user_data_dir() / "strategies.sqlite"
    path.parent.mkdir(parents=True)
    with closing(sqlite3.connect(path)) as db, db:
        db.executescript(VERSION_1_SCHEMA)
        db.execute(
            "INSERT INTO instances VALUES ('old', 1, 'sma_cross', ?, 'paper',"
            " '{\"fast\": 3, \"slow\": 7}', 4, 0, 'running', 2.0, -20.5)",
            (TEST_SYMBOL,),
        )

    async def scenario() -> None:
        engine = make_engine(persist=True)
        await engine.start()
        old = engine.strategies.get("old")
        assert old.symbols == (TEST_SYMBOL,) and old.strategy.symbols == (TEST_SYMBOL,)
        assert old.state == "stopped" and "was running before the restart" in old.detail
        assert old.strategy.position == 2.0 and old.cash == -20.5
        assert old.params == {"fast": 3, "slow": 7} and old.warmup == 4
        await engine.stop()

    run(scenario())
    with closing(sqlite3.connect(path)) as db, db:
        assert db.execute("PRAGMA user_version").fetchone() == (2,)
        legs = db.execute("SELECT legs FROM instances").fetchone()[0]
    assert legs == f'[["{TEST_SYMBOL}", 2.0, -20.5]]'  # rewritten on load as one leg
