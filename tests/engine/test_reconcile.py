"""Reconciliation, vendor-free: a broker whose venue is a small ledger the test changes, and the
paper broker. What the venue has that the terminal lacks is adopted; what ended there is closed
here; differences in balances and positions are shown, never written over."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from msgspec.structs import replace

from terminal.domain.enums import (
    AssetClass,
    ConnectionStatus,
    OrderStatus,
    OrderType,
    ReconcileKind,
    Side,
)
from terminal.domain.instrument import Instrument
from terminal.domain.orders import Fill, Order, OrderRequest
from terminal.domain.venue import (
    AccountReport,
    Balance,
    BalancesEvent,
    ReconcileNotice,
    VenueOrder,
    VenuePosition,
    own_view,
)
from terminal.engine.broker import Broker
from terminal.engine.engine import Engine
from terminal.engine.feed import Feed
from tests.engine.helpers import config_with, quote, registry_with

PAIR = Instrument(
    "COINUSD.X",
    "Coin / USD",
    "X",
    AssetClass.CRYPTO,
    0.01,
    0.001,
    currency="USD",
    base_currency="COIN",
)
SWAP = Instrument(
    "COINUSD-PERP.X",
    "Coin perpetual",
    "X",
    AssetClass.CRYPTO,
    0.01,
    1.0,
    currency="USD",
    margin_rate=0.1,
)


class PairFeed(Feed):
    plugin_name = "pairs"

    def instruments(self) -> list[Instrument]:
        return [PAIR, SWAP]

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass


class LedgerBroker(Broker):
    """A venue kept as plain data: what it reports is whatever the test put there."""

    plugin_name = "ledger"

    def __init__(self, name: str, context: Any, options: Any) -> None:
        super().__init__(name, context, options)
        self.balances = {"USD": 1000.0, "COIN": 2.0}
        self.open: dict[str, VenueOrder] = {}  # client id → order open at the venue
        self.ended: dict[str, VenueOrder] = {}
        self.fills: dict[str, list[Fill]] = {}
        self.positions: list[VenuePosition] | None = None
        self.reports = 0
        self._ids = itertools.count(1)

    async def start(self) -> None:
        self.context.open_account(self.balances["USD"], "USD")
        self.context.set_status(ConnectionStatus.LIVE, "ledger")

    async def stop(self) -> None:
        pass

    def submit(self, order: Order) -> None:
        self.context.update_order(order.order_id, OrderStatus.ACCEPTED)
        self.open[order.order_id] = own_view(order)

    def cancel(self, order: Order) -> None:
        self.open.pop(order.order_id, None)
        self.context.update_order(order.order_id, OrderStatus.CANCELLED, "cancelled")

    async def account_report(self) -> AccountReport:
        self.reports += 1
        balances = [Balance(self.name, c, t, 0.0, t) for c, t in self.balances.items()]
        return AccountReport(self.name, balances, list(self.open.values()), self.positions)

    async def query_order(self, order: Order) -> VenueOrder | None:
        key = order.client_id or order.order_id
        return self.open.get(key) or self.ended.get(key)

    async def order_fills(self, order: Order, venue: VenueOrder) -> list[Fill]:
        key = order.client_id or order.order_id
        return [replace(f, order_id=order.order_id) for f in self.fills.get(key, [])]

    def venue_fill(
        self, key: str, side: Side, quantity: float, price: float, fee: float = 0.0
    ) -> Fill:
        fill = Fill(
            f"ledger-{next(self._ids)}",
            key,
            self.name,
            PAIR.symbol,
            side,
            quantity,
            price,
            1,
            fee * price,
            fee=fee,
            fee_currency="COIN" if fee else "",
        )
        self.fills.setdefault(key, []).append(fill)
        return fill


def engine_with(*brokers: dict[str, Any]) -> Engine:
    registry = registry_with(PairFeed, LedgerBroker)
    config = config_with([{"name": "pairs", "plugin": "pairs"}], list(brokers))
    return Engine(config, registry)


LEDGER = {"name": "venue", "plugin": "ledger"}


async def settle(engine: Engine) -> None:
    for _ in range(20):
        await asyncio.sleep(0)
    while any("reconcile" in t.get_name() for t in engine.tasks):
        await asyncio.sleep(0.001)


def notices(engine: Engine, kind: ReconcileKind | None = None) -> list[ReconcileNotice]:
    return [n for n in engine.reconciler.notices if kind is None or n.kind is kind]


def ledger(engine: Engine) -> LedgerBroker:
    broker = engine.brokers["venue"]
    assert isinstance(broker, LedgerBroker)
    return broker


def test_connect_and_reconnect_reconcile_and_a_broker_without_a_venue_is_left_alone() -> None:
    async def scenario() -> None:
        engine = engine_with(LEDGER, {"name": "paper", "plugin": "paper"})
        seen: list[BalancesEvent] = []
        engine.bus.subscribe(BalancesEvent, seen.append)
        await engine.start()
        await settle(engine)
        venue = ledger(engine)
        assert venue.reports == 1 and not notices(engine)
        context = venue.context
        context.set_status(ConnectionStatus.CONNECTING, "lost")
        context.set_status(ConnectionStatus.LIVE, "back")
        await settle(engine)
        assert venue.reports == 2
        assert {e.broker for e in seen} == {"venue", "paper"}
        assert {(b.broker, b.currency) for b in engine.balances()} >= {
            ("venue", "USD"),
            ("paper", "USD"),
        }
        await engine.stop()

    asyncio.run(scenario())


def test_an_open_order_the_terminal_never_sent_is_adopted_with_its_fills() -> None:
    async def scenario() -> None:
        engine = engine_with(LEDGER)
        await engine.start()
        await settle(engine)
        venue = ledger(engine)
        venue.open["app-7"] = VenueOrder(
            "99",
            "app-7",
            PAIR.symbol,
            Side.BUY,
            OrderType.LIMIT,
            1.0,
            OrderStatus.PARTIALLY_FILLED,
            price=100.0,
            filled_quantity=0.4,
        )
        venue.venue_fill("app-7", Side.BUY, 0.4, 100.0)
        venue.balances.update(USD=960.0, COIN=2.4)  # what that fill did at the venue
        venue.context.request_reconcile("test")
        await settle(engine)
        adopted = next(o for o in engine.order_book.all() if o.client_id == "app-7")
        assert adopted.origin == "venue" and adopted.status is OrderStatus.PARTIALLY_FILLED
        assert adopted.filled_quantity == pytest.approx(0.4)
        assert engine.portfolio.quantity("venue", PAIR.symbol) == pytest.approx(0.4)
        kinds = [n.kind for n in notices(engine)]
        assert kinds == [ReconcileKind.ORDER_ADOPTED, ReconcileKind.FILLS_RECOVERED]
        venue.context.request_reconcile("again")
        await settle(engine)
        assert len([o for o in engine.order_book.all() if o.client_id == "app-7"]) == 1
        await engine.stop()

    asyncio.run(scenario())


def test_orders_that_ended_at_the_venue_are_closed_as_it_closed_them() -> None:
    async def scenario() -> None:
        engine = engine_with(LEDGER)
        await engine.start()
        await settle(engine)
        venue = ledger(engine)
        request = OrderRequest("venue", PAIR.symbol, Side.BUY, 1.0, OrderType.LIMIT, 100.0)
        ids = [engine.submit(request) for _ in range(3)]
        cancelled, filled, vanished = ids
        for order_id in ids:
            venue.open.pop(order_id)
        base = own_view(engine.order_book.get(cancelled))  # type: ignore[arg-type]
        venue.ended[cancelled] = replace(base, status=OrderStatus.CANCELLED)
        venue.ended[filled] = replace(
            own_view(engine.order_book.get(filled)),  # type: ignore[arg-type]
            status=OrderStatus.FILLED,
            filled_quantity=1.0,
        )
        venue.venue_fill(filled, Side.BUY, 1.0, 99.0)
        venue.context.request_reconcile("test")
        await settle(engine)
        states = {i: engine.order_book.get(i) for i in ids}
        assert states[cancelled].status is OrderStatus.CANCELLED  # type: ignore[union-attr]
        assert "cancelled at the venue" in states[cancelled].reason  # type: ignore[union-attr]
        assert states[filled].status is OrderStatus.FILLED  # type: ignore[union-attr]
        assert states[filled].average_price == 99.0  # type: ignore[union-attr]
        assert states[vanished].status is OrderStatus.CANCELLED  # type: ignore[union-attr]
        assert states[vanished].reason == "the venue does not know this order"  # type: ignore[union-attr]
        assert len(notices(engine, ReconcileKind.ORDER_RESOLVED)) == 2
        assert len(notices(engine, ReconcileKind.FILLS_RECOVERED)) == 1
        await engine.stop()

    asyncio.run(scenario())


def test_balances_explained_by_fills_agree_and_the_rest_is_shown_with_both_figures() -> None:
    async def scenario() -> None:
        engine = engine_with(LEDGER)
        await engine.start()
        await settle(engine)
        venue = ledger(engine)
        order_id = engine.submit(
            OrderRequest("venue", PAIR.symbol, Side.BUY, 1.0, OrderType.LIMIT, 100.0)
        )
        # The venue fills it taking the fee in COIN, and changes its balances to match.
        fill = venue.venue_fill(order_id, Side.BUY, 1.0, 100.0, fee=0.001)
        engine.order_book.apply_fill(fill)
        venue.open.pop(order_id)
        venue.balances.update(USD=900.0, COIN=2.999)
        venue.context.request_reconcile("fills only")
        await settle(engine)
        assert not notices(engine, ReconcileKind.BALANCE_DIFFERENCE)
        venue.balances["USD"] += 250.0  # a deposit, nothing the terminal did
        venue.context.request_reconcile("a deposit")
        await settle(engine)
        [usd] = notices(engine, ReconcileKind.BALANCE_DIFFERENCE)
        assert (usd.subject, usd.terminal, usd.venue) == ("USD", 900.0, 1150.0)
        assert "difference +250" in usd.message
        shown = next(b for b in engine.balances() if b.broker == "venue" and b.currency == "USD")
        assert shown.total == 1150.0  # the venue's truth is shown, next to the notice
        await engine.stop()

    asyncio.run(scenario())


def test_derivatives_positions_are_compared_with_the_portfolio() -> None:
    async def scenario() -> None:
        engine = engine_with(LEDGER)
        await engine.start()
        await settle(engine)
        venue = ledger(engine)
        venue.positions = [VenuePosition("venue", SWAP.symbol, -3.0, 101.0)]
        venue.context.request_reconcile("positions")
        await settle(engine)
        [position] = notices(engine, ReconcileKind.POSITION_DIFFERENCE)
        assert (position.subject, position.terminal, position.venue) == (SWAP.symbol, 0.0, -3.0)
        assert engine.venue_positions() == venue.positions
        assert engine.portfolio.quantity("venue", SWAP.symbol) == 0.0  # not written over
        await engine.stop()

    asyncio.run(scenario())


def test_the_paper_broker_reports_its_own_book_and_agrees_with_itself() -> None:
    async def scenario() -> None:
        engine = engine_with({"name": "paper", "plugin": "paper"})
        await engine.start()
        await settle(engine)
        paper = engine.brokers["paper"]
        engine.bus.publish(quote(100.0, 99.9, 100.1, symbol=PAIR.symbol))
        resting = engine.submit(
            OrderRequest("paper", PAIR.symbol, Side.BUY, 1.0, OrderType.LIMIT, 90.0)
        )
        report = await paper.account_report()
        assert report is not None and [o.client_order_id for o in report.open_orders] == [resting]
        assert [(b.currency, b.total) for b in report.balances] == [("USD", 1_000_000.0)]
        assert report.positions is None
        venue_order = await paper.query_order(engine.order_book.get(resting))  # type: ignore[arg-type]
        assert venue_order is not None and venue_order.status is OrderStatus.ACCEPTED
        notices_before = len(notices(engine))
        await engine.reconciler.reconcile("paper", paper, "test")
        assert len(notices(engine)) == notices_before
        await engine.stop()

    asyncio.run(scenario())
