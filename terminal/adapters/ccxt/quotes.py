"""The working part of the ccxt feed (imported when it starts, as it imports ccxt): markets,
streams or polling, staleness, history. See :mod:`terminal.adapters.ccxt.feed`."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import Any

import ccxt

from terminal.adapters.ccxt.feed import CcxtFeedOptions
from terminal.adapters.ccxt.mapping import DAY_MS, DEPTH, MS, QuoteState, bar_from_ohlcv
from terminal.adapters.ccxt.markets import Markets
from terminal.adapters.ccxt.streams import Watcher
from terminal.adapters.ccxt.venue import RATE_LIMITED, RateGate, open_exchange
from terminal.domain.enums import ConnectionStatus
from terminal.domain.instrument import Instrument
from terminal.engine.bars.timeframes import parse_timeframe
from terminal.engine.feed import FeedContext, cancel_and_wait

log = logging.getLogger("terminal.ccxt")


def now_ms() -> int:
    return time.time_ns() // 1_000_000

MAX_CANDLES = 1000  # per fetch_ohlcv request (Binance's most)


class QuoteSession:
    """One started ccxt feed: its exchange, markets, quote states and stream tasks."""

    def __init__(self, name: str, context: FeedContext, options: CcxtFeedOptions) -> None:
        self.name, self.context, self.options = name, context, options
        self._exchange: Any = None
        self._markets: Markets | None = None
        self._instruments: dict[str, Instrument] = {}
        self._quotes: dict[str, QuoteState] = {}
        self._seen: dict[str, float] = {}  # symbol → monotonic time of its latest update
        self._tasks: dict[str, list[asyncio.Task[Any]]] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._failing: dict[str, str] = {}  # stream → why it is down
        self._seeded: set[str] = set()
        self._gate = RateGate()
        self._streaming = False

    def instruments(self) -> list[Instrument]:
        return list(self._instruments.values())

    def _spawn(self, coro: Any, name: str) -> None:
        task = self.context.spawn(coro, name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def start(self) -> None:
        options = self.options
        self.context.set_status(ConnectionStatus.CONNECTING, f"loading {options.exchange} markets")
        self._exchange = open_exchange(options, stream=options.transport != "poll")
        try:
            await self._exchange.load_markets()
            self._markets = Markets(self._exchange, options.symbol_suffix)
            symbols = [self._markets.resolve(s) for s in options.symbols]
        except BaseException:
            await self._exchange.close()
            raise
        for symbol in symbols:
            self.context.update_instrument(self._instrument(symbol))
        has = self._exchange.has
        self._streaming = options.transport == "stream" or (
            options.transport == "auto" and bool(has.get("watchTrades"))
        )
        await asyncio.gather(*(self._seed(symbol) for symbol in symbols))
        self.subscribe(symbols)
        if not self._streaming:
            self._spawn(self._poll(), "poll")
        self._spawn(self._watch_staleness(), "stale check")
        how = "streams" if self._streaming else f"polling every {options.poll_interval_s:g} s"
        self.context.set_status(ConnectionStatus.LIVE, f"{options.exchange}: {how}")

    async def stop(self) -> None:
        for tasks in list(self._tasks.values()):
            for task in tasks:
                await cancel_and_wait(task)
        for task in list(self._background):
            await cancel_and_wait(task)
        self._tasks.clear()
        self._background.clear()
        if self._exchange is not None:
            await self._exchange.close()  # the websockets and the HTTP session
        self.context.set_status(ConnectionStatus.DISCONNECTED, "stopped")

    def describe(self, name: str) -> Instrument | None:
        """The instrument of a market this venue lists (terminal or ccxt name), else None."""
        try:
            symbol = self._markets.resolve(name) if self._markets else None
        except ValueError:
            return None
        return self._instrument(symbol) if symbol else None

    def _instrument(self, symbol: str) -> Instrument:
        if symbol not in self._instruments:
            assert self._markets is not None
            self._instruments[symbol] = self._markets.instrument(symbol)
        return self._instruments[symbol]

    def subscribe(self, names: Iterable[str]) -> list[Instrument]:
        """Quote those of ``names`` the venue lists, from now on; returns their instruments
        (the rest are left to other feeds)."""
        taken = []
        for name in names:
            instrument = self.describe(name)
            if instrument is None:
                continue
            taken.append(instrument)
            symbol = instrument.symbol
            if symbol not in self._tasks:
                self._quotes.setdefault(symbol, QuoteState(symbol))
                self._seen[symbol] = time.monotonic()
                self._tasks[symbol] = [self.context.spawn(self._open(symbol), f"{symbol} open")]
        return taken

    async def _open(self, symbol: str) -> None:
        """A new symbol's day so far and history, then its streams."""
        if symbol not in self._seeded:
            await self._seed(symbol)
        if self._streaming and symbol in self._tasks:
            self._tasks[symbol] += self._stream_tasks(symbol)

    def unsubscribe(self, symbols: Iterable[str]) -> None:
        """Stop quoting ``symbols``, and tell the venue (``un_watch_*``) where ccxt can."""
        for name in symbols:
            instrument = self.describe(name)
            symbol = instrument.symbol if instrument else name
            for task in self._tasks.pop(symbol, []):
                task.cancel()
            self._quotes.pop(symbol, None)
            self._seen.pop(symbol, None)
            if self._streaming and self._exchange.has.get("unWatchTrades"):
                self._spawn(self._unwatch(symbol), "unwatch")

    async def _unwatch(self, symbol: str) -> None:
        assert self._markets is not None
        market = self._markets.ccxt_symbol(symbol)
        calls = [self._exchange.un_watch_trades(market)]
        if self.options.depth and self._exchange.has.get("unWatchOrderBook"):
            calls.append(self._exchange.un_watch_order_book(market))
        for result in await asyncio.gather(*calls, return_exceptions=True):
            if isinstance(result, Exception):
                log.info("feed %s: unsubscribing %s: %s", self.name, symbol, result)

    # ---- streams ---------------------------------------------------------------------------
    def _stream_tasks(self, symbol: str) -> list[asyncio.Task[Any]]:
        assert self._markets is not None
        market = self._markets.ccxt_symbol(symbol)
        exchange = self._exchange
        watches = [
            (
                f"{symbol} trades",
                lambda: exchange.watch_trades(market),
                lambda trades: self._on_trades(symbol, trades),
            )
        ]
        if self.options.depth:
            watches.append(
                (
                    f"{symbol} book",
                    lambda: exchange.watch_order_book(market),
                    lambda book: self._on_book(symbol, book),
                )
            )
        tasks = []
        for name, watch, update in watches:
            watcher = Watcher(
                name,
                watch,
                update,
                self._on_lost,
                self._on_back,
                self._gate,
                (self.options.reconnect_initial_s, self.options.reconnect_max_s),
                exchange,
            )
            tasks.append(self.context.spawn(watcher.run(), name))
        return tasks

    def _on_trades(self, symbol: str, trades: list[dict[str, Any]]) -> None:
        quote = self._quotes.get(symbol)
        if quote is None:
            return
        for trade in trades:
            quote.add_trade(float(trade["price"]), float(trade["amount"]), int(trade["timestamp"]))
        self._publish(quote)

    def _on_book(self, symbol: str, book: dict[str, Any]) -> None:
        quote = self._quotes.get(symbol)
        if quote is not None:
            quote.set_book(book, now_ms())
            self._publish(quote)

    def _publish(self, quote: QuoteState) -> None:
        self._seen[quote.symbol] = time.monotonic()
        tick = quote.tick(now_ms())
        if tick is not None:
            self.context.publish_tick(tick)

    def _on_lost(self, stream: str, error: Exception, wait: float) -> None:
        self._failing[stream] = f"{type(error).__name__}: {error}"
        log.warning(
            "feed %s: %s lost (%s: %s); watching again in %.1f s",
            self.name,
            stream,
            type(error).__name__,
            error,
            wait,
        )
        self.context.set_status(
            ConnectionStatus.CONNECTING, f"{stream}: {self._failing[stream]}; again in {wait:.1f} s"
        )

    def _on_back(self, stream: str) -> None:
        self._failing.pop(stream, None)
        log.info("feed %s: %s is back", self.name, stream)
        symbol = stream.split(" ")[0]
        if stream.endswith("trades") and symbol in self._quotes:  # trades missed while away
            self._spawn(self._seed_day(symbol), "day candle")
        if not self._failing:
            self.context.set_status(ConnectionStatus.LIVE, f"{self.options.exchange}: streams")

    # ---- REST ------------------------------------------------------------------------------
    async def _poll(self) -> None:
        """Where there are no streams: each symbol's day candle and book (or ticker) by REST."""
        while True:
            for symbol in list(self._quotes):
                try:
                    await self._gate.wait()
                    await self._poll_symbol(symbol)
                    if self._failing.pop("poll", None) is not None:
                        self.context.set_status(ConnectionStatus.LIVE, "polling again")
                except RATE_LIMITED as exc:
                    self._on_lost("poll", exc, self._gate.note(self._exchange, exc))
                except ccxt.BaseError as exc:
                    self._on_lost("poll", exc, self.options.poll_interval_s)
            await asyncio.sleep(self.options.poll_interval_s)

    async def _poll_symbol(self, symbol: str) -> None:
        assert self._markets is not None
        market = self._markets.ccxt_symbol(symbol)
        quote = self._quotes[symbol]
        candles = await self._exchange.fetch_ohlcv(market, "1d", limit=2)
        quote.seed_day(candles)
        if self.options.depth:
            quote.set_book(await self._exchange.fetch_order_book(market, DEPTH), now_ms())
        else:
            quote.set_ticker(await self._exchange.fetch_ticker(market), now_ms())
        self._publish(quote)

    async def _seed(self, symbol: str) -> None:
        """The day so far and the history bars, before the streams start."""
        self._quotes.setdefault(symbol, QuoteState(symbol))
        self._seeded.add(symbol)
        await asyncio.gather(self._seed_day(symbol), self._history(symbol))

    async def _seed_day(self, symbol: str) -> None:
        assert self._markets is not None
        try:
            candles = await self._exchange.fetch_ohlcv(
                self._markets.ccxt_symbol(symbol), "1d", limit=2
            )
        except ccxt.BaseError as exc:
            log.warning("feed %s: no day candle for %s: %s", self.name, symbol, exc)
            return
        quote = self._quotes.get(symbol)
        if quote is not None:
            quote.seed_day(candles)

    async def _history(self, symbol: str) -> None:
        """``history_bars`` closed bars of ``history_timeframe`` (paged), to the bar store."""
        options = self.options
        if options.history_bars <= 0:
            return
        assert self._markets is not None
        market = self._markets.ccxt_symbol(symbol)
        timeframe = parse_timeframe(options.history_timeframe)
        step_ms = timeframe.length_ns // MS if timeframe.intraday else DAY_MS
        if timeframe.kind not in ("intraday", "day"):
            log.warning(
                "feed %s: history_timeframe %s: only minutes to days are fetched",
                self.name,
                options.history_timeframe,
            )
            return
        now = now_ms()
        since = now - now % step_ms - options.history_bars * step_ms
        rows: list[list[Any]] = []
        try:
            while since < now - step_ms:
                limit = min(MAX_CANDLES, options.history_bars - len(rows))
                page = await self._exchange.fetch_ohlcv(
                    market, options.history_timeframe, since, limit
                )
                if not page:
                    break
                rows += [row for row in page if not rows or row[0] > rows[-1][0]]
                since = int(page[-1][0]) + step_ms
                if len(page) < limit or len(rows) >= options.history_bars:
                    break
        except ccxt.BaseError as exc:
            log.warning("feed %s: history of %s stopped: %s", self.name, symbol, exc)
        closed = [row for row in rows if int(row[0]) + step_ms <= now]  # not the forming one
        bars = [bar_from_ohlcv(symbol, options.history_timeframe, row) for row in closed]
        if bars:
            self.context.add_history(symbol, bars)
            log.info(
                "feed %s: %d %s bars of %s", self.name, len(bars), options.history_timeframe, symbol
            )

    async def _watch_staleness(self) -> None:
        stale_after = self.options.stale_after_s
        shown: list[str] = []
        while True:
            await asyncio.sleep(min(1.0, stale_after / 4))
            now = time.monotonic()
            silent = sorted(s for s, seen in self._seen.items() if now - seen > stale_after)
            if silent and silent != shown:
                self.context.set_status(
                    ConnectionStatus.STALE, f"no quote for {stale_after:g} s: {', '.join(silent)}"
                )
            elif shown and not silent and not self._failing:
                self.context.set_status(ConnectionStatus.LIVE, "quotes again")
            shown = silent
