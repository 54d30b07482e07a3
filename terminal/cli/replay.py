"""``terminal replay JOURNAL [--strategy NAME]``: re-run a journal's strategies headless and
print the orders they place, then whether they are identical to the ones placed live."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from terminal.engine.journal import JournalError, scan_journal
from terminal.engine.plugins.registry import PluginRegistry
from terminal.engine.replay.host import replay

IDENTICAL, DIFFERENT, UNREADABLE, INCOMPLETE = 0, 1, 2, 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("journal", type=Path, metavar="JOURNAL", help="a run's .tjnl file")
    parser.add_argument("--strategy", metavar="NAME", help="replay only this instance")


def run(args: argparse.Namespace) -> int:
    """Exit status: 0 identical to live, 1 different, 2 not a journal or damaged, 3 the
    records there are replay identically but the journal's tail is missing (a killed run)."""
    try:
        scan = scan_journal(args.journal)
    except (OSError, JournalError) as exc:
        print(f"terminal replay: {exc}", file=sys.stderr)
        return UNREADABLE
    registry = PluginRegistry()
    registry.discover()
    result = replay(scan.records, registry, args.strategy)
    for problem in [*scan.problems, *result.problems]:
        print(f"terminal replay: {problem}", file=sys.stderr)
    for n, order in enumerate(result.placed, 1):
        print(f"{n:>5} {order.describe()}")
    where = f"instance {args.strategy}" if args.strategy else "all instances"
    if result.first_difference() is not None:
        print(result.summary(where))
        return DIFFERENT
    if scan.problems:  # lost or unreadable records: equal so far proves nothing about them
        lost = "is damaged" if scan.damaged else "ends early"
        print(f"replayed {result.records} records ({where}): {len(result.placed)} orders, the "
              f"same as the {len(result.live)} live orders in the journal, but the journal "
              f"{lost}: orders the run placed after that point cannot be compared")  # fmt: skip
        return UNREADABLE if scan.damaged else INCOMPLETE
    print(result.summary(where))
    return IDENTICAL
