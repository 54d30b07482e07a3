"""Tencent (QQ) Finance snapshot quotes of China A-shares (``qt.gtimg.cn``), polled over HTTP."""

from __future__ import annotations

from terminal.engine.quotes.http_feed import HttpQuoteFeed
from terminal.engine.quotes.vendor import QQParser


class QQQuoteFeed(HttpQuoteFeed):
    """Up to ~60 codes per request; sizes arrive in lots and are published in shares."""

    plugin_name = "qq"
    default_url = "https://qt.gtimg.cn/q="
    max_batch = 60
    headers = {"User-Agent": "Mozilla/5.0"}  # noqa: RUF012
    parser_class = QQParser


PLUGIN = QQQuoteFeed
