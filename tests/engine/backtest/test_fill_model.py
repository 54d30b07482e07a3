"""The fill model, rule by rule, on hand-made bars (docs/backtesting.md#the-fill-model)."""

from __future__ import annotations

import msgspec
import pytest

from terminal.domain.enums import OrderType, Side, TimeInForce
from terminal.domain.orders import OrderRequest
from terminal.engine.backtest.settings import BacktestSection, CostRule
from tests.engine.backtest.helpers import (
    FUTURE,
    STOCK,
    fills_of,
    flat,
    frame,
    run,
    scripted,
)

# Bar 0 at 10; bar 1 opens 10.5 and trades 9.8–10.9; bar 2 opens 10.2, 9.9–10.4; bar 3 opens
# 9.5 (a gap down), 9.4–9.9; bar 4 flat at 9.7.
BARS = [(10.0, 10.0, 10.0, 10.0), (10.5, 10.9, 9.8, 10.6), (10.2, 10.4, 9.9, 10.0),
        (9.5, 9.9, 9.4, 9.6), (9.7, 9.7, 9.7, 9.7)]  # fmt: skip


def test_a_market_order_fills_at_the_next_bars_open() -> None:
    result = run(scripted({0: lambda s: s.buy(1), 2: lambda s: s.sell(1)}), frame(BARS))
    assert fills_of(result) == [(1, "buy", 1.0, 10.5), (3, "sell", 1.0, 9.5)]


def test_a_limit_buy_fills_when_a_later_bar_trades_through_at_the_better_price() -> None:
    # Placed on bar 0 at 10.0: bar 1's low 9.8 reaches it; its open 10.5 is worse: at 10.0.
    result = run(scripted({0: lambda s: s.buy(1, 10.0)}), frame(BARS))
    assert fills_of(result) == [(1, "buy", 1.0, 10.0)]


def test_a_limit_buy_gapped_through_fills_at_the_open() -> None:
    # At 9.7, placed on bar 2: bar 3 opens 9.5, below it: filled at the open, the better price.
    result = run(scripted({2: lambda s: s.buy(1, 9.7)}), frame(BARS))
    assert fills_of(result) == [(3, "buy", 1.0, 9.5)]


def test_a_limit_waits_for_a_bar_that_reaches_it() -> None:
    # A buy at 9.45 placed on bar 0: bars 1 and 2 stay above; bar 3's low 9.4 reaches it.
    result = run(scripted({0: lambda s: s.buy(1, 9.45)}), frame(BARS))
    assert fills_of(result) == [(3, "buy", 1.0, 9.45)]


def test_a_limit_sell_fills_at_its_price_or_a_better_open() -> None:
    plan = {0: lambda s: s.buy(1), 1: lambda s: s.sell(1, 10.3)}
    # Bought at bar 1's open; the sell at 10.3, placed on bar 1: bar 2's high 10.4 reaches it.
    result = run(scripted(plan), frame(BARS))
    assert fills_of(result) == [(1, "buy", 1.0, 10.5), (2, "sell", 1.0, 10.3)]


def test_an_order_never_fills_on_the_bar_it_was_placed_on() -> None:
    # Bar 1 trades 9.8–10.9 after a buy limit at 10.8 is placed on it: not filled there; bar 2
    # opens 10.2, under the limit: filled at that open.
    result = run(scripted({1: lambda s: s.buy(1, 10.8)}), frame(BARS))
    assert fills_of(result) == [(2, "buy", 1.0, 10.2)]


def test_a_buy_stop_fills_at_the_worse_of_trigger_and_open() -> None:
    # Trigger 10.3 placed on bar 0: bar 1 opens 10.5 above it: a market order then, at 10.5.
    gap = run(scripted({0: lambda s: s.stop_order(Side.BUY, 1, 10.3)}), frame(BARS))
    assert fills_of(gap) == [(1, "buy", 1.0, 10.5)]
    # Trigger 10.35 placed on bar 1: bar 2 opens 10.2 and reaches 10.4: at the trigger.
    inside = run(scripted({1: lambda s: s.stop_order(Side.BUY, 1, 10.35)}), frame(BARS))
    assert fills_of(inside) == [(2, "buy", 1.0, 10.35)]


def test_a_stop_between_ticks_trades_at_the_first_tick_past_it() -> None:
    buy = run(scripted({1: lambda s: s.stop_order(Side.BUY, 1, 10.333)}), frame(BARS))
    assert fills_of(buy) == [(2, "buy", 1.0, 10.34)]
    plan = {0: lambda s: s.buy(1), 1: lambda s: s.stop_order(Side.SELL, 1, 9.987)}
    sell = run(scripted(plan), frame(BARS))
    assert fills_of(sell)[1] == (2, "sell", 1.0, 9.98)


def test_a_sell_stop_fills_when_the_low_reaches_it() -> None:
    plan = {0: lambda s: s.buy(1), 1: lambda s: s.stop_order(Side.SELL, 1, 9.6)}
    # The stop at 9.6: bar 2's low 9.9 does not reach it; bar 3 opens 9.5, under it: at 9.5.
    result = run(scripted(plan), frame(BARS))
    assert fills_of(result) == [(1, "buy", 1.0, 10.5), (3, "sell", 1.0, 9.5)]


def test_a_stop_limit_becomes_a_limit_order_after_its_trigger_bar() -> None:
    def stop_limit(s):  # type: ignore[no-untyped-def]
        return s.context.submit(OrderRequest("backtest", s.symbol, Side.BUY, 1,
                                             order_type=OrderType.STOP_LIMIT, price=10.1,
                                             trigger_price=10.6, origin="strategy:backtest"))
    # Triggered on bar 1 (high 10.9); a limit at 10.1 from bar 2 on: bar 2's low 9.9 fills it.
    result = run(scripted({0: stop_limit}), frame(BARS))
    assert fills_of(result) == [(2, "buy", 1.0, 10.1)]


