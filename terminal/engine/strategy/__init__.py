"""The strategy runtime: the ``Strategy`` base class user plugins derive from (``base``), the
runner and its commands (``runner``), the state it keeps per instance for the strategy to read
(``runtime``), event delivery one at a time (``delivery``), the journal and the store
(``records``, ``store``), instances (``instance``) and reloading (``reload``).

``from terminal.engine.strategy import Strategy`` is the public import for plugins."""

from terminal.engine.strategy.base import Strategy, StrategyContext

__all__ = ["Strategy", "StrategyContext"]
