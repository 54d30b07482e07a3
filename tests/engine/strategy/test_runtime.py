"""The runner reaches a strategy only through its runtime: it never sets an attribute of the
Strategy object, and the strategy reads what the runner wrote through its public API."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest

from terminal.domain.enums import OrderStatus, Side, StrategyState
from terminal.domain.events import OrderEvent
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar, Tick
from terminal.domain.orders import Order, OrderRequest
from terminal.engine.strategy import Strategy
from terminal.engine.strategy.runner import StrategyRunner
from tests.engine.strategy.recorded_session import (
    DATA,
    MINUTE,
    STOCK,
    T0,
    Follower,
    Fragile,
    Pair,
    Registry,
    SessionHost,
    history_bars,
    order_update,
    play_session,
)

# What a strategy's own code may set after it is built: plain public names of its own.
GUARDED = {"history_phase", "now_ns", "position", "symbol", "symbols", "broker", "context",
           "params", "instance"}  # fmt: skip


class SetGuard(Strategy):
    """Records every set, once the object is built, of a private attribute or of a name of the
    public API, with the file that set it."""

    sets: ClassVar[list[str]] = []
    _built = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        object.__setattr__(self, "_built", True)

    def __setattr__(self, name: str, value: Any) -> None:
        if self._built and (name.startswith("_") or name in GUARDED):
            SetGuard.sets.append(f"{name} set by {sys._getframe(1).f_code.co_filename}")
        super().__setattr__(name, value)


class GuardedFollower(SetGuard, Follower):
    pass


class GuardedPair(SetGuard, Pair):
    pass


class GuardedFragile(SetGuard, Fragile):
    pass


GUARDED_REGISTRY = Registry(GuardedFollower, GuardedPair, GuardedFragile)


@pytest.fixture(autouse=True)
def _no_sets_left() -> None:
    SetGuard.sets.clear()


def test_the_guard_sees_a_private_attribute_set_from_outside() -> None:
    runner = StrategyRunner(SessionHost(GUARDED_REGISTRY))
    strategy = runner.add("f", "follower", STOCK, "paper").strategy
    strategy._positions = {STOCK: 3.0}  # what the runner used to do
    strategy.position = 3.0
    assert [entry.split(" set by ")[0] for entry in SetGuard.sets] == ["_positions", "position"]


def test_a_whole_session_sets_no_attribute_of_a_strategy(tmp_path: Path) -> None:
    """Adds with restored positions, warm-up, ticks, orders, fills, bars, a failure, stops
    with cancels, edits, a removal and a restart: as recorded, and no set."""
    output = play_session(tmp_path, GUARDED_REGISTRY)
    assert output.journal == (DATA / "session.tjnl").read_bytes()
    assert SetGuard.sets == []


def test_a_reload_sets_no_attribute_of_either_object() -> None:
    host = SessionHost(GUARDED_REGISTRY)
    runner = StrategyRunner(host)
    instance = runner.add("f", "follower", STOCK, "paper", position=2.0)
    runner.start("f")
    host.bus.publish(Tick(STOCK, T0 + 11 * MINUTE, 12.5, 1.0))  # places a limit order
    host.bus.publish(OrderEvent(order_update(host, "o1", OrderStatus.ACCEPTED)))
    runner.stop("f", cancel_orders=False)
    old = instance.strategy

    class Reloaded(GuardedFollower):
        pass

    assert runner.reload("follower", Reloaded) == ["f"]
    assert instance.strategy is not old and isinstance(instance.strategy, Reloaded)
    assert SetGuard.sets == []
    new = instance.strategy
    assert (new.position, [o.order_id for o in new.working_orders]) == (2.0, ["o1"])
    assert new.last_price() == 12.5
    assert len(new.bars()) == 0  # its own warm-up feeds it again
    runner.start("f")
    assert len(new.bars()) == Follower.warmup_bars and SetGuard.sets == []


class Reader(Strategy):
    """Writes down what it reads in each handler."""

    plugin_name = "reader"
    warmup_bars = 2
    timeframes = ("1m", "5m")

    def on_start(self) -> None:
        self.seen: list[tuple[str, int, bool, float, int]] = []
        self._note("start")

    def on_bar(self, bar: Bar) -> None:
        self._note(f"bar {bar.timeframe}")

    def on_tick(self, tick: Tick) -> None:
        self._note("tick")

    def on_order(self, order: Order) -> None:
        self._note(f"order {order.status.value}")

    def on_stop(self) -> None:
        self._note("stop")

    def _note(self, what: str) -> None:
        self.seen.append(
            (what, self.now_ns, self.history_phase, self.position, len(self.working_orders))
        )


def test_a_strategy_reads_what_the_runner_keeps_through_its_public_api() -> None:
    host = SessionHost(Registry(Reader))
    runner = StrategyRunner(host)
    instance = runner.add("r", "reader", STOCK, "paper", position=4.0)
    host.clock.set(T0 + 20 * MINUTE)
    runner.start("r")
    strategy = instance.strategy
    assert isinstance(strategy, Reader)
    request = OrderRequest("paper", STOCK, Side.BUY, 1.0, origin="strategy:r")
    order_id = runner.submit_for(instance, request)
    host.clock.set(T0 + 21 * MINUTE)
    host.bus.publish(OrderEvent(order_update(host, order_id, OrderStatus.ACCEPTED)))
    host.clock.set(T0 + 22 * MINUTE)
    host.bus.publish(Tick(STOCK, 1, 11.5, 1.0))
    host.clock.set(T0 + 23 * MINUTE)
    runner.stop("r", cancel_orders=False)
    history = history_bars(STOCK)[-2:]
    assert strategy.seen == [
        ("start", T0 + 20 * MINUTE, True, 4.0, 0),
        # Warm-up bars carry their own time; history of 1m and 5m, in time order.
        *[(f"bar {tf}", bar.start, True, 4.0, 0) for bar in history for tf in ("1m", "5m")],
        ("order accepted", T0 + 21 * MINUTE, False, 4.0, 1),
        ("tick", T0 + 22 * MINUTE, False, 4.0, 1),
        ("stop", T0 + 23 * MINUTE, False, 4.0, 1),
    ]
    assert strategy.last_price() == 11.5 and strategy.positions == {STOCK: 4.0}
    assert list(strategy.bars("5m").close) == [bar.close for bar in history]
    assert instance.state is StrategyState.STOPPED


class _Context:
    """A stand-in context, as a user's unit test of a strategy might build one."""

    def submit(self, request: OrderRequest) -> str:
        return "id-1"

    def cancel(self, order_id: str) -> None:
        pass

    def log(self, message: str, level: str = "INFO") -> None:
        pass

    def instrument(self, symbol: str) -> Instrument:
        raise KeyError(symbol)


