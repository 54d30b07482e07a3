"""Strategy instances: commands, warm-up, isolation, the order helpers, persistence, reload."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from terminal.domain.enums import Offset, OrderStatus, OrderType, PluginKind, Side
from terminal.domain.events import (
    AddStrategy,
    CommandRejected,
    EditStrategy,
    ReloadStrategy,
    StartStrategy,
    StopStrategy,
    StrategyStateEvent,
)
from terminal.domain.market import Tick
from terminal.engine.clock import ManualClock
from terminal.engine.plugins.registry import PluginRegistry
from terminal.engine.strategy import Strategy
from tests.aio import run
from tests.engine.strategy_helpers import FUTURE, MINUTE_NS, TEST_SYMBOL, make_engine, push


def test_raising_strategy_stops_alone(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        engine = make_engine()
        await engine.start()
        states: list[StrategyStateEvent] = []
        engine.bus.subscribe(StrategyStateEvent, states.append)
        for name, cls in (("good", "buy_once"), ("bad", "raises")):
            engine.bus.publish(AddStrategy(name, cls, TEST_SYMBOL, "paper"))
            engine.bus.publish(StartStrategy(name))
        push(engine, 10.0)
        push(engine, 10.1)
        good, bad = engine.strategies.get("good"), engine.strategies.get("bad")
        assert bad.state == "error" and "ZeroDivisionError" in bad.detail
        assert good.strategy.ticks == 2  # type: ignore[attr-defined]
        assert good.strategy.position == 1 and good.state == "running"
        assert engine.portfolio.quantity("paper", TEST_SYMBOL) == 1
        (order,) = engine.order_book.all()
        assert order.origin == "strategy:good" and order.side is Side.BUY
        assert [s.state for s in states if s.instance == "bad"] == [
            "stopped", "warming up", "running", "error"
        ]
        assert "Traceback" in bad.log_lines[-1].message  # in the instance's own log too
        await engine.stop()

    with caplog.at_level(logging.ERROR):
        run(scenario())
    assert "strategy bad stopped by an error in on_tick" in caplog.text
    assert "Traceback" in caplog.text


def test_bad_commands_are_rejected_with_reasons() -> None:
    async def scenario() -> list[str]:
        engine = make_engine()
        await engine.start()
        rejected: list[CommandRejected] = []
        engine.bus.subscribe(CommandRejected, rejected.append)
        engine.bus.publish(AddStrategy("a", "nope", TEST_SYMBOL, "paper"))
        engine.bus.publish(AddStrategy("a", "sma_cross", "NOPE", "paper"))
        engine.bus.publish(AddStrategy("a", "sma_cross", TEST_SYMBOL, "paper", {"fast": "x"}))
        engine.bus.publish(
            AddStrategy("a", "sma_cross", TEST_SYMBOL, "paper", {"fast": 30, "slow": 10})
        )
        engine.bus.publish(StopStrategy("ghost"))
        engine.bus.publish(AddStrategy("ok", "sma_cross", TEST_SYMBOL, "paper"))
        engine.bus.publish(StartStrategy("ok"))
        engine.bus.publish(EditStrategy("ok", {"fast": 3}))
        engine.bus.publish(ReloadStrategy("nope"))
        await engine.stop()
        return [r.reason for r in rejected]

    reasons = run(scenario())
    assert reasons[0] == "unknown strategy 'nope'"
    assert reasons[1] == "unknown symbol 'NOPE'"
    assert "fast = 'x'" in reasons[2] and "Expected `int`" in reasons[2]
    assert "need 0 < fast < slow, got fast=30, slow=10" in reasons[3]
    assert reasons[4] == "no strategy instance named 'ghost'"
    assert reasons[5] == "instance 'ok' is running: stop it before editing"
    assert reasons[6] == "unknown strategy 'nope'"
    assert len(reasons) == 7


def test_warmup_refuses_orders_and_the_seam_drops_and_misses_no_bar(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """History bars come with history_phase true and their orders are refused; live bars
    follow from the next minute on, each exactly once."""
    start = 1_700_000_000 * 1_000_000_000 // MINUTE_NS * MINUTE_NS

    async def scenario() -> None:
        clock = ManualClock(start)
        engine = make_engine(clock=clock)
        await engine.start()
        for minute in range(12):  # closes the bars of minutes 0..10
            push(engine, 10.0 + minute * 0.01, ts=start + minute * MINUTE_NS + 1)
        clock.set(start + 11 * MINUTE_NS + 5)
        engine.bus.publish(AddStrategy("w", "bar_buyer", TEST_SYMBOL, "paper"))
        engine.bus.publish(StartStrategy("w"))
        instance = engine.strategies.get("w")
        strategy = instance.strategy
        assert strategy.seen == [  # type: ignore[attr-defined]
            (start + m * MINUTE_NS, True) for m in range(6, 11)
        ]
        assert not engine.order_book.all(), "a warm-up signal became an order"
        refusals = [line.message for line in instance.log_lines if "history phase" in line.message]
        assert len(refusals) == 5
        assert refusals[0].startswith(f"history phase: buy 1 {TEST_SYMBOL} refused (bar ")
        for minute in range(12, 15):  # minute 11 (forming at start) and 12, 13 close live
            push(engine, 10.5, ts=start + minute * MINUTE_NS + 1)
        assert strategy.seen[5:] == [  # type: ignore[attr-defined]
            (start + m * MINUTE_NS, False) for m in (11, 12, 13)
        ]
        assert len(strategy.bars()) == 8
        assert list(strategy.bars().start) == [start + m * MINUTE_NS for m in range(6, 14)]
        orders = engine.order_book.all()
        assert [o.note for o in orders] == [f"bar {start + m * MINUTE_NS}" for m in (11, 12, 13)]
        assert all(o.status is OrderStatus.FILLED for o in orders)
        assert strategy.position == 3
        assert strategy.events[:3] == [  # type: ignore[attr-defined]
            "order submitted", "order accepted", "order filled"
        ]
        assert strategy.events[3] == "fill 1 position 1"  # type: ignore[attr-defined]
        await engine.stop()

    with caplog.at_level(logging.WARNING):
        run(scenario())
    assert "a warm-up signal never becomes an order" in caplog.text


class Helpers(Strategy):
    """Exercises the order helpers on its first ticks."""

    plugin_name = "helpers"
    warmup_bars = 0

    def on_start(self) -> None:
        self.step = 0

    def on_tick(self, tick: Tick) -> None:
        self.step += 1
        if self.step == 1:
            self.buy(1, price=5.0, reason="resting")  # far below the market: rests
            self.open_long(2)
        elif self.step == 2:
            assert len(self.working_orders) == 1 and self.position == 2
            self.cancel_all()
        elif self.step == 3:
            assert not self.working_orders
            self.set_target_position(-1)  # sells 3
        elif self.step == 4:
            self.close_short(1)


def test_order_helpers_position_and_working_orders() -> None:
    async def scenario() -> None:
        engine = make_engine(Helpers)
        await engine.start()
        engine.bus.publish(AddStrategy("h", "helpers", FUTURE, "paper"))
        engine.bus.publish(StartStrategy("h"))
        for n in range(5):
            push(engine, 10.0, ts=n + 1, symbol=FUTURE)
        instance = engine.strategies.get("h")
        assert instance.state == "running", instance.detail
        orders = engine.order_book.all()
        assert [(o.side, o.quantity, o.order_type, o.offset, o.status) for o in orders] == [
            (Side.BUY, 1, OrderType.LIMIT, Offset.NONE, OrderStatus.CANCELLED),
            (Side.BUY, 2, OrderType.MARKET, Offset.OPEN, OrderStatus.FILLED),
            (Side.SELL, 3, OrderType.MARKET, Offset.NONE, OrderStatus.FILLED),  # target -1
            (Side.BUY, 1, OrderType.MARKET, Offset.CLOSE, OrderStatus.FILLED),
        ]
        assert instance.strategy.position == 0
        assert instance.orders_placed == 4
        # Bought 2 and 1 at the ask 10.01, sold 3 at the bid 9.99, 10 a point: lost 0.6 + fees.
        assert instance.pnl == pytest.approx(-0.6 - 0.0003 * 10 * (20.02 + 29.97 + 10.01))
        await engine.stop()

    run(scenario())


class Slow(Strategy):
    plugin_name = "slow"
    slow_handler_s = 0.01

    def on_tick(self, tick: Tick) -> None:
        time.sleep(0.03)


def test_slow_handler_is_reported_with_its_duration(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> list[str]:
        engine = make_engine(Slow)
        await engine.start()
        engine.bus.publish(AddStrategy("s", "slow", TEST_SYMBOL, "paper"))
        engine.bus.publish(StartStrategy("s"))
        push(engine, 10.0)
        lines = [line.message for line in engine.strategies.get("s").log_lines]
        await engine.stop()
        return lines

    with caplog.at_level(logging.WARNING):
        lines = run(scenario())
    assert len(lines) == 1 and lines[0].startswith("on_tick took ")
    took = float(lines[0].split()[2])
    assert 25 <= took < 1000 and lines[0].endswith("ms (slow above 10 ms)")
    assert "on_tick took" in caplog.text


def test_instances_and_state_persist_across_a_restart() -> None:
    """After a restart instances come back stopped (the running one says so), except one
    added with auto_start; positions and parameters are kept."""

    async def first_run() -> None:
        engine = make_engine(persist=True)
        await engine.start()
        engine.bus.publish(AddStrategy("manual", "buy_once", TEST_SYMBOL, "paper"))
        engine.bus.publish(AddStrategy("auto", "buy_once", TEST_SYMBOL, "paper", auto_start=True))
        engine.bus.publish(
            AddStrategy("idle", "sma_cross", TEST_SYMBOL, "paper", {"fast": 3, "slow": 7})
        )
        engine.bus.publish(StartStrategy("manual"))
        engine.bus.publish(StartStrategy("auto"))
        push(engine, 10.0)
        assert engine.strategies.get("manual").strategy.position == 1
        await engine.stop()

    async def second_run() -> None:
        engine = make_engine(persist=True)
        await engine.start()
        manual, auto, idle = (engine.strategies.get(n) for n in ("manual", "auto", "idle"))
        assert [i.name for i in engine.strategies.instances()] == ["manual", "auto", "idle"]
        assert manual.state == "stopped" and "was running before the restart" in manual.detail
        assert auto.state == "running"
        assert idle.state == "stopped" and idle.detail == ""
        assert idle.strategy.params.slow == 7 and idle.params == {"fast": 3, "slow": 7}
        assert manual.strategy.position == 1 and auto.strategy.position == 1
        assert manual.cash == pytest.approx(-10.01 - 10.01 * 0.0003)
        engine.bus.publish(StopStrategy("auto"))
        engine.strategies.remove("idle")
        await engine.stop()

    async def third_run() -> None:
        engine = make_engine(persist=True)
        await engine.start()
        assert [i.name for i in engine.strategies.instances()] == ["manual", "auto"]
        assert engine.strategies.get("auto").state == "stopped"  # stopped by the user
        await engine.stop()

    run(first_run())
    run(second_run())
    run(third_run())


SOURCE = '''
from terminal.domain.market import Tick
from terminal.engine.strategy import Strategy


class Reloadable(Strategy):
    plugin_name = "reloadable"
    warmup_bars = 0

    def on_tick(self, tick: Tick) -> None:
        self.{side}(1, reason="version {version}")


PLUGIN = Reloadable
'''


def test_reload_gives_stopped_instances_the_new_code(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    (folder / "strategies").mkdir(parents=True)
    source = folder / "strategies" / "reloadable.py"
    source.write_text(SOURCE.format(side="buy", version=1))
    extra = PluginRegistry()
    extra.discover(folder, entry_points=False)
    cls = extra.get(PluginKind.STRATEGY, "reloadable")
    assert cls is not None

    async def scenario() -> list[tuple[str, str]]:
        engine = make_engine(cls)
        await engine.start()
        rejected: list[CommandRejected] = []
        engine.bus.subscribe(CommandRejected, rejected.append)
        engine.bus.publish(AddStrategy("r", "reloadable", TEST_SYMBOL, "paper"))
        engine.bus.publish(StartStrategy("r"))
        push(engine, 10.0)
        engine.bus.publish(StopStrategy("r"))
        source.write_text("this is not python")
        engine.bus.publish(ReloadStrategy("reloadable"))
        assert "reload of" in rejected[-1].reason and "old code kept" in rejected[-1].reason
        source.write_text(SOURCE.format(side="sell", version=2))
        engine.bus.publish(ReloadStrategy("reloadable"))
        engine.bus.publish(StartStrategy("r"))
        push(engine, 10.0, ts=2)
        orders = [(o.side.value, o.note) for o in engine.order_book.all()]
        await engine.stop()
        return orders

    assert run(scenario()) == [("buy", "version 1"), ("sell", "version 2")]


def test_an_edited_instance_warms_up_again_on_its_next_start() -> None:
    """The edit gives it a new strategy object with no bars: the seam must not hold back the
    history its old object had already seen."""
    start = 1_700_000_000 * 1_000_000_000 // MINUTE_NS * MINUTE_NS

    async def scenario() -> None:
        clock = ManualClock(start)
        engine = make_engine(clock=clock)
        await engine.start()
        for minute in range(8):
            push(engine, 10.0, ts=start + minute * MINUTE_NS + 1)
        clock.set(start + 7 * MINUTE_NS + 5)
        engine.bus.publish(AddStrategy("w", "bar_buyer", TEST_SYMBOL, "paper"))
        engine.bus.publish(StartStrategy("w"))
        engine.bus.publish(StopStrategy("w"))
        engine.bus.publish(EditStrategy("w", {}, warmup=3))
        engine.bus.publish(StartStrategy("w"))
        strategy = engine.strategies.get("w").strategy
        assert strategy.seen == [  # type: ignore[attr-defined]
            (start + m * MINUTE_NS, True) for m in (4, 5, 6)
        ]
        assert len(strategy.bars()) == 3
        await engine.stop()

    run(scenario())
