"""A feed that polls a vendor's HTTP snapshot endpoint for China A-share quotes.

Subclasses (``feeds.py``: Sina and QQ) give the endpoint, the most
codes one request may carry, the headers and the parser. Batches run in parallel under a
concurrency limit over one keep-alive client; only snapshots that changed become ticks;
timeouts and HTTP errors back off exponentially (and show as feed status) instead of
hammering an endpoint that may block the address.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, ClassVar

import httpx
import msgspec

from terminal.adapters.quotes.codes import QuoteError, code_of_symbol
from terminal.adapters.quotes.encoding import decode_answer
from terminal.adapters.quotes.vendor import ParseResult, VendorParser
from terminal.domain.enums import AssetClass, ConnectionStatus
from terminal.domain.instrument import Instrument
from terminal.engine.feed import Feed, FeedContext, cancel_and_wait

log = logging.getLogger("terminal.feeds.http")


class HttpQuoteOptions(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    symbols: list[str] = msgspec.field(default_factory=list)
    """Instruments to poll, e.g. ``600000.SSE``, ``000001.SZSE``, ``430047.BSE``."""
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
        self.codes = [code_of_symbol(symbol) for symbol in options.symbols]
        size = options.batch_size or self.max_batch
        self.batches = [self.codes[i : i + size] for i in range(0, len(self.codes), size)]
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
        self._client: httpx.AsyncClient | None = None
        self._task: Any = None
        self._last_change = 0.0
        self._last_error = ""

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

    def instruments(self) -> list[Instrument]:
        return [self._instrument(symbol) for symbol in self.options.symbols]

    def _instrument(self, symbol: str) -> Instrument:
        return Instrument(
            symbol=symbol,
            name=self.names.get(symbol, symbol),  # the vendor's, once an answer named it
            exchange=symbol.partition(".")[2],
            asset_class=AssetClass.STOCK,
            tick_size=0.01,
            lot_size=100.0,
            currency="CNY",
            sessions="cn_stock",
        )

    async def start(self) -> None:
        proxy = self.options.proxy or None
        timeout = httpx.Timeout(self.options.timeout_s)
        self._client = httpx.AsyncClient(headers=self.headers, timeout=timeout, proxy=proxy)
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

    async def _run(self) -> None:
        failures = 0
        while True:
            started = time.monotonic()
            ok = await self.poll_once()
            if ok:
                failures = 0
                delay = self.options.interval_s - (time.monotonic() - started)
            else:
                failures += 1
                delay = min(self.options.interval_s * 2**failures, self.options.max_backoff_s)
                self._set_status(
                    ConnectionStatus.ERROR, f"{self._last_error}; retrying in {delay:.1f} s"
                )
            await asyncio.sleep(max(delay, 0.0))

    async def poll_once(self) -> bool:
        """Fetch every batch once and publish what changed. False if any request failed."""
        limit = asyncio.Semaphore(self.options.concurrency)

        async def fetch(batch: list[str]) -> str:
            async with limit:
                return await self._fetch(batch)

        answers = await asyncio.gather(
            *(fetch(batch) for batch in self.batches), return_exceptions=True
        )
        failed = [answer for answer in answers if isinstance(answer, BaseException)]
        for answer in answers:
            if isinstance(answer, str):
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
        idle = time.monotonic() - self._last_change
        if idle > self.options.stale_after_s:
            self._set_status(ConnectionStatus.STALE, f"no quote changed for {idle:.0f} s")
        else:
            self._set_status(ConnectionStatus.LIVE, f"{len(self.codes)} codes")
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
                "feed %s: skipped %d malformed line(s); line %d: %s",
                self.name,
                len(result.malformed),
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
        if status is not self.status or status is ConnectionStatus.ERROR:
            self.status = status
            self.context.set_status(status, reason)
