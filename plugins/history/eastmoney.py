"""The ``eastmoney`` history plugin: registers
:class:`terminal.adapters.history.eastmoney.EastmoneyHistory`."""

from terminal.adapters.history.eastmoney import EastmoneyHistory

PLUGIN = EastmoneyHistory
