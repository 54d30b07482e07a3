"""The shipped pairs strategy on a hand-driven feed: entries, exit and reversal by z-score,
the second leg sized to the first one's notional."""

from __future__ import annotations

import pytest

from terminal.domain.enums import OrderStatus, Side
from terminal.domain.events import AddStrategy, CommandRejected, StartStrategy
from terminal.engine.clock import ManualClock
from tests.aio import run
from tests.engine.strategy_helpers import FUTURE, MINUTE_NS, TEST_SYMBOL, make_engine, push

START = 1_700_000_000 * 1_000_000_000 // MINUTE_NS * MINUTE_NS
PARAMS = {"window": 5, "entry_z": 2.0, "exit_z": 0.5, "quantity": 40}


def test_pairs_trades_the_spread_z_score_on_both_legs() -> None:
    async def scenario() -> list[tuple[str, Side, float, str]]:
        engine = make_engine(clock=ManualClock(START))
        await engine.start()
        engine.bus.publish(
            AddStrategy("p", "pairs", "", "paper", PARAMS, symbols=[TEST_SYMBOL, FUTURE])
        )
        engine.bus.publish(StartStrategy("p"))
        strategy = engine.strategies.get("p").strategy
        for minute in range(6):  # closes bars 0..4 of both: the first leg wobbles by 1 %
            ts = START + minute * MINUTE_NS
            push(engine, 10.0 + 0.1 * (minute % 2) if minute < 5 else 10.05, ts=ts + 1)
            push(engine, 20.0, ts=ts + 2, symbol=FUTURE)
        assert strategy.spread_std == pytest.approx(0.00545, abs=1e-5)  # type: ignore[attr-defined]
        assert not engine.order_book.all() and strategy.side == "flat"  # type: ignore[attr-defined]
        ts = START + 5 * MINUTE_NS
        push(engine, 10.5, ts=ts + 3)  # first leg rich: short the spread
        assert strategy.side == "short spread"  # type: ignore[attr-defined]
        push(engine, 10.05, ts=ts + 4)  # back near the mean: flat
        push(engine, 9.5, ts=ts + 5)  # first leg cheap: long the spread
        push(engine, 10.5, ts=ts + 6)  # rich again: reverse both legs at once
        assert strategy.positions == {TEST_SYMBOL: -40.0, FUTURE: 2.0}
        orders = engine.order_book.all()
        assert all(o.status is OrderStatus.FILLED for o in orders)
        await engine.stop()
        return [(o.symbol, o.side, o.quantity, o.note.split(" (")[1]) for o in orders]

    assert run(scenario()) == [
        (TEST_SYMBOL, Side.SELL, 40, "short spread)"),
        (FUTURE, Side.BUY, 2, "short spread)"),  # 40 × 10.5 = 420 against 20 × 10 a lot
        (TEST_SYMBOL, Side.BUY, 40, "flat)"),
        (FUTURE, Side.SELL, 2, "flat)"),
        (TEST_SYMBOL, Side.BUY, 40, "long spread)"),
        (FUTURE, Side.SELL, 2, "long spread)"),  # 380 / 200 rounds to 2 lots
        (TEST_SYMBOL, Side.SELL, 80, "short spread)"),
        (FUTURE, Side.BUY, 4, "short spread)"),
    ]


def test_pairs_needs_two_symbols_and_sane_thresholds() -> None:
    async def scenario() -> list[str]:
        engine = make_engine()
        await engine.start()
        rejected: list[CommandRejected] = []
        engine.bus.subscribe(CommandRejected, rejected.append)
        pair = [TEST_SYMBOL, FUTURE]
        engine.bus.publish(AddStrategy("a", "pairs", "", "paper", symbols=[*pair, "TEST.X"]))
        engine.bus.publish(
            AddStrategy("b", "pairs", "", "paper", {"entry_z": 1, "exit_z": 1}, symbols=pair)
        )
        await engine.stop()
        return [r.reason for r in rejected]

    first, second = run(scenario())
    assert first == f"symbol '{TEST_SYMBOL}' is given twice"
    assert "need 0 <= exit_z < entry_z, got exit_z=1.0, entry_z=1.0" in second
