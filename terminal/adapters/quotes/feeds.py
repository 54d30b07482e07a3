"""The Sina and QQ snapshot-quote feeds: each vendor's address, batch size and headers over
the shared HTTP polling feed (:mod:`terminal.adapters.quotes.http_feed`)."""

from __future__ import annotations

from terminal.adapters.quotes.http_feed import HttpQuoteFeed
from terminal.adapters.quotes.qq import QQParser
from terminal.adapters.quotes.sina import SinaParser


class SinaQuoteFeed(HttpQuoteFeed):
    """Sina Finance snapshot quotes of China A-shares (``hq.sinajs.cn``), up to ~800 codes per
    request; Sina refuses requests without its Referer."""

    plugin_name = "sina"
    default_url = "https://hq.sinajs.cn/list="
    max_batch = 800
    headers = {"Referer": "https://finance.sina.com.cn/", "User-Agent": "Mozilla/5.0"}  # noqa: RUF012
    parser_class = SinaParser


class QQQuoteFeed(HttpQuoteFeed):
    """Tencent (QQ) Finance snapshot quotes (``qt.gtimg.cn``), up to ~60 codes per request;
    sizes arrive in lots and are published in shares."""

    plugin_name = "qq"
    default_url = "https://qt.gtimg.cn/q="
    max_batch = 60
    headers = {"User-Agent": "Mozilla/5.0"}  # noqa: RUF012
    parser_class = QQParser
