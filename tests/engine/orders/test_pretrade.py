"""The pre-trade pipeline: its checks run in order, each refusal names its rule, and a check
that raises or cannot decide refuses the order."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from terminal.domain.enums import (
    AssetClass,
    ConnectionStatus,
    InstrumentStatus,
    Offset,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)
from terminal.domain.events import AccountEvent
from terminal.domain.instrument import Instrument
from terminal.domain.market import FeedStatus
from terminal.domain.orders import Account, Order, OrderRequest, Position
from terminal.domain.venue import Balance
from terminal.engine.bus import EventBus
from terminal.engine.config import load_config
from terminal.engine.market import MarketState
from terminal.engine.orders.checks import CannotCheck, PreTradeCheck, PreTradeView
from terminal.engine.orders.pretrade import PreTradePipeline, Refusal, standard_checks
from tests.engine.helpers import quote

SYMBOL = "600000.SSE"
STOCK = Instrument(SYMBOL, "PF Bank", "SSE", AssetClass.STOCK, 0.01, 100.0, sessions="cn_stock")
FUTURE = Instrument("rb2605.SHFE", "Rebar", "SHFE", AssetClass.FUTURE, 1.0, multiplier=10.0,
                    margin_rate=0.1)
SPOT = Instrument("BTCUSDT.BINANCE", "BTC/USDT", "BINANCE", AssetClass.CRYPTO, 0.01, 1e-5,
                  currency="USDT", base_currency="BTC")
FRIDAY_EVENING_NS = 1_767_960_000 * 10**9  # 2026-01-09 20:00 in Shanghai: stocks closed
NO_LIMITS = {"max_order_notional": 0, "max_open_orders": 0, "max_orders_per_second": 0,
             "daily_loss_limit": 0}  # fmt: skip
CASH_ACCOUNT = Account("paper", "CNY", 1e6, 1e6, 0.0, 0.0, 0.0, buying_power=1e6)
RULES = [
    "broker", "account", "fields", "broker capabilities", "broker connection", "instrument",
    "trading session", "T+1", "close offset", "live guard", "circuit breaker",
    "max order quantity", "max order notional", "max position", "max open orders", "order rate",
    "price band", "daily loss limit", "cash and margin",
]  # fmt: skip


class Desk:
    """A pipeline over a hand-made engine state the test changes at will."""

    def __init__(self, **overrides: Any) -> None:
        self.market = MarketState({SYMBOL: STOCK, FUTURE.symbol: FUTURE, SPOT.symbol: SPOT})
        self.market.on_tick(quote(10.0, 9.99, 10.01, symbol=SYMBOL))
        self.market.on_tick(quote(3500.0, 3499.0, 3501.0, symbol=FUTURE.symbol))
        self.market.on_tick(quote(50_000.0, 49_999.0, 50_001.0, symbol=SPOT.symbol))
        self.balances: dict[str, dict[str, Balance]] = {}
        self.status: dict[str, FeedStatus] = {}
        self.positions: dict[tuple[str, str], Position] = {}
        self.working: list[Order] = []
        self.accounts: dict[str, Account] = {"paper": CASH_ACCOUNT}
        self.live_since = 0
        self.now = FRIDAY_EVENING_NS
        self.bus = EventBus()
        # Only the limits a test names: the shipped defaults are off here.
        risk = {**NO_LIMITS, **overrides.pop("risk", {})}
        engine = overrides.pop("engine", {"t_plus_one": ["SSE"]})
        config = load_config(overrides={"engine": engine, "risk": risk, **overrides})
        view = PreTradeView(
            market=self.market,
            has_broker=lambda name: name == "paper",
            accounts_of=lambda name: ["main", "hedge"],
            broker_status=self.status.get,
            position=lambda broker, symbol: self.positions.get((broker, symbol)),
            working_orders=lambda: self.working,
            account=self.accounts.get,
            live_since_ns=lambda: self.live_since,
            now_ns=lambda: self.now,
            venue_balances=lambda broker: self.balances.get(broker, {}),
        )
        self.pipeline = PreTradePipeline(standard_checks(config), view, self.bus)

    def hold(self, quantity: float, yesterday: float, symbol: str = SYMBOL) -> None:
        self.positions[("paper", symbol)] = Position(
            "paper", symbol, quantity, 10.0, 0.0, 0.0, 10.0, quantity - yesterday, yesterday
        )

    def check(self, request: OrderRequest) -> Refusal | None:
        return self.pipeline.check(request)


def buy(quantity: float = 100, **fields: Any) -> OrderRequest:
    return OrderRequest("paper", SYMBOL, Side.BUY, quantity, **fields)


def test_the_checks_run_in_the_documented_order() -> None:
    assert [check.rule for check in Desk().pipeline.checks] == RULES


def test_a_good_order_passes() -> None:
    assert Desk().check(buy()) is None


def test_the_first_rule_broken_decides() -> None:
    desk = Desk(risk={"max_order_quantity": 10})
    desk.live_since = 100
    # Unknown symbol (fields), stamped before going live (live guard), too big (risk): fields.
    bad = OrderRequest("paper", "NOPE", Side.BUY, 1000, ts=5)
    assert desk.check(bad) == Refusal("fields", "unknown symbol 'NOPE'")
    assert desk.check(buy(1000, ts=5)).rule == "live guard"  # type: ignore[union-attr]
    assert desk.check(buy(1000)).rule == "max order quantity"  # type: ignore[union-attr]


def disconnected(desk: Desk) -> None:
    desk.status["paper"] = FeedStatus("paper", ConnectionStatus.DISCONNECTED, "socket closed")


def working(desk: Desk) -> None:
    order = Order("W", "paper", SYMBOL, Side.BUY, 100, OrderType.LIMIT, 9.0, TimeInForce.DAY,
                  "manual", OrderStatus.ACCEPTED, 1, 1)  # fmt: skip
    desk.working.append(order)


def tripped(desk: Desk) -> None:
    """A breaker stopped strategy sma-1 (its orders refused; orders by hand still pass)."""
    desk.pipeline.view.breaker_refusal = lambda strategy, broker: (
        f"circuit breaker: orders_per_second ({strategy}) tripped" if strategy == "sma-1" else ""
    )
    assert desk.check(buy()) is None


def losing(desk: Desk) -> None:
    account = Account("paper", "CNY", 1000.0, 1000.0, 0.0, 0.0, 0.0)
    desk.bus.publish(AccountEvent(account))  # the day's first equity
    desk.accounts["paper"] = msgspec.structs.replace(account, equity=700.0)


def halted(desk: Desk) -> None:
    desk.market.instruments[SYMBOL] = msgspec.structs.replace(STOCK, status=InstrumentStatus.HALTED)


CASES = [
    # (rule, config overrides, set-up, request, the refusal)
    ("broker", {}, None, OrderRequest("nope", SYMBOL, Side.BUY, 100),
     "unknown broker 'nope'"),
    ("account", {}, None, buy(account="other"),
     "account 'other' is not one of broker paper's accounts ['main', 'hedge']"),
    ("fields", {}, None, buy(150), "quantity 150 is not a multiple of the lot size 100"),
    ("broker capabilities", {}, None, buy(order_type=OrderType.LIMIT, price=10.0, post_only=True),
     f"broker capabilities: broker paper on {SYMBOL}: post-only orders are not taken"),
    ("broker connection", {}, disconnected, buy(),
     "broker paper is disconnected: socket closed"),
    ("instrument", {}, halted, buy(),
     f"instrument: {SYMBOL} is halted at its venue: no orders taken"),
    ("trading session", {"risk": {"session_check": True}}, None, buy(),
     f"risk (global): trading session: {SYMBOL} (cn_stock) is closed"),
    ("T+1", {}, lambda desk: desk.hold(300, 100), OrderRequest("paper", SYMBOL, Side.SELL, 200),
     f"T+1: only 100 of {SYMBOL} can be sold today (shares bought today settle next trading "
     "day)"),
    ("close offset", {}, lambda desk: desk.hold(5, 3, FUTURE.symbol),
     OrderRequest("paper", FUTURE.symbol, Side.SELL, 3, offset=Offset.CLOSE_TODAY),
     "close offset: close_today 3 of rb2605.SHFE but only 2 long opened today"),
    ("live guard", {}, lambda desk: setattr(desk, "live_since", 100), buy(ts=5),
     "live guard: order stamped 5 ns is older than the engine's live start 100 ns "
     "(history or warm-up signal)"),
    ("circuit breaker", {}, tripped, buy(origin="strategy:sma-1"),
     "circuit breaker: orders_per_second (sma-1) tripped"),
    ("max order quantity", {"risk": {"brokers": {"paper": {"max_order_quantity": 100}}}}, None,
     buy(200), "risk (broker paper): max order quantity: 200 > limit 100"),
    ("max order notional", {"risk": {"max_order_notional": 1500}}, None, buy(200),
     "risk (global): max order notional: 2,000.00 > limit 1,500.00"),
    ("max position", {"risk": {"max_position": 300}}, lambda desk: desk.hold(300, 300), buy(),
     f"risk (global): max position: {SYMBOL} would be 400, limit ±300"),
    ("max open orders", {"risk": {"max_open_orders": 1}}, working, buy(),
     "risk (global): max open orders: 1 working, limit 1"),
    ("price band", {"risk": {"price_band_pct": 5}}, None,
     buy(order_type=OrderType.LIMIT, price=11.0),
     "risk (global): price band: price 11.00 is +10.00% from last 10.00, limit ±5%"),
    ("daily loss limit", {"risk": {"daily_loss_limit": 200}}, losing, buy(),
     "risk (global): daily loss limit: lost 300.00 today, limit 200.00"),
    ("cash and margin", {}, None, buy(100_000 * 100),
     f"cash and margin: buy 1e+07 {SYMBOL} costs 100,100,000.00 with commission; buying "
     "power free 1,000,000.00 (buying power 1,000,000.00, 0.00 held by 0 working orders)"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "overrides", "set_up", "request_", "reason"), CASES,
                         ids=[case[0] for case in CASES])  # fmt: skip
def test_each_rule_refuses_and_names_itself(
    rule: str, overrides: dict[str, Any], set_up: Any, request_: OrderRequest, reason: str
) -> None:
    desk = Desk(**overrides)
    if set_up is not None:
        set_up(desk)
    assert desk.check(request_) == Refusal(rule, reason)
    if rule not in KEPT_WORDING:
        assert reason.startswith((f"{rule}: ", f"risk (global): {rule}: ",
                                  f"risk (broker paper): {rule}: "))  # fmt: skip


KEPT_WORDING = {"broker", "account", "fields", "broker connection"}
"""Rules whose refusals keep the words users know: each names the field or broker at fault
(a field problem is also what the ticket shows at the field)."""


def test_every_rule_has_a_case() -> None:
    tested = {case[0] for case in CASES} | {"order rate"}  # the rate: its own test below
    assert tested == set(RULES)


def test_an_order_worth_less_than_the_venues_minimum_is_refused() -> None:
    desk = Desk()
    desk.market.instruments[SYMBOL] = msgspec.structs.replace(STOCK, min_notional=5000.0)
    minimum = f"{SYMBOL}'s minimum 5000"
    limit = buy(300, order_type=OrderType.LIMIT, price=10.0)  # the ticket shows it at the field
    assert desk.check(limit) == Refusal("fields", f"order value 3000 (300 × 10) is below {minimum}")
    assert desk.check(buy(300)) == Refusal(  # a market order: at the last price
        "instrument", f"instrument: order value 3000 (300 × 10) is below {minimum}"
    )
    assert desk.check(buy(500)) is None


def test_the_order_rate_counts_only_orders_that_passed_every_check() -> None:
    desk = Desk(risk={"max_orders_per_second": 2})
    desk.live_since = 100
    for _ in range(3):  # refused by the live guard: not sent, not counted
        assert desk.check(buy(ts=5)) is not None
    assert desk.check(buy()) is None
    assert desk.check(buy()) is None
    assert desk.check(buy()) == Refusal(
        "order rate", "risk (global): order rate: 2 orders in the last second, limit 2/s"
    )


class Raising(PreTradeCheck):
    rule = "broken rule"

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        raise ZeroDivisionError("division by zero")


class Undecided(PreTradeCheck):
    rule = "needs a price"

    def check(self, request: OrderRequest, view: PreTradeView) -> str:
        raise CannotCheck(f"no price for {request.symbol}")


def test_a_check_that_raises_or_cannot_decide_refuses(caplog: pytest.LogCaptureFixture) -> None:
    desk = Desk()
    view = desk.pipeline.view
    raising = PreTradePipeline([Raising()], view, desk.bus)
    assert raising.check(buy()) == Refusal(
        "broken rule", "broken rule: check failed: ZeroDivisionError: division by zero"
    )
    assert "pre-trade check 'broken rule' raised" in caplog.text
    undecided = PreTradePipeline([*desk.pipeline.checks, Undecided()], view, desk.bus)
    assert undecided.check(buy()) == Refusal(
        "needs a price", f"needs a price: cannot be checked: no price for {SYMBOL}"
    )


@pytest.mark.parametrize(
    ("held", "yesterday", "side", "offset", "quantity", "refused"),
    [
        (5, 3, Side.SELL, Offset.CLOSE_YESTERDAY, 3, False),
        (5, 3, Side.SELL, Offset.CLOSE_YESTERDAY, 4, True),
        (5, 3, Side.SELL, Offset.CLOSE, 5, False),
        (5, 3, Side.SELL, Offset.CLOSE, 6, True),
        (5, 3, Side.BUY, Offset.CLOSE, 1, True),  # a buy cannot close a long position
        (-4, 0, Side.BUY, Offset.CLOSE_TODAY, 4, False),  # a short opened today
        (0, 0, Side.SELL, Offset.OPEN, 9, False),  # opening is not this rule's business
    ],
)
def test_close_offsets_close_only_what_is_held_the_other_way(
    held: float, yesterday: float, side: Side, offset: Offset, quantity: float, refused: bool
) -> None:
    desk = Desk()
    desk.hold(held, yesterday, FUTURE.symbol)
    refusal = desk.check(OrderRequest("paper", FUTURE.symbol, side, quantity, offset=offset))
    assert (refusal is not None and refusal.rule == "close offset") is refused, refusal
