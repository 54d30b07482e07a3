"""Plugins shipped with the terminal: feeds, brokers and strategies."""
