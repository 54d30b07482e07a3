"""The ``qq`` history plugin: registers :class:`terminal.adapters.history.qq.QQHistory`."""

from terminal.adapters.history.qq import QQHistory

PLUGIN = QQHistory
