"""What is held: positions and accounts from the fills (``book.py``), today's and earlier days'
parts of a position, the venues' own balances and positions, and the reconciliation of the
two on every (re)connect."""

from terminal.engine.portfolio.book import Portfolio

__all__ = ["Portfolio"]
