"""The HTTP side of the history providers: options every vendor takes (``base_url`` first),
one keep-alive client, answers decoded, and transport failures as :class:`HistoryError`."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import httpx
import msgspec

from terminal.adapters.history.ashare import is_a_share_symbol
from terminal.engine.history.provider import HistoryError, HistoryProvider


class HttpHistoryOptions(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    base_url: str = ""
    """Scheme and host every request goes to instead of the vendor's (a mirror, a local
    server); the vendor's paths are kept. Empty: the vendor's own hosts."""
    timeout_s: float = 15.0
    proxy: str = ""
    """e.g. ``http://127.0.0.1:3128``; empty for none."""


class HttpHistoryProvider(HistoryProvider):
    """A vendor reached over HTTP. Subclasses name their hosts and the answer encoding."""

    Options = HttpHistoryOptions
    encoding: ClassVar[str] = "utf-8"
    """How answers are decoded when the headers name no charset."""
    headers: ClassVar[dict[str, str]] = {"User-Agent": "Mozilla/5.0"}

    def __init__(self, name: str, options: HttpHistoryOptions) -> None:
        super().__init__(name, options)
        if options.base_url and not options.base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url = {options.base_url!r}: must start with http(s)://")
        self._client: httpx.AsyncClient | None = None
        self.requests = 0

    def supports(self, symbol: str) -> bool:
        return is_a_share_symbol(symbol)

    def sessions(self, symbol: str) -> str:
        return "cn_stock"

    def url(self, host: str, path: str) -> str:
        """``path`` on ``host`` (the vendor's), or on ``base_url`` when one is set."""
        return (self.options.base_url.rstrip("/") or host) + path

    async def get(self, symbol: str, host: str, path: str) -> str:
        """The decoded body of a GET; a :class:`HistoryError` for anything but 200."""
        url = self.url(host, path)
        if self._client is None:
            self._client = httpx.AsyncClient(
                headers=self.headers,
                timeout=httpx.Timeout(self.options.timeout_s),
                proxy=self.options.proxy or None,
                follow_redirects=True,
            )
        self.requests += 1
        try:
            response = await self._client.get(url)
        except httpx.HTTPError as exc:
            raise HistoryError(self.name, symbol, f"{type(exc).__name__}: {exc} ({url})") from None
        if response.status_code != 200:
            raise HistoryError(self.name, symbol, f"HTTP {response.status_code} from {url}")
        return response.content.decode(response.charset_encoding or self.encoding, "replace")

    def json(self, symbol: str, text: str, what: str) -> Any:
        try:
            return json.loads(text)
        except ValueError as exc:
            raise HistoryError(
                self.name, symbol, f"{what} is not valid JSON ({exc}): {_excerpt(text)}"
            ) from None

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _excerpt(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[:limit] + "…")
