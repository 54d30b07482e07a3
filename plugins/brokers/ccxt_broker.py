"""The ``ccxt`` broker plugin: orders at a crypto venue, through
:class:`terminal.adapters.ccxt.broker.CcxtBroker`."""

from terminal.adapters.ccxt.broker import CcxtBroker

PLUGIN = CcxtBroker
