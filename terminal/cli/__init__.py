"""The command line: ``terminal`` (the GUI) and its subcommands, each a thin front end over the
engine, the adapters or the GUI."""

from terminal.cli.entry import main

__all__ = ["main"]
