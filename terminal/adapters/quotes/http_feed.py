"""A feed that polls a vendor's HTTP snapshot endpoint for China A-share quotes.

Subclasses (``feeds.py``: Sina and QQ) give the endpoint, the most codes one request may
carry, the headers and the parser. Batches run in parallel under a concurrency limit over
one keep-alive client; only snapshots that changed become ticks; timeouts and HTTP errors
back off exponentially (and show as feed status) instead of hammering an endpoint that may
block the address.

Codes come and go while it runs (``subscribe``/``unsubscribe``: the batches are rebuilt,
and a new code is fetched at once). It polls by the clock (``poll_hours = "sessions"``):
during its instruments' sessions and the opening call auction, once at start-up outside
them so the watch is filled, and otherwise not; meanwhile its status is ``closed`` with the
time of the next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any, ClassVar, Literal

import httpx
import msgspec

from terminal.adapters.quotes.codes import QuoteError, code_of_symbol
from terminal.adapters.quotes.encoding import decode_answer
from terminal.adapters.quotes.vendor import ParseResult, VendorParser
from terminal.adapters.universe.rules import classify, rule
from terminal.domain.enums import AssetClass, ConnectionStatus
from terminal.domain.instrument import Instrument
from terminal.engine.feed import Feed, FeedContext, cancel_and_wait
from terminal.engine.feeds.poll_schedule import PollSchedule, local_hhmm
from terminal.engine.sessions import session_calendar

log = logging.getLogger("terminal.feeds.http")

SESSIONS = "cn_stock"  # every instrument of these feeds trades China's stock sessions
NS = 1_000_000_000


class HttpQuoteOptions(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    symbols: list[str] = msgspec.field(default_factory=list)
    """Instruments to poll always, e.g. ``600000.SSE``, ``000001.SZSE``, ``430047.BSE``;
    others are added while running as windows and strategies use them."""
    interval_s: float = 3.0
    """Seconds between polls."""
    min_interval_s: float = 1.0
    """Floor of ``interval_s``: vendors block addresses that poll faster."""
    batch_size: int = 0
    """Codes per request; 0 takes the vendor's maximum."""
    concurrency: int = 4
    """Requests in flight at once."""
    timeout_s: float = 5.0
    proxy: str = ""
    """e.g. ``http://127.0.0.1:3128``; empty for none."""
    url: str = ""
    """Endpoint the codes are appended to; empty for the vendor's."""
    stale_after_s: float = 60.0
    """No changed quote for this long shows the feed as stale."""
    max_backoff_s: float = 60.0
    poll_hours: Literal["sessions", "always"] = "sessions"
    """``sessions``: poll during the sessions and the call auction only; ``always``: poll
    around the clock (a mirror that replays, a test server)."""
    auction_lead_s: float = 900.0
    """Polling starts this long before a trading day's first session (the opening call
    auction runs 09:15-09:25 before the 09:30 open)."""
    after_close_s: float = 120.0
    """Polling goes on this long after each session's close (the closing prints)."""
    recheck_s: float = 60.0
    """While closed, the clock is looked at again at least this often."""


