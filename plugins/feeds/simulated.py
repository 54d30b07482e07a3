"""The simulated feed: realistic ticks for stocks, futures, crypto and FX, with no network.

Prices walk on each instrument's tick grid with a pull back towards where they started;
bid/ask carry five levels; volume and turnover are cumulative for the day, a minute trading
what a minute of the seeded history does at any tick rate; futures carry open interest. In
``sessions`` mode an instrument ticks only while its exchange is open; in ``demo`` mode (the
default) everything trades around the clock so the terminal always moves.
"""

from __future__ import annotations

import asyncio
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
import numpy as np

from terminal.domain.enums import AssetClass, ConnectionStatus
from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar, Tick
from terminal.engine.feed import Feed, FeedContext, cancel_and_wait
from terminal.engine.paths import RESOURCES

MINUTE_NS = 60_000_000_000
SECONDS_PER_DAY = 86_400.0
DEFAULT_MARGIN = {AssetClass.FUTURE: 0.12}
MAX_TICKS_PER_TURN = 500  # ~1 ms to build here, a few more for the engine to handle
MAX_CATCH_UP_S = 0.25


class SimulatedFeedOptions(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    rate: Annotated[float, msgspec.Meta(gt=0)] = 200.0
    """Ticks per second, across all instruments."""
    interval_ms: Annotated[int, msgspec.Meta(ge=1)] = 50
    """How often a batch of ticks is produced."""
    mode: Literal["demo", "sessions"] = "demo"
    seed: int | None = None
    instruments_file: str = ""
    history_bars: int = 600


class SimInstrument(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    symbol: str
    name: str
    exchange: str
    asset_class: AssetClass
    tick_size: float
    lot_size: float = 1.0
    multiplier: float = 1.0
    currency: str = "USD"
    sessions: str = "always"
    price: float
    volatility: float = 0.02
    day_volume: float = 1_000_000.0
    open_interest: float = 0.0
    margin_rate: float = 0.0

    def instrument(self, around_the_clock: bool = False) -> Instrument:
        """The instrument; in demo mode it trades around the clock, so say so to the bars."""
        return Instrument(
            symbol=self.symbol,
            name=self.name,
            exchange=self.exchange,
            asset_class=self.asset_class,
            tick_size=self.tick_size,
            lot_size=self.lot_size,
            multiplier=self.multiplier,
            currency=self.currency,
            sessions="always" if around_the_clock else self.sessions,
            margin_rate=self.margin_rate
            or (0.12 if self.asset_class is AssetClass.FUTURE else 0.0),
        )


def load_sim_instruments(path: Path) -> list[SimInstrument]:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    return msgspec.convert(raw.get("instrument", []), list[SimInstrument])


class SimulatedFeed(Feed):
    """Seedable random-walk quotes; up to tens of thousands of ticks a second."""

    plugin_name = "simulated"
    Options = SimulatedFeedOptions

    def __init__(self, name: str, context: FeedContext, options: SimulatedFeedOptions) -> None:
        super().__init__(name, context, options)
        path = (
            Path(options.instruments_file)
            if options.instruments_file
            else (RESOURCES / "sim_instruments.toml")
        )
        self._specs = load_sim_instruments(path)
        demo = options.mode == "demo"
        self._instruments = [spec.instrument(around_the_clock=demo) for spec in self._specs]
        self._index = {spec.symbol: i for i, spec in enumerate(self._specs)}
        self._rng = np.random.default_rng(options.seed)
        count = len(self._specs)
        self._tick = np.array([s.tick_size for s in self._specs])
        self._anchor = np.array([s.price for s in self._specs])
        self._price = self._anchor.copy()
        self._open = self._anchor.copy()
        self._high = self._anchor.copy()
        self._low = self._anchor.copy()
        self._prev_close = self._anchor.copy()
        self._volume = np.zeros(count)
        self._turnover = np.zeros(count)
        self._oi = np.array([s.open_interest for s in self._specs])
        # Typical step per tick, in ticks: daily volatility spread over ~5,000 ticks a day.
        step = np.array([s.volatility * s.price / np.sqrt(5000.0) for s in self._specs])
        self._step_ticks = np.maximum(1.0, np.round(step / self._tick))
        self._day_volume = np.array([s.day_volume for s in self._specs])
        self._trade_size = np.array([max(s.lot_size, s.day_volume / 5000.0) for s in self._specs])
        self._lot = np.array([s.lot_size for s in self._specs])
        # Book levels hold a few typical trades each, in whole lots.
        self._level_unit = np.maximum(
            self._lot, np.round(self._trade_size / 4 / self._lot) * self._lot
        )
        self._scale = np.array([10.0**i.price_decimals for i in self._instruments])
        self._multiplier = np.array([s.multiplier for s in self._specs])
        self._symbols = np.array([s.symbol for s in self._specs], dtype=object)
        self._task: asyncio.Future[None] | None = None
        self._carry = 0.0
        self.ticks_sent = 0
        self._history_done = False

    def instruments(self) -> list[Instrument]:
        return list(self._instruments)

    def history(self, symbol: str, timeframe: str, count: int) -> list[Bar]:
        """Synthetic 1-minute history ending at the current minute; sets the starting price."""
        if timeframe != "1m":
            return []
        index = self._index.get(symbol)
        if index is None:
            return []
        count = min(count, self.options.history_bars)
        if count <= 0:
            return []
        bars = self._make_history(index, count)
        self._price[index] = bars[-1].close
        self._open[index] = self._high[index] = self._low[index] = bars[-1].close
        self._prev_close[index] = bars[0].open
        return bars

    def _make_history(self, index: int, count: int) -> list[Bar]:
        spec = self._specs[index]
        tick = spec.tick_size
        minute_vol = spec.volatility / np.sqrt(SECONDS_PER_DAY / 60.0) * 2.0
        returns = self._rng.normal(0.0, minute_vol, count)
        returns -= returns.mean()  # end near the anchor so live prices continue smoothly
        closes = spec.price * np.exp(np.cumsum(returns[::-1]))[::-1]
        closes = np.round(closes / tick) * tick
        opens = np.concatenate(([closes[0]], closes[:-1]))
        wiggle = np.abs(self._rng.normal(0.0, minute_vol * 0.6, (2, count))) * closes
        highs = np.round((np.maximum(opens, closes) + wiggle[0]) / tick) * tick
        lows = np.round((np.minimum(opens, closes) - wiggle[1]) / tick) * tick
        volumes = (
            np.round(self._rng.gamma(2.0, spec.day_volume / 1440.0 / 2.0, count) / spec.lot_size)
            * spec.lot_size
        )
        now = self.context.clock.now_ns()
        first = now - now % MINUTE_NS - count * MINUTE_NS
        return [
            Bar(
                symbol=spec.symbol,
                timeframe="1m",
                start=first + i * MINUTE_NS,
                open=float(opens[i]),
                high=float(highs[i]),
                low=float(lows[i]),
                close=float(closes[i]),
                volume=float(volumes[i]),
                turnover=float(volumes[i] * closes[i] * spec.multiplier),
                open_interest=spec.open_interest,
            )
            for i in range(count)
        ]

    async def start(self) -> None:
        self.context.set_status(ConnectionStatus.CONNECTING, "starting simulation")
        self._task = self.context.spawn(self._run(), "tick generator")
        self.context.set_status(ConnectionStatus.LIVE, f"simulated, {self.options.rate:g} ticks/s")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
        self.context.set_status(ConnectionStatus.DISCONNECTED, "stopped")

    async def _run(self) -> None:
        interval = self.options.interval_ms / 1000.0
        last = time.monotonic()
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            slices = self.turn_slices(now - last)
            last = now
            for n, seconds in enumerate(slices):
                if n:
                    await asyncio.sleep(0)  # let the GUI have the loop between slices
                self.emit_batch(seconds)

    def turn_slices(self, elapsed_s: float) -> list[float]:
        """Simulated seconds to emit per loop turn after a wake-up ``elapsed_s`` late.

        No slice holds more than MAX_TICKS_PER_TURN ticks, so a late wake-up never becomes one
        long callback. Beyond MAX_CATCH_UP_S nothing is caught up: after a long stall
        simulated time slows instead of a burst the loop cannot absorb.
        """
        rate = max(self.options.rate, 1.0)
        per_turn = max(self.options.interval_ms / 1000.0, MAX_TICKS_PER_TURN / rate)
        whole, rest = divmod(min(elapsed_s, MAX_CATCH_UP_S), per_turn)
        return [per_turn] * int(whole) + ([rest] if rest > 1e-9 else [])

    def open_indices(self) -> np.ndarray:
        if self.options.mode == "demo":
            return np.arange(len(self._specs))
        when = datetime.fromtimestamp(self.context.clock.now_ns() / 1e9, tz=UTC)
        return np.array(
            [
                i
                for i, s in enumerate(self._specs)
                if self.context.sessions(s.sessions).is_open(when)
            ],
            dtype=np.int64,
        )

    def emit_batch(self, elapsed_s: float) -> int:
        """Publish the ticks due for ``elapsed_s`` seconds of simulated trading."""
        wanted = self.options.rate * elapsed_s + self._carry
        count = int(wanted)
        self._carry = wanted - count
        open_now = self.open_indices()
        if count <= 0 or len(open_now) == 0:
            return 0
        publish = self.context.publish_tick
        for tick in self.make_ticks(open_now, count):
            publish(tick)
        self.ticks_sent += count
        return count

    def make_ticks(self, open_now: np.ndarray, count: int) -> list[Tick]:
        """``count`` ticks over the instruments ``open_now``, in time order, built in numpy.

        The only per-tick Python work is the ``Tick(...)`` call. An instrument may tick several
        times in one batch, so its running values (price, high, low, volume, …) are sums and
        maxima over its own ticks so far: the batch is sorted by instrument (stably, so time
        order holds within an instrument) and accumulated per segment. Prices are whole
        numbers of ticks until the end, so they stay exactly on the grid.
        """
        rng = self._rng
        which = open_now[rng.integers(0, len(open_now), count)]
        moves = rng.choice(np.array([-1, 0, 0, 1]), count)
        lot = self._lot[which]
        # A minute trades what a minute of the seeded history does (the day's volume spread
        # over the day), shared by the ticks each open instrument gets at this rate. In whole
        # lots, rounded up or down at random so the mean holds: many ticks are quotes that
        # trade nothing, as on an exchange.
        rate = max(self.options.rate, 1e-9)
        per_tick = self._day_volume[which] / SECONDS_PER_DAY * len(open_now) / rate
        wanted_lots = rng.exponential(1.0, count) * per_tick / lot
        sizes = np.floor(wanted_lots + rng.random(count)) * lot
        spreads = rng.integers(1, 3, count)
        depth = rng.integers(1, 40, (count, 10)) * self._level_unit[which][:, None]
        oi_moves = rng.integers(-3, 4, count)
        flips = rng.random(count) < 0.1
        # Mean reversion: one step in ten away from the anchor is turned back (judged from the
        # price at the start of the batch, at most a few ticks old).
        away = (self._price[which] - self._anchor[which]) * moves > 0
        moves = np.where(away & flips, -moves, moves)

        # From here on arrays are in instrument order ("segments"); ``unsort`` restores time.
        order = np.argsort(which, kind="stable")
        which = which[order]
        starts = np.r_[True, which[1:] != which[:-1]]
        segment = np.cumsum(starts) - 1

        def running_sum(values: np.ndarray) -> np.ndarray:
            """Each tick's sum over its instrument's ticks so far in this batch."""
            summed = np.cumsum(values)
            before_segment = (summed - values)[starts]
            return summed - before_segment[segment]

        tick, scale = self._tick[which], self._scale[which]
        base = np.rint(self._price[which] / tick).astype(np.int64)
        steps = moves[order] * self._step_ticks[which].astype(np.int64)
        grid = np.maximum(base + running_sum(steps), 1)  # price in ticks, at least one tick
        # Lift each segment above (below) the previous one, so one accumulate over the whole
        # batch restarts at every segment.
        lift = segment * (int(grid.max()) + 1)
        high_grid = np.maximum.accumulate(grid + lift) - lift
        low_grid = np.minimum.accumulate(grid - lift) + lift

        def prices(in_ticks: np.ndarray) -> np.ndarray:
            """Whole ticks to prices rounded to each instrument's decimals (any shape)."""
            shape = (-1,) + (1,) * (in_ticks.ndim - 1)
            factor = (tick * scale).reshape(shape)
            return np.asarray(np.round(in_ticks * factor) / scale.reshape(shape))

        price = prices(grid)
        high = np.maximum(self._high[which], prices(high_grid))
        low = np.minimum(self._low[which], prices(low_grid))
        sizes = sizes[order]
        volume = self._volume[which] + running_sum(sizes)
        turnover = self._turnover[which] + running_sum(sizes * price * self._multiplier[which])
        oi = np.maximum(0.0, self._oi[which] + running_sum(oi_moves[order]))
        oi[self._oi[which] == 0] = 0.0  # instruments without open interest keep none
        bid_grid = grid - spreads[order] // 2
        ask_grid = bid_grid + spreads[order]
        levels = np.arange(5)
        bids = prices(bid_grid[:, None] - levels)
        asks = prices(ask_grid[:, None] + levels)

        # The last tick of each instrument carries its state into the next batch.
        last = np.r_[starts[1:], True]
        touched = which[last]
        self._price[touched] = price[last]
        self._high[touched] = high[last]
        self._low[touched] = low[last]
        self._volume[touched] = volume[last]
        self._turnover[touched] = turnover[last]
        self._oi[touched] = oi[last]

        unsort = np.empty_like(order)
        unsort[order] = np.arange(count)
        now = self.context.clock.now_ns()
        depth = depth[order]

        def column(values: np.ndarray) -> list[Any]:
            return list(values[unsort].tolist())

        def levels_of(values: np.ndarray) -> Any:
            """Rows of a (count, 5) array as tuples, zipped from its columns in C."""
            return zip(*values[unsort].T.tolist(), strict=True)

        return list(
            map(
                Tick,
                column(self._symbols[which]),
                range(now, now + count),
                column(price),
                column(volume),
                column(turnover),
                column(oi),
                levels_of(bids),
                levels_of(depth[:, :5]),
                levels_of(asks),
                levels_of(depth[:, 5:]),
                column(self._open[which]),
                column(high),
                column(low),
                column(self._prev_close[which]),
            )
        )


PLUGIN = SimulatedFeed
