"""A-share T+1 is on by default: shares (and equity ETFs) bought today cannot be sold today;
the ETFs that trade T+0 are excepted by instrument."""

from __future__ import annotations

import asyncio

from terminal.domain.enums import OrderStatus, Side
from terminal.domain.events import Tick
from terminal.domain.orders import OrderRequest
from terminal.engine.config import load_config
from terminal.engine.engine import Engine

MOUTAI, EQUITY_ETF, GOLD_ETF = "600519.SSE", "510300.SSE", "518880.SSE"


def round_trip(symbols: list[str], **engine: object) -> dict[str, tuple[OrderStatus, str]]:
    """On the shipped defaults: buy 100 of each symbol, then sell them the same day. Returns
    each sell's status and reason."""
    overrides = {"engine": engine} if engine else {}
    live = Engine(load_config(overrides=overrides))

    async def scenario() -> dict[str, tuple[OrderStatus, str]]:
        await live.start()
        try:
            while not all(isinstance(live.latest.get(s), Tick) for s in symbols):
                await asyncio.sleep(0.01)
            sells = {}
            for symbol in symbols:
                bought = live.submit(OrderRequest("paper", symbol, Side.BUY, 100))
                assert live.order_book.get(bought).status is OrderStatus.FILLED  # type: ignore[union-attr]
                sells[symbol] = live.submit(OrderRequest("paper", symbol, Side.SELL, 100))
            found = {s: live.order_book.get(i) for s, i in sells.items()}
            return {s: (o.status, o.reason) for s, o in found.items() if o is not None}
        finally:
            await live.stop()

    return asyncio.run(scenario())


def test_a_same_day_sell_of_a_share_or_equity_etf_is_refused_and_t0_etfs_are_not() -> None:
    sells = round_trip([MOUTAI, EQUITY_ETF, GOLD_ETF])
    for symbol in (MOUTAI, EQUITY_ETF):
        assert sells[symbol] == (
            OrderStatus.REJECTED,
            f"T+1: only 0 of {symbol} can be sold today (shares bought today settle next "
            "trading day)",
        )
    assert sells[GOLD_ETF][0] is OrderStatus.FILLED


def test_the_exceptions_follow_the_config() -> None:
    config = load_config()
    assert config.engine.t_plus_one == ["SSE", "SZSE", "BSE"]
    assert "513*.SSE" in config.engine.t_plus_zero  # cross-border ETFs, e.g. 513100
    sells = round_trip([MOUTAI, EQUITY_ETF], t_plus_zero=["510300.SSE"])
    assert sells[EQUITY_ETF][0] is OrderStatus.FILLED
    assert sells[MOUTAI][0] is OrderStatus.REJECTED
    off = round_trip([MOUTAI], t_plus_one=[])
    assert off[MOUTAI][0] is OrderStatus.FILLED
