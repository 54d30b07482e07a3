"""The strategy runtime: the ``Strategy`` base class user plugins derive from, the runner that
delivers events to instances one at a time, instances and their saved state, and reloading.

``from terminal.engine.strategy import Strategy`` is the public import for plugins."""

from terminal.engine.strategy.base import Strategy, StrategyContext

__all__ = ["Strategy", "StrategyContext"]
