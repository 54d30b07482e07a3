"""The ``sina`` history plugin: registers :class:`terminal.adapters.history.sina.SinaHistory`."""

from terminal.adapters.history.sina import SinaHistory

PLUGIN = SinaHistory
