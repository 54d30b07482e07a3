"""An engine with the paper broker and a 'real' one (``desk``) for the trading tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from terminal.domain.enums import OrderStatus, PluginKind
from terminal.engine.config import Config, load_config
from terminal.engine.engine import Engine
from tests.engine.helpers import RaisingBroker


class DeskBroker(RaisingBroker):
    """A 'real' broker for the confirmation test: accepts every order, fills nothing."""

    plugin_name = "desk"

    async def start(self) -> None:
        self.context.open_account(1_000_000.0, "CNY")  # a desk account, as paper's

    def submit(self, order: Any) -> None:
        self.context.update_order(order.order_id, OrderStatus.ACCEPTED)


def desk_config() -> Config:
    """A fast seeded simulated feed; brokers paper (orders up to 100,000) and desk."""
    return load_config(
        overrides={
            "feeds": [
                {"name": "sim", "plugin": "simulated", "options": {"rate": 800.0, "seed": 5}}
            ],
            "brokers": [{"name": "paper", "plugin": "paper"}, {"name": "desk", "plugin": "desk"}],
            "risk": {"brokers": {"paper": {"max_order_quantity": 100000}}},
        }
    )


def desk_engine(config: Config) -> Engine:
    """An engine that knows the desk broker (not started)."""
    engine = Engine(config)
    engine.registry._classes[PluginKind.BROKER]["desk"] = DeskBroker
    return engine


def started_desk_engine(config: Config, run_async: Callable[..., Any]) -> Engine:
    engine = desk_engine(config)
    run_async(engine.start())
    return engine


def quiet_desk_engine(run_async: Callable[..., Any]) -> Iterator[Engine]:
    """For an ``engine`` fixture: the desk engine with its simulated feed stopped (the tests
    set every quote themselves), stopped after the test."""
    engine = started_desk_engine(desk_config(), run_async)
    run_async(engine.feeds["sim"].stop())
    yield engine
    run_async(engine.stop())
