"""The ``qq`` feed plugin: registers :class:`terminal.adapters.quotes.feeds.QQQuoteFeed`."""

from terminal.adapters.quotes.feeds import QQQuoteFeed

PLUGIN = QQQuoteFeed
