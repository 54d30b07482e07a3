"""``terminal replay JOURNAL [--strategy NAME]``: re-run a journal's strategies headless and
print the orders they place, then whether they are identical to the ones placed live."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from terminal.engine.journal import JournalError, read_journal
from terminal.engine.plugins import PluginRegistry
from terminal.engine.replay.host import replay


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("journal", type=Path, metavar="JOURNAL", help="a run's .tjnl file")
    parser.add_argument("--strategy", metavar="NAME", help="replay only this instance")


def run(args: argparse.Namespace) -> int:
    """Exit status: 0 identical to live, 1 different, 2 unreadable journal."""
    try:
        records = read_journal(args.journal)
    except (OSError, JournalError) as exc:
        print(f"terminal replay: {exc}", file=sys.stderr)
        return 2
    registry = PluginRegistry()
    registry.discover()
    result = replay(records, registry, args.strategy)
    for problem in result.problems:
        print(f"terminal replay: {problem}", file=sys.stderr)
    for n, order in enumerate(result.placed, 1):
        print(f"{n:>5} {order.describe()}")
    where = f"instance {args.strategy}" if args.strategy else "all instances"
    print(result.summary(where))
    return 0 if result.first_difference() is None else 1
