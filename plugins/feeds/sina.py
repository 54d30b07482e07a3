"""Sina Finance snapshot quotes of China A-shares (``hq.sinajs.cn``), polled over HTTP."""

from __future__ import annotations

from terminal.engine.quotes.http_feed import HttpQuoteFeed
from terminal.engine.quotes.vendor import SinaParser


class SinaQuoteFeed(HttpQuoteFeed):
    """Up to ~800 codes per request; Sina refuses requests without its Referer."""

    plugin_name = "sina"
    default_url = "https://hq.sinajs.cn/list="
    max_batch = 800
    headers = {"Referer": "https://finance.sina.com.cn/", "User-Agent": "Mozilla/5.0"}  # noqa: RUF012
    parser_class = SinaParser


PLUGIN = SinaQuoteFeed
