"""Plugins: discovery and the registry (``registry.py``), the contexts through which feeds and
brokers reach the engine (``contexts.py``), and starting and stopping them (``lifecycle.py``).
The plugin base classes are ``terminal.engine.feed.Feed`` and ``terminal.engine.broker.Broker``."""

from terminal.engine.plugins.registry import PluginRegistry

__all__ = ["PluginRegistry"]
