"""Cash and margin: an order the account cannot pay for is refused with the figures."""

from __future__ import annotations

import asyncio

import msgspec

from terminal.domain.enums import OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.events import Tick
from terminal.domain.orders import Order, OrderRequest
from terminal.domain.venue import Balance
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.engine.orders.pretrade import PreTradePipeline, standard_checks
from tests.engine.orders.test_pretrade import CASH_ACCOUNT, FUTURE, SPOT, SYMBOL, Desk, buy


def test_a_market_buy_of_a_billion_eth_is_refused_and_cash_stays() -> None:
    """The reported case: on the default $1M paper account it filled 116,540 ETH. The shipped
    notional limit refuses it first now; without it, the cash check does."""
    engine = Engine(load_config(overrides={"risk": {"max_order_notional": 0}}))
    symbol = "ETHUSDT.BINANCE"

    async def scenario() -> str:
        await engine.start()
        try:
            while not isinstance(engine.latest.get(symbol), Tick):
                await asyncio.sleep(0.01)
            return engine.submit(OrderRequest("paper", symbol, Side.BUY, 1e9))
        finally:
            await engine.stop()

    order_id = asyncio.run(scenario())
    order = engine.order_book.get(order_id)
    assert order is not None and order.status is OrderStatus.REJECTED
    assert order.filled_quantity == 0
    assert order.reason.startswith(f"cash and margin: buy 1e+09 {symbol} costs ")
    assert "buying power free 1,000,000.00 (buying power 1,000,000.00" in order.reason
    assert engine.portfolio.account("paper").cash == 1_000_000.0


def resting_buy(order_id: str, quantity: float, price: float) -> Order:
    return Order(order_id, "paper", SYMBOL, Side.BUY, quantity, OrderType.LIMIT, price,
                 TimeInForce.DAY, "manual", OrderStatus.ACCEPTED, 1, 1)  # fmt: skip


def test_working_buys_hold_their_cash() -> None:
    desk = Desk()
    desk.working.append(resting_buy("W1", 60_000, 10.0))  # 600,000 held
    limit = buy(50_000, order_type=OrderType.LIMIT, price=10.0)
    assert desk.check(limit) is not None
    assert desk.check(limit).reason == (  # type: ignore[union-attr]
        f"cash and margin: buy 50000 {SYMBOL} costs 500,000.00 with commission; buying power "
        "free 400,000.00 (buying power 1,000,000.00, 600,000.00 held by 1 working orders)"
    )
    assert desk.check(buy(30_000, order_type=OrderType.LIMIT, price=10.0)) is None


def test_selling_what_is_held_is_free_and_a_short_needs_collateral() -> None:
    desk = Desk(engine={"t_plus_one": []})  # T+1 would refuse the short first
    desk.hold(200_000, 200_000)
    assert desk.check(OrderRequest("paper", SYMBOL, Side.SELL, 200_000)) is None
    refusal = desk.check(OrderRequest("paper", SYMBOL, Side.SELL, 400_000))
    assert refusal is not None and refusal.reason.startswith(
        f"cash and margin: sell 400000 {SYMBOL} sells 200000 short, needing collateral "
        "1,998,000.00 with commission"  # 200,000 at the bid 9.99
    )


def test_futures_need_margin_to_open_and_none_to_close() -> None:
    desk = Desk()
    desk.accounts["paper"] = msgspec.structs.replace(CASH_ACCOUNT, buying_power=10_000.0)
    # 3 lots at the ask 3501 x 10 x 10% margin: 10,503 > 10,000.
    refusal = desk.check(OrderRequest("paper", FUTURE.symbol, Side.BUY, 3))
    assert refusal is not None and refusal.reason.startswith(
        f"cash and margin: buy 3 {FUTURE.symbol} opens 3 needing margin 10,503.00 with "
        "commission; buying power free 10,000.00"
    )
    assert desk.check(OrderRequest("paper", FUTURE.symbol, Side.BUY, 2)) is None
    desk.hold(-5, -5, FUTURE.symbol)  # short 5: buying 5 back closes, buying 7 opens 2
    assert desk.check(OrderRequest("paper", FUTURE.symbol, Side.BUY, 5)) is None
    refusal = desk.check(OrderRequest("paper", FUTURE.symbol, Side.BUY, 8))
    assert refusal is not None and "opens 3 needing margin 10,503.00" in refusal.reason


def test_funds_check_can_be_turned_off_and_needs_an_account() -> None:
    assert Desk(risk={"funds_check": False}).check(buy(10**7)) is None
    desk = Desk()
    del desk.accounts["paper"]
    refusal = desk.check(buy())
    assert refusal is not None and refusal.reason == (
        "cash and margin: cannot be checked: broker paper has no account yet"
    )


def test_the_default_config_ships_risk_limits() -> None:
    risk = load_config().risk
    assert risk.funds_check
    assert risk.max_order_notional == 250_000 and risk.max_open_orders == 100
    assert risk.max_orders_per_second == 20 and risk.daily_loss_limit == 100_000
    desk = Desk()
    shipped = PreTradePipeline(standard_checks(load_config()), desk.pipeline.view, desk.bus)
    refusal = shipped.check(buy(1_000_000))
    assert refusal is not None and refusal.reason == (
        "risk (global): max order notional: 10,000,000.00 > limit 250,000.00"
    )


def test_a_venue_reporting_balances_pays_spot_orders_from_the_currency_spent() -> None:
    """Coins held at the venue from before sell like any holding (the terminal's own fills
    know nothing of them), and a buy spends the quote currency the venue says is free."""
    desk = Desk(engine={"t_plus_one": []})
    desk.balances["paper"] = {
        "BTC": Balance("paper", "BTC", 1.5, 0.5, 2.0),
        "USDT": Balance("paper", "USDT", 60_000.0, 0.0, 60_000.0),
    }
    sell = OrderRequest("paper", SPOT.symbol, Side.SELL, 1.5)
    assert desk.check(sell) is None  # no position in the terminal's book: not a short
    refusal = desk.check(OrderRequest("paper", SPOT.symbol, Side.SELL, 1.6))
    assert refusal is not None and refusal.reason == (
        "cash and margin: sell 1.6 BTCUSDT.BINANCE needs 1.6 BTC; paper has 1.5 BTC free "
        "(as the venue last reported)"
    )
    assert desk.check(OrderRequest("paper", SPOT.symbol, Side.BUY, 1.0)) is None  # 50,001
    refusal = desk.check(OrderRequest("paper", SPOT.symbol, Side.BUY, 1.2))
    assert refusal is not None and refusal.reason.startswith(
        "cash and margin: buy 1.2 BTCUSDT.BINANCE needs 60,001.2 USDT; paper has 60,000 USDT"
    )
