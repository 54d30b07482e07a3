"""``terminal symbols update`` (take the instrument list of China's exchanges and cache it)
and ``terminal symbols search QUERY`` (find instruments by code, name or pinyin initials)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TextIO

import msgspec

from terminal.engine.config import Config
from terminal.engine.paths import user_data_dir
from terminal.engine.universe.store import FILE_NAME, Universe

SHOW_PROBLEMS = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="symbols_command", required=True)
    update = sub.add_parser("update", help="download the instrument list and cache it")
    update.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="config file")
    update.add_argument("--base-url", metavar="URL", help="the list endpoint (a mirror)")
    update.add_argument(
        "--force", action="store_true", help="keep the new list even if it shrank by half"
    )
    search = sub.add_parser("search", help="find instruments by code, name or pinyin initials")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--limit", type=int, default=20, help="at most this many (default 20)")


def run(
    config: Config, args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    universe = Universe(user_data_dir() / FILE_NAME)
    universe.load()
    if args.symbols_command == "update":
        return _update(config, universe, args, out, err)
    return _search(universe, args.query, args.limit, out, err)


def _update(
    config: Config, universe: Universe, args: argparse.Namespace, out: TextIO, err: TextIO
) -> int:
    from terminal.adapters.universe.eastmoney import UniverseError
    from terminal.adapters.universe.refresh import take_list

    options = config.universe
    if args.base_url:
        options = msgspec.structs.replace(options, url=args.base_url)

    def progress(name: str, seen: int, total: int) -> None:
        print(f"\r{name}: {seen:,} of {total:,}\x1b[K", end="", file=err, flush=True)

    try:
        taken = asyncio.run(take_list(universe, options, time.time_ns(), progress, args.force))
    except UniverseError as exc:
        print(f"\nterminal symbols update: {exc}", file=err)
        return 1
    print(file=err)
    for problem in taken.problems[:SHOW_PROBLEMS]:
        print(f"terminal symbols update: skipped a row: {problem}", file=err)
    kinds = Counter(entry.kind.value for entry in universe.entries.values())
    counts = ", ".join(f"{count:,} {kind}" for kind, count in sorted(kinds.items()))
    print(f"{taken.listed:,} instruments ({counts}) from {universe.source}, saved to "
          f"{universe.path}; {len(taken.problems)} rows skipped", file=out)  # fmt: skip
    return 0


def _search(universe: Universe, query: str, limit: int, out: TextIO, err: TextIO) -> int:
    from terminal.engine.universe.search import SymbolSearch

    if not len(universe):
        print("terminal symbols search: no instrument list yet: run `terminal symbols "
              "update`", file=err)  # fmt: skip
        return 1
    hits = SymbolSearch(universe, {}).search(query, limit)
    for hit in hits:
        entry = universe.entries[hit.symbol]
        least = f" (buy at least {entry.min_quantity:g})" if entry.min_quantity else ""
        print(f"{hit.symbol:<12} {hit.name}\t{entry.kind.value:<6} {entry.status.value:<12} "
              f"lot {entry.lot_size:g}{least} tick {entry.tick_size:g}", file=out)  # fmt: skip
    if not hits:
        print(f"terminal symbols search: nothing matches '{query}'", file=err)
        return 1
    return 0
