"""``terminal history download SYMBOL... --source S --timeframe TF``: bars from a vendor's
history into a CSV/Parquet file (``-o``) or into the terminal's own bar store.

Any ``CODE.EXCHANGE`` symbol the source serves works (``300750.SZSE``, ``601166.SSE``), listed
by the engine or not. The file has ``symbol,datetime,open,high,low,close,volume`` (volume in
shares) and ``turnover`` when the vendor gives it; ``datetime`` is the bar's start in the
exchange's local time (a date for day, week and month bars). Filling the store keeps only
closed periods and uses the store's adjustment (``engine.history_adjust``) for day bars.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import pandas as pd

    from terminal.engine.bars.calendar import SessionCalendar
    from terminal.engine.config import Config
    from terminal.engine.history.provider import HistoryProvider, HistoryRequest

BAR_WIDTH = 24


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="history_command", required=True)
    download = sub.add_parser("download", help="fetch bars from a vendor into a file or the store")
    download.add_argument("symbols", nargs="+", metavar="SYMBOL", help="e.g. 600000.SSE")
    download.add_argument("--source", default="eastmoney",
                          help="history plugin: sina, qq, eastmoney (default) …")  # fmt: skip
    download.add_argument("--timeframe", default="1d", help="1m…1h, 1d, 1w, 1M (default 1d)")
    download.add_argument("--start", type=_date, help="first day, YYYY-MM-DD (exchange time)")
    download.add_argument("--end", type=_date, help="last day, YYYY-MM-DD (default: today)")
    download.add_argument("--count", type=int, help="the newest N bars (default without "
                          "--start: engine.bar_history)")  # fmt: skip
    download.add_argument("--adjust", choices=["none", "qfq", "hfq"],
                          help="day+ default: engine.history_adjust; minutes: none")  # fmt: skip
    download.add_argument("--base-url", default="", help="a mirror or local server to ask")
    download.add_argument("-o", "--out", type=Path,
                          help="a .csv or .parquet file; without it: the bar store")  # fmt: skip


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date must be YYYY-MM-DD, got '{text}'") from None


def run(args: argparse.Namespace, config: Config, out: TextIO | None = None,
        err: TextIO | None = None) -> int:  # fmt: skip
    out, err = out or sys.stdout, err or sys.stderr
    try:
        provider = _provider(args.source, args.base_url)
        requests, calendar = _requests(args, config, provider)
    except ValueError as exc:
        print(f"terminal history: {exc}", file=err)
        return 2
    return asyncio.run(_download(provider, requests, calendar, args.out, config, out, err))


def _provider(source: str, base_url: str) -> HistoryProvider:
    import msgspec

    from terminal.domain.enums import PluginKind
    from terminal.engine.config import describe_validation_error
    from terminal.engine.plugins.registry import PluginRegistry

    registry = PluginRegistry()
    registry.discover()
    cls = registry.get(PluginKind.HISTORY, source)
    if cls is None:
        known = ", ".join(registry.names(PluginKind.HISTORY))
        raise ValueError(f"--source: no history source '{source}' (known: {known})")
    options = {"base_url": base_url} if base_url else {}
    try:
        return cls(source, msgspec.convert(options, cls.Options))
    except msgspec.ValidationError as exc:
        raise ValueError(describe_validation_error(exc, options, f"--source {source}")) from None


def _requests(args: argparse.Namespace, config: Config, provider: HistoryProvider) -> tuple[
    list[HistoryRequest], SessionCalendar
]:
    import msgspec

    from terminal.domain.enums import Adjust
    from terminal.engine.bars.timeframes import parse_timeframe
    from terminal.engine.history.provider import HistoryRequest
    from terminal.engine.sessions import load_sessions, session_calendar

    tf = parse_timeframe(args.timeframe)
    for symbol in args.symbols:
        if not provider.supports(symbol):
            raise ValueError(f"{provider.name} serves no '{symbol}' (CODE.EXCHANGE, e.g. "
                             f"600000.SSE, 300750.SZSE)")  # fmt: skip
    store_adjust = "none" if tf.intraday else config.engine.history_adjust
    adjust = Adjust(args.adjust or store_adjust)
    if args.out is None and adjust.value != store_adjust:
        raise ValueError(f"--adjust {adjust.value}: the bar store keeps {tf.name} bars "
                         f"'{store_adjust}' (engine.history_adjust); use -o FILE")  # fmt: skip
    if args.out is not None and args.out.suffix.lower() not in (".csv", ".parquet"):
        raise ValueError(f"-o {args.out}: the file must end in .csv or .parquet")
    sessions = load_sessions()
    calendar = session_calendar(sessions[provider.sessions(args.symbols[0])])
    start = _ns(args.start, calendar) if args.start else None
    end = _ns(args.end + timedelta(days=1), calendar) - 1 if args.end else None
    count = args.count if args.count is not None else (None if start else config.engine.bar_history)
    if count is not None and count <= 0:
        raise ValueError(f"--count {count}: must be at least 1")
    asked = HistoryRequest(symbol="", timeframe=tf.name, adjust=adjust, start=start, end=end,
                           count=count)  # fmt: skip
    return [msgspec.structs.replace(asked, symbol=s) for s in args.symbols], calendar


def _ns(day: date, calendar: SessionCalendar) -> int:
    return int(datetime.combine(day, time(0), calendar.tz).timestamp()) * 1_000_000_000


async def _download(provider: HistoryProvider, requests: list[HistoryRequest],
                    calendar: SessionCalendar, path: Path | None, config: Config,
                    out: TextIO, err: TextIO) -> int:  # fmt: skip
    import pandas as pd

    from terminal.engine.history.fetch import fetch_bars
    from terminal.engine.history.provider import HistoryError

    fetched: list[pd.DataFrame] = []
    failed = 0
    try:
        for request in requests:
            bar = _ProgressBar(f"{request.symbol} {request.timeframe}", err)
            try:
                result = await fetch_bars(provider, request, calendar, bar.update)
            except HistoryError as exc:
                bar.finish(f"failed: {exc}")
                failed += 1
                continue
            bar.finish(f"{len(result.bars)} bars")
            fetched.append(result.bars)
    finally:
        await provider.close()
    if fetched:
        frame = pd.concat(fetched, ignore_index=True)
        where = _write(frame, path, calendar) if path else _store(frame, calendar, config)
        symbols = f"{len(fetched)} symbol" + ("s" if len(fetched) > 1 else "")
        print(f"{len(frame)} bars of {symbols} written to {where}", file=out)
    return 1 if failed else 0


def _write(frame: pd.DataFrame, path: Path, calendar: SessionCalendar) -> Path:
    import pandas as pd

    from terminal.engine.bars.timeframes import parse_timeframe

    stamps = pd.to_datetime(frame["start"].astype("int64"), utc=True).dt.tz_convert(calendar.tz)
    columns = ["open", "high", "low", "close", "volume"]
    if frame["turnover"].notna().any():
        columns.append("turnover")
    table = frame[["symbol", *columns]].copy()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        table.insert(1, "datetime", stamps)
        table.to_parquet(path, index=False)
        return path
    intraday = parse_timeframe(str(frame["timeframe"].iloc[0])).intraday
    text = stamps.dt.strftime("%Y-%m-%d %H:%M:%S" if intraday else "%Y-%m-%d")
    table.insert(1, "datetime", text)
    table.to_csv(path, index=False)
    return path


def _store(frame: pd.DataFrame, calendar: SessionCalendar, config: Config) -> Path:
    """Merge into the bar store on disk: closed periods only (what the engine would keep)."""
    from terminal.engine.bars.service import BarService
    from terminal.engine.bus import EventBus
    from terminal.engine.clock import LiveClock
    from terminal.engine.paths import user_data_dir

    folder = user_data_dir() / "bars"
    bars = BarService(EventBus(), LiveClock(), lambda _: calendar, store_dir=folder)
    bars.load()
    for (symbol, timeframe), part in frame.groupby(["symbol", "timeframe"]):
        bars.merge_history(str(symbol), str(timeframe), part.fillna({"turnover": 0.0}))
    bars.save()
    return folder


class _ProgressBar:
    """``600000.SSE 1d [#######.................] 1/3 requests, 640 bars`` on one line."""

    def __init__(self, label: str, stream: TextIO) -> None:
        self.label, self.stream = label, stream
        self.shown = 0  # length of the line on screen, which the next one must cover

    def update(self, done: int, total: int, bars: int) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        self._show(f"{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} "
                   f"requests, {bars} bars", end="")  # fmt: skip

    def finish(self, result: str) -> None:
        self._show(f"{self.label}: {result}", end="\n")

    def _show(self, line: str, end: str) -> None:
        print(f"\r{line.ljust(self.shown)}", end=end, file=self.stream, flush=True)
        self.shown = 0 if end else len(line)