def test_a_strategy_built_outside_the_runner_keeps_a_runtime_of_its_own() -> None:
    strategy = Follower("u", STOCK, "paper", _Context(), Follower.Params())
    assert (strategy.position, strategy.working_orders, strategy.history_phase) == (0, [], False)
    assert strategy.now_ns == 0 and strategy.last_price() is None
    assert len(strategy.bars()) == 0
    assert strategy.buy(1) == "id-1"
    with pytest.raises(ValueError, match="timeframe '5m' is not one of follower's"):
        strategy.bars("5m")


def test_history_phase_and_now_ns_are_read_only_for_a_strategy() -> None:
    strategy = Follower("u", STOCK, "paper", _Context(), Follower.Params())
    with pytest.raises(AttributeError):
        strategy.history_phase = True  # type: ignore[misc]
    with pytest.raises(AttributeError):
        strategy.now_ns = 5  # type: ignore[misc]


class OwnNames(Strategy):
    """Uses names a base class might have wanted for itself."""

    plugin_name = "own_names"
    warmup_bars = 0

    def on_start(self) -> None:
        self._runtime = self._positions = self._working = "mine"

    def on_tick(self, tick: Tick) -> None:
        self.buy(1)


def test_a_strategys_own_private_names_never_replace_what_the_runner_keeps() -> None:
    host = SessionHost(Registry(OwnNames))
    runner = StrategyRunner(host)
    instance = runner.add("o", "own_names", STOCK, "paper", position=1.0)
    runner.start("o")
    host.bus.publish(Tick(STOCK, T0 + 11 * MINUTE, 11.0, 1.0))
    host.bus.publish(OrderEvent(order_update(host, "o1", OrderStatus.ACCEPTED)))
    strategy = instance.strategy
    assert instance.state is StrategyState.RUNNING, instance.detail
    assert strategy.position == 1.0 and [o.order_id for o in strategy.working_orders] == ["o1"]
    assert strategy._runtime == "mine"  # type: ignore[attr-defined]
