"""One exchange through ccxt: building the ccxt instance (sandbox, URL overrides, keys),
waiting out the venue's rate-limit answers, and reading its error messages.

Facts of ccxt this relies on (checked against ccxt 4.5.90 and a local Binance-format server):
``urls['api']`` replaced after construction points every request and stream elsewhere (a
mirror, a local server); ``set_sandbox_mode`` copies the test URLs over them, so it runs first;
a 429/418 answer raises ``DDoSProtection`` (not ``RateLimitExceeded``) and ccxt does not wait
for its ``Retry-After`` itself; ``close()`` must be awaited or aiohttp warns of an open session.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import ccxt
import ccxt.async_support as ccxt_async
import ccxt.pro as ccxt_pro
import msgspec

from terminal.adapters.ccxt.options import Keys, VenueOptions

# What makes load_markets fetch only the markets asked for (Binance otherwise also asks its
# futures and margin endpoints, and with keys its wallet endpoint), and open orders be fetched
# for all symbols at once (one request at reconnect instead of one per symbol).
EXCHANGE_DEFAULTS: dict[str, dict[str, Any]] = {
    "binance": {
        "fetchCurrencies": False,
        "fetchMargins": False,
        "fetchOpenOrders": {"warnWithoutSymbol": False},
    },
}
FETCH_MARKET_TYPES = {"binance": {"spot": ["spot"], "swap": ["linear"], "future": ["linear"]}}
DEFAULT_RETRY_AFTER_S = 5.0

# ccxt logs every request with its headers, the API key among them, at DEBUG: never let it.
logging.getLogger("ccxt").setLevel(logging.INFO)


def open_exchange(options: VenueOptions, keys: Keys | None = None, stream: bool = True) -> Any:
    """A ccxt instance for ``options``: ccxt.pro's (websocket streams) when ``stream`` and the
    exchange has one, else the REST-only one. Close it with ``await exchange.close()``."""
    if options.exchange not in ccxt_async.exchanges:
        raise ValueError(f"exchange = {options.exchange!r}: ccxt has no such exchange")
    module = ccxt_pro if stream and options.exchange in ccxt_pro.exchanges else ccxt_async
    settings: dict[str, Any] = {
        "enableRateLimit": options.rate_limit,
        "timeout": int(options.timeout_s * 1000),
        "options": _ccxt_options(options),
    }
    if keys is not None:
        settings.update(apiKey=keys.api_key, secret=keys.secret)
        if keys.password:
            settings["password"] = keys.password
    exchange = getattr(module, options.exchange)(settings)
    if options.sandbox:  # before the URL override: it copies the test URLs over urls['api']
        exchange.set_sandbox_mode(True)
    if options.urls:
        exchange.urls["api"] = options.urls
    return exchange


def _ccxt_options(options: VenueOptions) -> dict[str, Any]:
    merged: dict[str, Any] = {"defaultType": options.market_type}
    merged.update(EXCHANGE_DEFAULTS.get(options.exchange, {}))
    types = FETCH_MARKET_TYPES.get(options.exchange, {}).get(options.market_type)
    if types:
        merged["fetchMarkets"] = {"types": types}
    merged.update(options.ccxt_options)
    return merged


class RateGate:
    """Holds every request of one exchange instance back while the venue asked us to wait
    (a 429 or 418 answer's ``Retry-After``): continuing to send gets the IP banned."""

    def __init__(self) -> None:
        self._until = 0.0

    def note(self, exchange: Any, error: Exception) -> float:
        """Record a rate-limit answer; returns the seconds to wait (``Retry-After``, else a
        default). Call it right after the failed request: the headers are per instance."""
        headers = getattr(exchange, "last_response_headers", None) or {}
        try:
            seconds = float(headers.get("Retry-After") or headers.get("retry-after") or "")
        except ValueError:
            seconds = DEFAULT_RETRY_AFTER_S
        self._until = max(self._until, time.monotonic() + seconds)
        return seconds

    @property
    def waiting_s(self) -> float:
        return max(0.0, self._until - time.monotonic())

    async def wait(self) -> None:
        delay = self.waiting_s
        if delay > 0:
            await asyncio.sleep(delay)


RATE_LIMITED = (ccxt.DDoSProtection, ccxt.RateLimitExceeded)
"""Answers that say "too many requests": the request was not carried out; wait, then retry."""


def venue_message(error: Exception, exchange: Any = None) -> str:
    """The venue's own words from a ccxt error, e.g. "Market is closed. (-1013)". Read right
    after the failed request: ccxt keeps the last answer per instance."""
    text = str(error)
    body = _json_object(getattr(exchange, "last_http_response", None) or "")
    if not (isinstance(body, dict) and str(body.get("msg", "\0")) in text):
        body = _json_object(text)
    if isinstance(body, dict) and "msg" in body:
        code = body.get("code")
        return f"{body['msg']} ({code})" if code is not None else str(body["msg"])
    name = getattr(exchange, "id", "")
    return text.removeprefix(f"{name} ") if name else text


def _json_object(text: str) -> Any:
    start = text.find("{")
    try:
        return msgspec.json.decode(text[start:].encode()) if start >= 0 else None
    except msgspec.DecodeError:
        return None
