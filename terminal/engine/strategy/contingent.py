"""The strategy helpers for contingent orders (brackets, OCO exits, trailing stops): part of
:class:`~terminal.engine.strategy.base.Strategy`, kept apart to keep each file small.

The orders are the engine's (``engine/orders/contingent.py``): the same live, in a backtest and
in a replay. A refusal (a take-profit on the wrong side, a broker that cannot trail) is said in
the instance's log and the helper returns "" (or []).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from msgspec.structs import replace

from terminal.domain.contingent import SubmitBracket, SubmitOco, SubmitTrailingStop, Trail
from terminal.domain.enums import Offset, OrderType, Side
from terminal.domain.events import SubmitOrder
from terminal.domain.orders import OrderRequest

if TYPE_CHECKING:
    from terminal.engine.strategy.base import StrategyContext


class ContingentHelpers:
    """``buy_bracket``, ``sell_bracket``, ``exit_oco`` and ``trail`` for every strategy."""

    if TYPE_CHECKING:  # what Strategy provides
        context: StrategyContext

        def position_of(self, symbol: str | None = None) -> float: ...

        def _checked(self, symbol: str | None) -> str: ...

        def _request(
            self, side: Side, quantity: float, price: float | None, reason: str,
            offset: Offset, trigger: float, symbol: str,
        ) -> OrderRequest: ...  # fmt: skip

    def buy_bracket(
        self, quantity: float, price: float | None = None, *, take_profit: float = 0.0,
        stop_loss: float = 0.0, trail_distance: float = 0.0, trail_percent: float = 0.0,
        reason: str = "", offset: Offset = Offset.NONE, symbol: str | None = None,
    ) -> str:  # fmt: skip
        """Buy at market (or at ``price`` as a limit) with a take-profit (a sell limit above)
        and a stop-loss (a sell stop below) attached: they go live when the buy fills, sized
        to what filled, and the first filled cancels the other. ``trail_distance`` or
        ``trail_percent``: the stop-loss trails the price (starting at ``stop_loss``, or at
        that distance from the fill). Returns the entry's id ("" if refused); its exits are
        ``<id>-TP`` and ``<id>-SL``."""
        trail = Trail.of(trail_distance, trail_percent)
        return self._bracket(Side.BUY, quantity, price, take_profit, stop_loss, trail, reason,
                             offset, symbol)  # fmt: skip

    def sell_bracket(
        self, quantity: float, price: float | None = None, *, take_profit: float = 0.0,
        stop_loss: float = 0.0, trail_distance: float = 0.0, trail_percent: float = 0.0,
        reason: str = "", offset: Offset = Offset.NONE, symbol: str | None = None,
    ) -> str:  # fmt: skip
        """:meth:`buy_bracket` the other way: a sell, its take-profit below, stop-loss above."""
        trail = Trail.of(trail_distance, trail_percent)
        return self._bracket(Side.SELL, quantity, price, take_profit, stop_loss, trail, reason,
                             offset, symbol)  # fmt: skip

    def exit_oco(
        self, quantity: float, *, take_profit: float, stop_loss: float, reason: str = "",
        offset: Offset = Offset.NONE, symbol: str | None = None,
    ) -> list[str]:  # fmt: skip
        """Close ``quantity`` of the position in ``symbol`` (the side against what is held)
        at ``take_profit`` (a limit) or ``stop_loss`` (a stop), whichever comes first: one
        cancels the other. Returns the two order ids ([] if refused)."""
        symbol = self._checked(symbol)
        side = Side.SELL if self.position_of(symbol) >= 0 else Side.BUY
        limit = self._request(side, quantity, take_profit, reason, offset, 0.0, symbol)
        stop = self._request(side, quantity, None, reason, offset, stop_loss, symbol)
        return self.context.place(SubmitOco([SubmitOrder("", limit), SubmitOrder("", stop)]))

    def trail(
        self, quantity: float, *, distance: float = 0.0, percent: float = 0.0,
        side: Side | None = None, reason: str = "", offset: Offset = Offset.NONE,
        symbol: str | None = None,
    ) -> str:  # fmt: skip
        """A trailing stop of ``quantity``: by default against the position held (a sell stop
        under a long), ``distance`` (price) or ``percent`` from the best price since it
        began, moving only the protective way. Returns its id ("" if refused)."""
        symbol = self._checked(symbol)
        if side is None:
            side = Side.SELL if self.position_of(symbol) >= 0 else Side.BUY
        request = self._request(side, quantity, None, reason, offset, 0.0, symbol)
        trail = Trail.of(distance, percent) or Trail()
        ids = self.context.place(SubmitTrailingStop("", replace(
            request, order_type=OrderType.STOP), trail))  # fmt: skip
        return ids[0] if ids else ""

    def _bracket(
        self, side: Side, quantity: float, price: float | None, take_profit: float,
        stop_loss: float, trail: Trail | None, reason: str, offset: Offset, symbol: str | None,
    ) -> str:  # fmt: skip
        entry = self._request(side, quantity, price, reason, offset, 0.0, self._checked(symbol))
        ids = self.context.place(SubmitBracket("", entry, take_profit, stop_loss, trail))
        return ids[0] if ids else ""
