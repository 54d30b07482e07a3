"""A forming bar of a higher timeframe, and the feed's day figures a day bar takes."""

from __future__ import annotations

import msgspec

from terminal.domain.market import Bar, Tick


class Forming:
    """A forming bar of a higher timeframe, folded from closed base bars (after a seed from
    history: only base bars starting at or after ``covered``, the end of what history held)."""

    __slots__ = (
        "close", "covered", "end", "high", "low", "oi", "open", "seed_turn", "seed_vol",
        "seeded", "start", "ticks", "turn", "vol",
    )  # fmt: skip

    def __init__(self, start: int, end: int, bar: Bar, covered: int = 0) -> None:
        self.start, self.end = start, end
        self.open, self.high, self.low, self.close = bar.open, bar.high, bar.low, bar.close
        self.vol, self.turn = bar.volume, bar.turnover
        self.oi, self.ticks = bar.open_interest, bar.ticks
        self.covered, self.seeded = covered, covered > 0
        self.seed_vol, self.seed_turn = (bar.volume, bar.turnover) if covered else (0.0, 0.0)

    def fold(self, bar: Bar) -> None:
        self.high = max(self.high, bar.high)
        self.low = min(self.low, bar.low)
        self.close, self.oi = bar.close, bar.open_interest
        self.vol += bar.volume
        self.turn += bar.turnover
        self.ticks += bar.ticks

    def bar(self, symbol: str, timeframe: str, base: Bar | None = None) -> Bar:
        high, low, close, oi = self.high, self.low, self.close, self.oi
        vol, turn, ticks = self.vol, self.turn, self.ticks
        if base is not None:
            high, low = max(high, base.high), min(low, base.low)
            close, oi = base.close, base.open_interest
            vol, turn, ticks = vol + base.volume, turn + base.turnover, ticks + base.ticks
        return Bar(symbol, timeframe, self.start, self.open, high, low, close, vol, turn, oi, ticks)


def with_feed_day(bar: Bar, agg: Forming, tick: Tick, before: tuple[float, float]) -> Bar:
    """``bar`` (today's, from ``agg``) with the feed's own day figures from its latest
    ``tick``, for a day whose first tick came after the open; ``before``: the day volume and
    turnover that first tick reported (traded before the terminal watched).

    History seeded into the bar keeps its open. The day volume is the feed's own when it is at
    least what the seeded history holds (a feed counting the whole day); otherwise (a feed
    counting from its own start) the history plus what traded live since it."""
    if not tick.high >= tick.low > 0.0 or tick.open <= 0.0:
        return bar  # the feed does not report the day's figures
    before_vol, before_turn = before
    live_vol, live_turn = bar.volume - agg.seed_vol, bar.turnover - agg.seed_turn
    return msgspec.structs.replace(
        bar,
        open=bar.open if agg.seeded else tick.open,
        high=max(bar.high, tick.high),
        low=min(bar.low, tick.low),
        volume=_day_total(tick.volume, agg.seed_vol, live_vol, before_vol),
        turnover=_day_total(tick.turnover, agg.seed_turn, live_turn, before_turn),
    )


def _day_total(feed_day: float, seeded: float, live: float, before: float) -> float:
    if feed_day >= seeded and feed_day >= live:
        return feed_day
    return live + max(seeded, before)
