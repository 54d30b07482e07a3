"""The one pre-trade pipeline: every order passes the same ordered checks before its broker.

The order of the checks is :func:`standard_checks`: the request's fields, then whether it can
trade now (broker connection, trading session), what may be sold or closed today (T+1, close
offsets), the live guard, the risk limits, and what the account can pay for (cash and
margin). A new rule is one :class:`~terminal.engine.orders.checks.PreTradeCheck` subclass
added to that list at the place it belongs. The first check that refuses decides; a check
that raises (or cannot decide) refuses too, so a broken rule never lets an order through.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import NamedTuple

from terminal.domain.orders import OrderRequest
from terminal.engine.bus import EventBus
from terminal.engine.config import Config
from terminal.engine.orders.checks import (
    BrokerAccount,
    BrokerConnected,
    BrokerTakes,
    CannotCheck,
    CloseOffsets,
    InstrumentTrading,
    KnownBroker,
    LiveGuard,
    PreTradeCheck,
    PreTradeView,
    RequestFields,
    TPlusOne,
    TrippedBreaker,
)
from terminal.engine.orders.funds import CashAndMargin
from terminal.engine.orders.risk import (
    DailyLoss,
    MaxOpenOrders,
    MaxOrderNotional,
    MaxOrderQuantity,
    MaxPosition,
    OrderRate,
    PriceBand,
    TradingSession,
)

log = logging.getLogger("terminal.engine")


def standard_checks(config: Config) -> list[PreTradeCheck]:
    """Every order's checks, in the order they run."""
    risk = config.risk
    return [
        # 1. the request's own fields
        KnownBroker(),
        BrokerAccount(),
        RequestFields(),
        BrokerTakes(),
        # 2. can the instrument trade now
        BrokerConnected(),
        InstrumentTrading(),
        TradingSession(risk),
        # 3. what may be sold or closed today
        TPlusOne(config.engine.t_plus_one, config.engine.t_plus_zero),
        CloseOffsets(),
        # 4. no order from history or warm-up, nor from a strategy a breaker stopped
        LiveGuard(),
        TrippedBreaker(),
        # 5. the risk limits
        MaxOrderQuantity(risk),
        MaxOrderNotional(risk),
        MaxPosition(risk),
        MaxOpenOrders(risk),
        OrderRate(risk),
        PriceBand(risk),
        DailyLoss(risk),
        # 6. what the account can pay for
        CashAndMargin(risk.funds_check),
    ]


class Refusal(NamedTuple):
    rule: str
    """The ``rule`` of the check that refused."""
    reason: str
    """What the order's rejection says."""


class PreTradePipeline:
    """Runs ``checks`` in order on each request; ``check`` returns None or the refusal."""

    def __init__(self, checks: Sequence[PreTradeCheck], view: PreTradeView, bus: EventBus) -> None:
        self.checks = tuple(checks)
        self.view = view
        for check in self.checks:
            check.watch(bus, view)
        # Bound once: every order runs them all (a backtest places thousands a second).
        self._runs = tuple((check, check.check) for check in self.checks)
        self._counting = tuple(
            check.accepted
            for check in self.checks
            if type(check).accepted is not PreTradeCheck.accepted  # the rules that count
        )

    def check(self, request: OrderRequest) -> Refusal | None:
        """The first refusal of ``request``; None when it passed every check (which then
        count it as sent)."""
        view = self.view
        for check, run in self._runs:
            try:
                reason = run(request, view)
            except CannotCheck as exc:
                reason = f"{check.rule}: cannot be checked: {exc}"
            except Exception as exc:
                log.exception("pre-trade check '%s' raised on %s", check.rule, request)
                reason = f"{check.rule}: check failed: {type(exc).__name__}: {exc}"
            if reason:
                return Refusal(check.rule, reason)
        for accepted in self._counting:
            accepted(request)
        return None

    def check_modification(self, request: OrderRequest) -> Refusal | None:
        """The first refusal of a working order's modification, ``request`` holding its new
        figures, by the checks that apply to one (``on_modify``); None when they pass."""
        for check, run in self._runs:
            if not check.on_modify:
                continue
            try:
                reason = run(request, self.view)
            except Exception as exc:  # CannotCheck or a broken rule: refused, as an order
                reason = f"{check.rule}: cannot be checked: {exc}"
            if reason:
                return Refusal(check.rule, reason)
        return None
