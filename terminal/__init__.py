"""A desktop trading terminal: market watch, live charts, strategies and orders."""

__version__ = "0.1.0"
