"""The ``[backtest]`` section: the documented example loads, and bad values are named."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from terminal.engine.config import ConfigError, load_config

PAGE = Path(__file__).resolve().parents[3] / "docs" / "backtesting.md"


def test_the_documented_section_loads() -> None:
    block = re.search(r"```toml\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert block is not None
    config = load_config(overrides=tomllib.loads(block.group(1)))
    section = config.backtest
    assert section.capital == 1_000_000.0 and section.annualization == 252
    assert section.rule_for("600000.SSE", "SSE").sell_rate == 0.0005
    assert section.rule_for("000001.SZSE", "SZSE") == section.costs
    assert section.costs.slippage_ticks == 1


@pytest.mark.parametrize(
    ("section", "message"),
    [({"capitol": 1.0}, "unknown key 'backtest.capitol'"),
     ({"capital": -5.0}, "capital must be positive, got -5.0"),
     ({"costs": {"rate": -0.1}}, "rate must be ≥ 0, got -0.1"),
     ({"annualization": 0}, "annualization must be ≥ 1, got 0")],
)  # fmt: skip
def test_bad_values_are_named(section: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(overrides={"backtest": section})
