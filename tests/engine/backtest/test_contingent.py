"""Brackets, OCO exits and trailing stops in a backtest: the engine's contingent orders on the
simulated broker, as live (docs/backtesting.md#contingent-orders)."""

from __future__ import annotations

from terminal.domain.enums import OrderStatus
from terminal.domain.orders import Fill, Order
from terminal.engine.strategy import Strategy
from tests.engine.backtest.helpers import fills_of, frame, run, scripted

# 0: flat 10; 1: opens 10, 9.9–10.3; 2: 10.2, 10.1–10.4; 3: 10.3, 9.4–10.35 (the stop's bar);
# 4: 9.5, 9.5–11 (would reach the take-profit, were it still there); 5: flat 10.
BARS = [(10.0, 10.0, 10.0, 10.0), (10.0, 10.3, 9.9, 10.2), (10.2, 10.4, 10.1, 10.3),
        (10.3, 10.35, 9.4, 9.6), (9.5, 11.0, 9.5, 10.8), (10.0, 10.0, 10.0, 10.0)]  # fmt: skip


def orders_of(cls: type[Strategy]) -> dict[str, Order]:
    return {order.order_id: order for order in cls.orders}  # type: ignore[attr-defined]


def test_a_bracket_entry_fills_then_its_stop_is_hit_and_the_take_profit_cancelled() -> None:
    ids: list[str] = []

    def enter(strategy: Strategy) -> None:
        ids.append(strategy.buy_bracket(10, take_profit=10.9, stop_loss=9.5))

    plan = scripted({0: enter}, orders=[], on_order=lambda s, o: s.orders.append(o))
    result = run(plan, frame(BARS))
    entry = ids[0]
    # Entry at bar 1's open; the exits are tried from bar 2; bar 3's low 9.4 takes the stop
    # (at its trigger, the bar opening above it); the take-profit goes with it, so bar 4's
    # high of 11 fills nothing.
    assert fills_of(result) == [(1, "buy", 10.0, 10.0), (3, "sell", 10.0, 9.5)]
    final = orders_of(plan)
    assert final[entry + "-SL"].status is OrderStatus.FILLED
    assert final[entry + "-TP"].status is OrderStatus.CANCELLED
    assert [f.order_id for f in plan.filled] == [entry, entry + "-SL"]
    assert result.error == ""


def test_the_take_profit_cancels_the_stop() -> None:
    bars = [*BARS[:3], (10.3, 10.95, 10.2, 10.9), *BARS[4:]]
    plan = scripted({0: lambda s: s.buy_bracket(10, take_profit=10.9, stop_loss=9.5)})
    assert fills_of(run(plan, frame(bars))) == [(1, "buy", 10.0, 10.0), (3, "sell", 10.0, 10.9)]


def test_a_trailing_stop_follows_each_bars_high() -> None:
    # Bought at bar 1's open (10.0); the trail (0.3) starts from bar 1's close, 10.2: a stop at
    # 9.9; bar 2's high 10.4 lifts it to 10.1; bar 3 opens 10.3 and falls to 9.4: out at 10.1.
    plan = scripted({0: lambda s: s.buy(10), 1: lambda s: s.trail(10, distance=0.3)})
    result = run(plan, frame(BARS))
    assert fills_of(result) == [(1, "buy", 10.0, 10.0), (3, "sell", 10.0, 10.1)]


def test_an_oco_exit_and_a_refused_bracket_said_in_the_log() -> None:
    plan = scripted({
        0: lambda s: s.buy(10),
        1: lambda s: s.exit_oco(10, take_profit=10.4, stop_loss=9.0),
        2: lambda s: s.buy_bracket(5, 10.0, take_profit=9.0),  # the wrong side: refused
    })  # fmt: skip
    result = run(plan, frame(BARS))
    assert fills_of(result) == [(1, "buy", 10.0, 10.0), (2, "sell", 10.0, 10.4)]
    assert result.error == ""


def test_the_strategy_is_handed_its_exits_fills() -> None:
    seen: list[Fill] = []

    def entry(s: Strategy) -> None:
        s.buy_bracket(10, take_profit=10.9, stop_loss=9.5)

    plan = scripted({0: entry}, on_fill=lambda s, f: seen.append(f))
    run(plan, frame(BARS))
    assert [(f.side.value, f.quantity) for f in seen] == [("buy", 10.0), ("sell", 10.0)]
