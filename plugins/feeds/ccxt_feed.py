"""The ``ccxt`` feed plugin: registers :class:`terminal.adapters.ccxt.feed.CcxtFeed`."""

from terminal.adapters.ccxt.feed import CcxtFeed

PLUGIN = CcxtFeed
