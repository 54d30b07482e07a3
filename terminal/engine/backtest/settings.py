"""The ``[backtest]`` config section: capital, costs and the fill model's switches.

Commission and slippage can be set once for everything, by exchange or by symbol (a symbol's
rule wins over its exchange's, which wins over the defaults).
"""

from __future__ import annotations

import msgspec


class CostRule(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """What one fill costs: commission on its notional, per lot, with a minimum; a rate on
    sells only (A-shares' stamp duty); ``slippage_ticks`` against market and stop fills."""

    rate: float = 0.0
    """Commission, fraction of notional (0.0003 = 3 basis points)."""
    minimum: float = 0.0
    """Least commission per fill."""
    per_lot: float = 0.0
    """Commission per lot (quantity / lot size), e.g. per futures contract."""
    sell_rate: float = 0.0
    """Extra fraction of notional on sells (stamp duty)."""
    slippage_ticks: float = 0.0
    """Market and stop fills this many ticks worse than the fill model's price."""

    def __post_init__(self) -> None:
        for name in ("rate", "minimum", "per_lot", "sell_rate", "slippage_ticks"):
            value = getattr(self, name)
            if not value >= 0:
                raise ValueError(f"{name} must be ≥ 0, got {value!r}")

    def commission(self, quantity: float, notional: float, lot_size: float, sell: bool) -> float:
        fee = notional * self.rate + self.per_lot * quantity / (lot_size or 1.0)
        fee = max(self.minimum, fee)
        return fee + notional * self.sell_rate if sell else fee


class BacktestSection(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """``[backtest]``: defaults of every backtest (the command line and the GUI override the
    capital and the warm-up)."""

    capital: float = 1_000_000.0
    currency: str = "CNY"
    costs: CostRule = msgspec.field(default_factory=CostRule)
    """The default rule."""
    cost_rules: dict[str, CostRule] = msgspec.field(default_factory=dict)
    """Rules by symbol or exchange, e.g. {"SSE" = {rate = 0.00025, minimum = 5.0,
    sell_rate = 0.0005}}; a symbol's rule wins."""
    price_limits: bool = True
    """A-shares: no buy fills at the day's limit-up price, no sell fills at limit-down."""
    annualization: int = 252
    """Periods (days) per year for annual return, volatility, Sharpe and Sortino."""
    processes: int = 0
    """Worker processes of an optimisation (0: one per CPU)."""

    def __post_init__(self) -> None:
        if not self.capital > 0:
            raise ValueError(f"capital must be positive, got {self.capital!r}")
        if self.annualization < 1:
            raise ValueError(f"annualization must be ≥ 1, got {self.annualization!r}")
        if self.processes < 0:
            raise ValueError(f"processes must be ≥ 0, got {self.processes!r}")

    def rule_for(self, symbol: str, exchange: str) -> CostRule:
        return self.cost_rules.get(symbol) or self.cost_rules.get(exchange) or self.costs
