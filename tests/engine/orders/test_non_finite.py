"""NaN never switches risk off: non-finite quotes and fills are dropped at the boundary
(counted, logged), a limit must be a finite number >= 0, and a check that cannot evaluate
refuses the order."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import msgspec
import pytest

from terminal.domain.enums import OrderStatus, OrderType, Side
from terminal.domain.orders import Order, OrderRequest
from terminal.engine.config import ConfigError, load_config
from terminal.engine.engine import Engine
from terminal.engine.orders.pretrade import Refusal
from tests.engine.helpers import TEST_SYMBOL, ManualFeed, RaisingBroker, quote, registry_with
from tests.engine.orders.test_pretrade import SYMBOL, Desk, buy

NAN = math.nan


def engine_with(risk: dict[str, object]) -> Engine:
    config = load_config(
        overrides={
            "feeds": [{"name": "manual", "plugin": "manual"}],
            "brokers": [{"name": "paper", "plugin": "paper"}],
            "risk": risk,
        }
    )
    return Engine(config, registry_with(ManualFeed))


def test_a_nan_quote_is_dropped_counted_and_logged_and_the_limit_still_holds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = engine_with({"max_order_notional": 1000.0, "price_band_pct": 5.0})

    async def scenario() -> None:
        await engine.start()
        feed = engine.feeds["manual"]
        assert isinstance(feed, ManualFeed)
        try:
            feed.push(quote(10.0, 9.99, 10.01))
            feed.push(quote(NAN, 9.99, 10.01))
            feed.push(msgspec.structs.replace(quote(10.0, 9.99, 10.01), ask_sizes=(math.inf,)))
            assert engine.latest[TEST_SYMBOL].last == 10.0  # the NaN never reached the bus
            # 100x over the notional limit: refused against the last good price.
            big = engine.submit(OrderRequest("paper", TEST_SYMBOL, Side.BUY, 10_000))
            far = engine.submit(
                OrderRequest("paper", TEST_SYMBOL, Side.BUY, 1, OrderType.LIMIT, 20.0)
            )
            for _ in range(8):
                feed.push(quote(math.inf, 9.99, 10.01))
        finally:
            await engine.stop()
        assert status(engine, big) is OrderStatus.REJECTED
        assert reason(engine, big) == (
            "risk (global): max order notional: 100,000.00 > limit 1,000.00"
        )
        assert reason(engine, far).startswith("risk (global): price band: price 20.00 is +100.00%")

    asyncio.run(scenario())
    assert engine.malformed_ticks() == {"manual": 10}
    lines = [r.getMessage() for r in caplog.records if "malformed tick" in r.getMessage()]
    assert lines == [
        f"feed manual: dropped a malformed tick of {TEST_SYMBOL} (last = nan); 1 dropped so far",
        f"feed manual: dropped a malformed tick of {TEST_SYMBOL} (last = inf); 10 dropped so far",
    ]


def status(engine: Engine, order_id: str) -> OrderStatus:
    order = engine.order_book.get(order_id)
    assert order is not None
    return order.status


def reason(engine: Engine, order_id: str) -> str:
    order = engine.order_book.get(order_id)
    assert order is not None
    return order.reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[risk]\nmax_order_notional = nan\n", "risk.max_order_notional = nan: Expected"),
        ("[risk]\nprice_band_pct = inf\n", "risk.price_band_pct = inf: Expected"),
        ("[risk]\ndaily_loss_limit = -5.0\n", "risk.daily_loss_limit = -5.0: Expected"),
        # Under a table of names the message cannot say which name (msgspec reports "[...]").
        ("[risk.brokers.paper]\nmax_position = nan\n", "max_position: Expected `float` >= 0.0"),
    ],
)  # fmt: skip
def test_a_limit_that_is_not_a_finite_number_at_least_0_is_refused_at_load(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert expected in message and str(path) in message and "\n" not in message


def test_a_check_that_cannot_evaluate_refuses() -> None:
    desk = Desk(risk={"max_order_notional": 1e6, "price_band_pct": 5})
    del desk.market.latest[SYMBOL]  # no quote yet
    assert desk.check(buy()) == Refusal(
        "max order notional",
        f"max order notional: cannot be checked: no usable last price of {SYMBOL} (none yet) "
        "to value a market order",
    )
    limit = buy(order_type=OrderType.LIMIT, price=10.0)
    assert desk.check(limit) == Refusal(
        "price band",
        f"price band: cannot be checked: no usable last price of {SYMBOL} (none yet) to "
        "compare the price with",
    )


class NanFillBroker(RaisingBroker):
    """Fills every order with a NaN price (a broken venue adapter)."""

    plugin_name = "nan_fill"

    def submit(self, order: Order) -> None:
        self.context.update_order(order.order_id, OrderStatus.ACCEPTED)
        self.context.add_fill(order.order_id, "f1", order.quantity, NAN, 0.0)


def test_a_fill_with_a_nan_price_is_ignored_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    config = load_config(
        overrides={
            "feeds": [{"name": "manual", "plugin": "manual"}],
            "brokers": [{"name": "bad", "plugin": "nan_fill"}],
        }
    )
    engine = Engine(config, registry_with(ManualFeed, NanFillBroker))

    async def scenario() -> None:
        await engine.start()
        feed = engine.feeds["manual"]
        assert isinstance(feed, ManualFeed)
        feed.push(quote(10.0, 9.99, 10.01))
        try:
            engine.submit(OrderRequest("bad", TEST_SYMBOL, Side.BUY, 1))
        finally:
            await engine.stop()

    asyncio.run(scenario())
    assert engine.portfolio.quantity("bad", TEST_SYMBOL) == 0
    assert "reported a malformed fill f1" in caplog.text
