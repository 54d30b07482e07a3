"""A minimal clock-aligned bar builder for the live chart.

Session-aware bars for every timeframe come with the bar engine; this one keeps 1-minute
bars per symbol so the chart and strategies have closed bars and a forming bar to show.
"""

from __future__ import annotations

from collections import deque

from terminal.domain.events import BarEvent
from terminal.domain.market import Bar, Tick
from terminal.engine.bus import EventBus

MINUTE_NS = 60_000_000_000


class _Forming:
    __slots__ = ("close", "day_volume", "high", "low", "open", "start", "ticks", "volume")

    def __init__(self, start: int, price: float, day_volume: float) -> None:
        self.start = start
        self.open = self.high = self.low = self.close = price
        self.volume = 0.0
        self.day_volume = day_volume
        self.ticks = 0


class MinuteBars:
    """1-minute bars per symbol: closed history (bounded) and the forming bar."""

    timeframe = "1m"

    def __init__(self, bus: EventBus, keep: int = 2000) -> None:
        self._bus = bus
        self._keep = keep
        self._history: dict[str, deque[Bar]] = {}
        self._forming: dict[str, _Forming] = {}

    def seed(self, symbol: str, bars: list[Bar]) -> None:
        """Start a symbol's history with bars from a feed (oldest first)."""
        self._history[symbol] = deque(bars[-self._keep :], maxlen=self._keep)

    def history(self, symbol: str) -> list[Bar]:
        return list(self._history.get(symbol, ()))

    def forming(self, symbol: str) -> Bar | None:
        current = self._forming.get(symbol)
        return self._bar(symbol, current) if current else None

    def on_tick(self, tick: Tick) -> None:
        start = tick.ts - tick.ts % MINUTE_NS
        current = self._forming.get(tick.symbol)
        if current is None or start > current.start:
            day_volume = current.day_volume if current else tick.volume
            if current is not None:
                self._close(tick.symbol, current)
            current = _Forming(start, tick.last, day_volume)
            self._forming[tick.symbol] = current
        elif start < current.start:
            return  # late tick for a bar already closed
        price = tick.last
        if price > current.high:
            current.high = price
        if price < current.low:
            current.low = price
        current.close = price
        if tick.volume >= current.day_volume:
            current.volume += tick.volume - current.day_volume
        current.day_volume = tick.volume
        current.ticks += 1

    def _close(self, symbol: str, forming: _Forming) -> None:
        bar = self._bar(symbol, forming)
        history = self._history.get(symbol)
        if history is None:
            history = self._history[symbol] = deque(maxlen=self._keep)
        history.append(bar)
        self._bus.publish(BarEvent(bar, closed=True))

    def _bar(self, symbol: str, forming: _Forming) -> Bar:
        return Bar(
            symbol=symbol,
            timeframe=self.timeframe,
            start=forming.start,
            open=forming.open,
            high=forming.high,
            low=forming.low,
            close=forming.close,
            volume=forming.volume,
            ticks=forming.ticks,
        )
