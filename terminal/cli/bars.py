"""``terminal bars TICKS -o BARS.csv``: ticks from CSV/Parquet → bars, with counts at the end.

Input columns: ``symbol,datetime,last,volume`` plus optional ``bid,ask,turnover,
open_interest``. ``datetime`` is ISO 8601 (naive times are in ``--tz``, by default the
session's time zone) or epoch seconds/ms/us/ns. Malformed rows are reported with their line
number and skipped, or stop the run with ``--strict``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

SHOW_MALFORMED = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ticks", type=Path, help="ticks file (.csv or .parquet)")
    parser.add_argument(
        "-o", "--out", type=Path, required=True, help="bars file (.csv or .parquet)"
    )
    parser.add_argument("--timeframes", default="1m", help="comma-separated, e.g. 1m,5m,1h,1d")
    parser.add_argument("--session", default="always", help="sessions name from sessions.toml")
    parser.add_argument("--tz", help="time zone of naive input times (default: the session's)")
    parser.add_argument(
        "--volume",
        choices=("cumulative", "delta"),
        default="cumulative",
        help="volume column is the day's running total, or per trade",
    )
    parser.add_argument("--strict", action="store_true", help="stop at the first malformed row")


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    from zoneinfo import ZoneInfo

    from terminal.engine.bars.files import InputError, read_ticks, write_bars
    from terminal.engine.bars.timeframes import parse_timeframes
    from terminal.engine.sessions import SessionsError, load_sessions, session_calendar

    try:
        timeframes = parse_timeframes(args.timeframes)
        sessions = load_sessions()
        if args.session not in sessions:
            raise ValueError(
                f"--session: unknown sessions '{args.session}' "
                f"(known: {', '.join(sorted(sessions))})"
            )
        calendar = session_calendar(sessions[args.session])
        tz = ZoneInfo(args.tz) if args.tz else calendar.tz
    except (ValueError, KeyError, SessionsError) as exc:
        print(f"terminal bars: {exc}", file=err)
        return 2
    started = time.perf_counter()
    try:
        ticks, malformed = read_ticks(args.ticks, tz)
    except InputError as exc:
        print(f"terminal bars: {exc}", file=err)
        return 2
    for line, reason in malformed[:SHOW_MALFORMED]:
        print(f"{args.ticks}:{line}: skipped malformed row: {reason}", file=err)
    if len(malformed) > SHOW_MALFORMED:
        print(f"… and {len(malformed) - SHOW_MALFORMED} more malformed rows", file=err)
    if malformed and args.strict:
        print(f"terminal bars: stopped at line {malformed[0][0]} (--strict)", file=err)
        return 1
    from terminal.engine.bars.batch import build_bars

    frames, stats = build_bars(ticks, calendar, timeframes, volume=args.volume)
    written = write_bars(frames, args.out, calendar.tz)
    seconds = time.perf_counter() - started
    read = len(ticks) + len(malformed)
    print(
        f"ticks read: {read}, used: {stats.used}, dropped outside sessions: "
        f"{stats.outside_sessions}, late: {stats.late}, duplicates: {stats.duplicates}, "
        f"malformed: {len(malformed)}",
        file=out,
    )
    per_tf = ", ".join(f"{name} {len(frame)}" for name, frame in frames.items())
    print(f"bars written to {args.out}: {written} ({per_tf}) in {seconds:.2f} s", file=out)
    return 0
