"""The shipped strategies run unchanged in a backtest: single-symbol, with stops, two legs."""

from __future__ import annotations

import msgspec
import pytest

from terminal.domain.enums import PluginKind
from terminal.engine.plugins.registry import PluginRegistry
from terminal.engine.strategy import Strategy
from tests.engine.backtest.helpers import STOCK, frame, run, walk


@pytest.fixture(scope="module")
def registry() -> PluginRegistry:
    found = PluginRegistry()
    found.discover(entry_points=False)
    return found


def strategy(registry: PluginRegistry, name: str) -> type[Strategy]:
    cls = registry.get(PluginKind.STRATEGY, name)
    assert cls is not None, name
    return cls


@pytest.mark.parametrize(
    ("name", "params"),
    [("sma_cross", {}), ("dual_ma", {}), ("breakout", {"window": 10, "stop_pct": 0.2})],
)
def test_a_single_symbol_strategy_trades_in_a_backtest(
    registry: PluginRegistry, name: str, params: dict[str, float]
) -> None:
    result = run(strategy(registry, name), frame(walk(3000, seed=9)), params=params)
    assert result.ok, result.error
    assert result.stats["fills"] > 20
    if name == "breakout":  # its protective stops fill, on the tick grid
        assert sum("stopped out" in line for line in result.log) > 5
        assert all(round(f.price, 2) == f.price for f in result.fills)


def test_the_pairs_strategy_trades_both_legs(registry: PluginRegistry) -> None:
    other = msgspec.structs.replace(STOCK, symbol="U.LOCAL")
    legs = {"T.LOCAL": frame(walk(3000, seed=1)), "U.LOCAL": frame(walk(3000, seed=2))}
    result = run(strategy(registry, "pairs"), legs, instruments=[STOCK, other],
                 params={"window": 30, "entry_z": 1.5})  # fmt: skip
    assert result.ok, result.error
    assert {f.symbol for f in result.fills} == {"T.LOCAL", "U.LOCAL"}


def test_a_tick_strategy_runs_and_places_nothing_on_bars(registry: PluginRegistry) -> None:
    result = run(strategy(registry, "twap"), frame(walk(100)))
    assert result.ok and result.fills == []
