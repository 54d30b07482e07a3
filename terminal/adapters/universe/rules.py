"""Lot and tick sizes of the Shanghai, Shenzhen and Beijing exchanges, by board and kind.

No vendor answer carries them for A-shares (Eastmoney's ``f1`` gives price decimals only),
so they are the exchanges' trading rules, not vendor data:

- main boards (SSE, SZSE) and ChiNext: buys in multiples of 100 shares; prices in 0.01 yuan
  (SSE and SZSE Trading Rules);
- STAR Market (688, 689): at least 200 shares a buy order, then any number of shares
  (SSE STAR Market trading rules: "不小于200股 … 超过200股的部分，可以以1股为单位递增");
- Beijing Stock Exchange: at least 100 shares, then any number (BSE Trading Rules:
  "不低于100股，每笔申报可以1股为单位递增");
- funds (ETFs, LOFs): buys in multiples of 100 units; prices in 0.001 yuan;
- indices: not tradable; shown with 0.01.

A sell may be any remainder below these (the rules let an odd lot be sold in one go), so
the minimum applies to buys. ``classify`` gives the kind and board of a code where no list
says it (a symbol typed before the universe was downloaded).
"""

from __future__ import annotations

from typing import NamedTuple

from terminal.domain.enums import InstrumentKind


class Rule(NamedTuple):
    lot_size: float
    min_quantity: float
    tick_size: float


RULES: dict[tuple[InstrumentKind, str], Rule] = {
    (InstrumentKind.STOCK, "main"): Rule(100.0, 0.0, 0.01),
    (InstrumentKind.STOCK, "chinext"): Rule(100.0, 0.0, 0.01),
    (InstrumentKind.STOCK, "star"): Rule(1.0, 200.0, 0.01),
    (InstrumentKind.STOCK, "bse"): Rule(1.0, 100.0, 0.01),
    (InstrumentKind.ETF, "fund"): Rule(100.0, 0.0, 0.001),
    (InstrumentKind.LOF, "fund"): Rule(100.0, 0.0, 0.001),
    (InstrumentKind.INDEX, "index"): Rule(1.0, 0.0, 0.01),
}


def rule(kind: InstrumentKind, board: str) -> Rule:
    """The rule of ``kind`` on ``board`` (a main-board stock's for anything unknown)."""
    return RULES.get((kind, board), RULES[(InstrumentKind.STOCK, "main")])


def classify(code: str, exchange: str) -> tuple[InstrumentKind, str]:
    """Kind and board of a 6-digit ``code`` on ``exchange`` (SSE, SZSE, BSE), by the
    exchanges' code ranges."""
    if exchange == "SSE":
        if code.startswith(("688", "689")):
            return InstrumentKind.STOCK, "star"
        if code.startswith("000"):
            return InstrumentKind.INDEX, "index"
        if code.startswith(("501", "502", "506")):
            return InstrumentKind.LOF, "fund"
        if code.startswith("5"):
            return InstrumentKind.ETF, "fund"
    elif exchange == "SZSE":
        if code.startswith(("300", "301")):
            return InstrumentKind.STOCK, "chinext"
        if code.startswith("399"):
            return InstrumentKind.INDEX, "index"
        if code.startswith("159"):
            return InstrumentKind.ETF, "fund"
        if code.startswith("16"):
            return InstrumentKind.LOF, "fund"
    elif exchange == "BSE":
        if code.startswith("899"):
            return InstrumentKind.INDEX, "index"
        return InstrumentKind.STOCK, "bse"
    return InstrumentKind.STOCK, "main"
