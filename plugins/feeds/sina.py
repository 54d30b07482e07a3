"""The ``sina`` feed plugin: registers :class:`terminal.adapters.quotes.feeds.SinaQuoteFeed`."""

from terminal.adapters.quotes.feeds import SinaQuoteFeed

PLUGIN = SinaQuoteFeed