class HttpQuoteFeed(Feed):
    """Polls snapshot quotes over HTTP and publishes the changed ones as ticks."""

    Options = HttpQuoteOptions
    default_url: ClassVar[str] = ""
    max_batch: ClassVar[int] = 60
    headers: ClassVar[dict[str, str]] = {}
    parser_class: ClassVar[type[VendorParser]] = VendorParser

    def __init__(self, name: str, context: FeedContext, options: HttpQuoteOptions) -> None:
        super().__init__(name, context, options)
        self._check(options)
        self.symbol_of = {code_of_symbol(symbol): symbol for symbol in options.symbols}
        self._batch_size = options.batch_size or self.max_batch
        self.batches: list[list[str]] = []
        self._rebatch()
        self.url = options.url or self.default_url
        self.parser = self.parser_class()
        self.names: dict[str, str] = {}
        self.counts = {
            "requests": 0,
            "failures": 0,
            "ticks": 0,
            "empty": 0,
            "malformed": 0,
            "unchanged": 0,
        }
        self.status = ConnectionStatus.DISCONNECTED
        self._reason = ""
        self._client: httpx.AsyncClient | None = None
        self._task: Any = None
        self._last_change = 0.0
        self._last_error = ""
        self._pending: set[str] = set()  # codes subscribed but not fetched yet
        self._wake = asyncio.Event()
        self._schedule: PollSchedule | None = None

    @property
    def codes(self) -> list[str]:
        return list(self.symbol_of)

    def _check(self, options: HttpQuoteOptions) -> None:
        def bad(field: str, value: object, why: str) -> ValueError:
            return ValueError(f"feed {self.name}: {field} = {value!r}: {why}")

        if options.interval_s < options.min_interval_s:
            floor = options.min_interval_s
            why = f"below min_interval_s = {floor} (polling faster risks a block)"
            raise bad("interval_s", options.interval_s, why)
        if not 0 <= options.batch_size <= self.max_batch:
            raise bad("batch_size", options.batch_size, f"must be 0..{self.max_batch}")
        if options.concurrency < 1:
            raise bad("concurrency", options.concurrency, "must be at least 1")
        for symbol in options.symbols:
            try:
                code_of_symbol(symbol)
            except QuoteError as exc:
                raise bad("symbols", symbol, str(exc)) from None

    # ---- instruments, and symbols while running -----------------------------------------
    def instruments(self) -> list[Instrument]:
        return [self._instrument(symbol) for symbol in self.options.symbols]

    def _instrument(self, symbol: str) -> Instrument:
        number, _, exchange = symbol.partition(".")
        lot_size, min_quantity, tick_size = rule(*classify(number, exchange))
        return Instrument(
            symbol=symbol,
            name=self.names.get(symbol, symbol),  # the vendor's, once an answer named it
            exchange=exchange,
            asset_class=AssetClass.STOCK,
            tick_size=tick_size,
            lot_size=lot_size,
            min_quantity=min_quantity,
            currency="CNY",
            sessions=SESSIONS,
        )

    def describe(self, symbol: str) -> Instrument | None:
        try:
            code_of_symbol(symbol)
        except QuoteError:
            return None
        return self._instrument(symbol)

    def subscribe(self, symbols: list[str]) -> list[Instrument]:
        """Take every symbol of the Shanghai, Shenzhen and Beijing exchanges; new codes go
        into the batches and are fetched at once (in or out of hours)."""
        taken = []
        for symbol in symbols:
            try:
                code = code_of_symbol(symbol)
            except QuoteError:
                continue
            taken.append(self._instrument(symbol))
            if code not in self.symbol_of:
                self.symbol_of[code] = symbol
                self._pending.add(code)
        if self._pending:
            self._rebatch()
            self._wake.set()
        return taken

    def unsubscribe(self, symbols: list[str]) -> None:
        for symbol in symbols:
            with contextlib.suppress(QuoteError):
                code = code_of_symbol(symbol)
                self.symbol_of.pop(code, None)
                self._pending.discard(code)
                self.parser.previous.pop(code, None)  # subscribed again: published again
        self._rebatch()

    def _rebatch(self) -> None:
        codes, size = self.codes, self._batch_size
        self.batches = [codes[i : i + size] for i in range(0, len(codes), size)]

    # ---- running ----------------------------------------------------------------------------
    async def start(self) -> None:
        proxy = self.options.proxy or None
        timeout = httpx.Timeout(self.options.timeout_s)
        self._client = httpx.AsyncClient(headers=self.headers, timeout=timeout, proxy=proxy)
        if self.options.poll_hours == "sessions":
            calendar = session_calendar(self.context.sessions(SESSIONS))
            self._schedule = PollSchedule(
                [calendar],
                int(self.options.auction_lead_s * NS),
                int(self.options.after_close_s * NS),
            )
        self._set_status(ConnectionStatus.CONNECTING, f"polling {self.url}")
        self._last_change = time.monotonic()
        self._task = self.context.spawn(self._run(), "poll")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        self._set_status(ConnectionStatus.DISCONNECTED, "stopped")

    def _closed_until(self, now_ns: int) -> str | None:
        """None while polling hours last; else when they come back ("09:15", "Mon 09:15")."""
        if self._schedule is None:
            return None
        window = self._schedule.window(now_ns)
        if window is None:
            return "no session in the months ahead"
        if window[0] <= now_ns < window[1]:
            return None
        return local_hhmm(window[0], self._schedule.calendars[0], now_ns)

    async def _run(self) -> None:
        failures = 0
        filled = False  # one whole poll succeeded: the watch has every quote
        while True:
            now = self.context.clock.now_ns()
            closed_until = self._closed_until(now)
            polling = closed_until is None or not filled
            codes = None if polling else sorted(self._pending)
            if polling or codes:
                self._wake.clear()
                started = time.monotonic()
                if not await self.poll_once(codes):
                    failures += 1
                    delay = min(self.options.interval_s * 2**failures, self.options.max_backoff_s)
                    self._set_status(
                        ConnectionStatus.ERROR, f"{self._last_error}; retrying in {delay:.1f} s"
                    )
                    await self._sleep(delay)
                    continue
                failures, filled = 0, filled or polling
            if closed_until is None:
                self._show_activity()
                await self._sleep(self.options.interval_s - (time.monotonic() - started))
            else:
                self._set_status(ConnectionStatus.CLOSED, f"next poll {closed_until}")
                await self._sleep(self.options.recheck_s)

    async def _sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or less if a new code comes (it is fetched at once)."""
        if seconds > 0 and not self._wake.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), seconds)

    def _show_activity(self) -> None:
        idle = time.monotonic() - self._last_change
        if idle > self.options.stale_after_s:
            self._set_status(ConnectionStatus.STALE, f"no quote changed for {idle:.0f} s")
        else:
            self._set_status(ConnectionStatus.LIVE, f"{len(self.symbol_of)} codes")

    async def poll_once(self, codes: list[str] | None = None) -> bool:
        """Fetch every batch (or just ``codes``) once and publish what changed. False if any
        request failed."""
        limit = asyncio.Semaphore(self.options.concurrency)
        size = self._batch_size
        batches = self.batches if codes is None else [
            codes[i : i + size] for i in range(0, len(codes), size)
        ]  # fmt: skip

        async def fetch(batch: list[str]) -> str:
            async with limit:
                return await self._fetch(batch)

        answers = await asyncio.gather(*(fetch(batch) for batch in batches), return_exceptions=True)
        failed = [answer for answer in answers if isinstance(answer, BaseException)]
        for batch, answer in zip(batches, answers, strict=True):
            if isinstance(answer, str):
                self._pending.difference_update(batch)
                self._publish(self.parser.parse(answer))
        if failed:
            self.counts["failures"] += len(failed)
            exc = failed[0]
            self._last_error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            log.warning(
                "feed %s: %d of %d requests failed: %s",
                self.name,
                len(failed),
                len(answers),
                self._last_error,
            )
            if isinstance(exc, asyncio.CancelledError):
                raise exc
            return False
        return True

    async def _fetch(self, batch: list[str]) -> str:
        assert self._client is not None, "fetch before start"
        self.counts["requests"] += 1
        response = await self._client.get(self.url + ",".join(batch))
        response.raise_for_status()
        # The vendors answer in GBK whatever the headers say; a line that is not GBK is
        # decoded on its own, so it cannot garble the others.
        decoded = decode_answer(response.content)
        if decoded.bad_lines:
            log.warning(
                "feed %s: answer from %s: line(s) %s are neither GBK nor UTF-8; kept with "
                "replacement characters",
                self.name,
                self.url,
                ", ".join(map(str, decoded.bad_lines[:10])),
            )
        return decoded.text

    def _publish(self, result: ParseResult) -> None:
        counts = self.counts
        counts["ticks"] += len(result.ticks)
        counts["empty"] += result.empty
        counts["unchanged"] += result.unchanged
        if result.malformed:
            counts["malformed"] += len(result.malformed)
            line, why = result.malformed[0]
            log.warning(
                "feed %s: skipped %d malformed record(s) from %s; line %d: %s",
                self.name,
                len(result.malformed),
                self.url,
                line,
                why,
            )
        names = self.names
        renamed = [symbol for symbol, name in result.names.items() if names.get(symbol) != name]
        names.update(result.names)
        for symbol in renamed:  # the first answer names every instrument; later, rarely one
            self.context.update_instrument(self._instrument(symbol))
        if result.ticks:
            self._last_change = time.monotonic()
        publish = self.context.publish_tick
        for tick in result.ticks:
            publish(tick)

    def _set_status(self, status: ConnectionStatus, reason: str) -> None:
        if status is not self.status:
            log.info("feed %s: %s (%s)", self.name, status.value, reason)
        elif status is not ConnectionStatus.ERROR and (
            status is not ConnectionStatus.CLOSED or reason == self._reason
        ):
            return  # unchanged: errors always show (their retry delay), closed a new time
        self.status, self._reason = status, reason
        self.context.set_status(status, reason)