def test_an_ioc_order_gets_the_next_bar_only() -> None:
    def ioc(s):  # type: ignore[no-untyped-def]
        return s.context.submit(OrderRequest("backtest", s.symbol, Side.BUY, 1,
                                             order_type=OrderType.LIMIT, price=9.0,
                                             time_in_force=TimeInForce.IOC,
                                             origin="strategy:backtest"))
    result = run(scripted({0: ioc}), frame(BARS))
    assert fills_of(result) == []
    assert any("ioc: not filled on the next bar" in line for line in result.rejected)


def test_slippage_moves_market_and_stop_fills_not_limits() -> None:
    settings = BacktestSection(costs=CostRule(slippage_ticks=2))  # 2 × 0.01
    plan = {0: lambda s: s.buy(1), 1: lambda s: s.sell(1, 10.3), 2: lambda s: s.buy(1),
            3: lambda s: s.stop_order(Side.SELL, 1, 9.8)}  # fmt: skip
    result = run(scripted(plan), frame([*BARS, (9.75, 9.8, 9.6, 9.7)]), settings=settings)
    assert [(n, side, price) for n, side, _, price in fills_of(result)] == [
        (1, "buy", pytest.approx(10.52)), (2, "sell", 10.3), (3, "buy", pytest.approx(9.52)),
        (4, "sell", pytest.approx(9.68)),  # bar 4 (flat 9.7) reaches 9.8: the open, less 2 ticks
    ]  # fmt: skip


def test_commission_by_symbol_then_exchange_then_default() -> None:
    settings = BacktestSection(
        costs=CostRule(rate=0.01),
        cost_rules={"LOCAL": CostRule(rate=0.001, minimum=5.0, sell_rate=0.002),
                    "T.LOCAL": CostRule(per_lot=0.5)},
    )  # fmt: skip
    plan = {0: lambda s: s.buy(100), 1: lambda s: s.sell(100)}
    by_symbol = run(scripted(plan), frame(BARS), settings=settings)
    assert [f.commission for f in by_symbol.fills] == [50.0, 50.0]  # 0.5 × 100 lots
    settings = BacktestSection(
        costs=settings.costs, cost_rules={"LOCAL": settings.cost_rules["LOCAL"]}
    )
    by_exchange = run(scripted(plan), frame(BARS), settings=settings)
    # buy 100 at 10.5: max(5, 1.05); sell 100 at 10.2: max(5, 1.02) + 0.2% of 1,020
    assert [f.commission for f in by_exchange.fills] == [5.0, pytest.approx(5.0 + 2.04)]
    default = run(scripted(plan), frame(BARS), settings=BacktestSection(costs=CostRule(rate=0.01)))
    assert [f.commission for f in default.fills] == [pytest.approx(10.5), pytest.approx(10.2)]


def test_a_buy_beyond_the_cash_is_rejected_with_the_amounts() -> None:
    result = run(scripted({0: lambda s: s.buy(100)}), frame(BARS), capital=1000.0)
    assert fills_of(result) == []
    assert result.rejected == [
        f"{result.rejected[0].split()[0]} buy 100 T.LOCAL: insufficient cash: buy 100 T.LOCAL "
        "at 10.5 needs 1,050.00, the account has 1,000.00"
    ]


def test_a_futures_order_needs_margin_for_what_it_opens() -> None:
    bars = [(100.0, 100.0, 100.0, 100.0)] * 5
    plan = {0: lambda s: s.buy(2), 1: lambda s: s.buy(1), 2: lambda s: s.sell(3),
            3: lambda s: s.sell(2)}  # fmt: skip
    # Margin 10% of 100 × 10 = 100 a contract: 250 of capital holds two, not a third long (bar
    # 1) nor one short beyond closing the two (bar 2); closing alone needs none (bar 3).
    result = run(scripted(plan), frame(bars), instruments=[FUTURE], capital=250.0)
    assert fills_of(result) == [(1, "buy", 2.0, 100.0), (4, "sell", 2.0, 100.0)]
    # The live pre-trade pipeline's cash-and-margin check refuses them, as it would live.
    assert [line.split(": ", 1)[1] for line in result.rejected] == [
        "cash and margin: buy 1 F.LOCAL opens 1 needing margin 100.00 with commission; buying "
        "power free 50.00 (buying power 50.00, 0.00 held by 0 working orders)",
        "cash and margin: sell 3 F.LOCAL opens 1 needing margin 100.00 with commission; buying "
        "power free 50.00 (buying power 50.00, 0.00 held by 0 working orders)",
    ]


def test_orders_pass_the_pre_trade_pipeline() -> None:
    """Lot and tick sizes are the live pipeline's field checks."""
    lots = msgspec.structs.replace(STOCK, symbol="L.LOCAL", tick_size=0.05, lot_size=100.0)
    plan = {0: lambda s: s.buy(50), 1: lambda s: s.buy(100, 10.03), 2: lambda s: s.buy(100)}
    result = run(scripted(plan), frame(BARS), instruments=[lots])
    assert fills_of(result) == [(3, "buy", 100.0, 9.5)]
    assert [line.split(": ", 1)[1] for line in result.rejected] == [
        "quantity 50 is not a multiple of the lot size 100",
        "price 10.03 is not on the tick size 0.05",
    ]


def test_the_last_bars_order_is_cancelled_when_the_run_ends() -> None:
    result = run(scripted({4: lambda s: s.buy(1)}), frame(flat(5)))
    assert result.fills == []
    assert result.stats["fills"] == 0
