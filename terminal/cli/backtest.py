"""``terminal backtest`` and ``terminal optimize``: a strategy over stored bars or a bars file,
with the report written to a folder and the summary printed.

``backtest`` writes ``trades.csv``, ``equity.csv`` (daily), ``summary.json`` and
``report.html``; ``optimize`` writes ``results.csv`` (one row per parameter set),
``summary.json`` (the best set, the walk-forward folds) and ``report.html``. Exit status 0
when the run finished, 1 when the strategy raised (the traceback is printed), 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from terminal.domain.instrument import Instrument
    from terminal.engine.backtest.data import BacktestData
    from terminal.engine.backtest.request import BacktestRequest
    from terminal.engine.config import Config
    from terminal.engine.plugins.registry import PluginRegistry
    from terminal.engine.strategy.base import Strategy


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: '{text}'") from None


def add_arguments(parser: argparse.ArgumentParser, optimize: bool = False) -> None:
    parser.add_argument("strategy", metavar="STRATEGY", help="strategy plugin name")
    parser.add_argument("--data", type=Path, metavar="BARS",
                        help="bars file (.csv or .parquet: symbol,datetime,open,high,low,close,"
                             "volume) instead of the bar store")  # fmt: skip
    parser.add_argument("--symbols", nargs="+", default=[], metavar="SYMBOL",
                        help="symbols, the primary first (with --data: which of its symbols)")
    parser.add_argument("--timeframe", default="", metavar="TF",
                        help="bars to load and fill orders against (default: the strategy's "
                             "first timeframe; with --data: the file's)")  # fmt: skip
    parser.add_argument("--start", type=_date, metavar="DATE", help="first day (YYYY-MM-DD)")
    parser.add_argument("--end", type=_date, metavar="DATE", help="last day, included")
    parser.add_argument("--params", default="", metavar="k=v,...",
                        help="parameters (the rest keep their defaults)")
    parser.add_argument("--capital", type=float, help="starting capital (default: [backtest])")
    parser.add_argument("--warmup", type=int, default=-1, metavar="N",
                        help="bars fed as history before trading (default: the strategy's)")
    parser.add_argument("-o", "--out", type=Path, metavar="DIR",
                        help="folder for the files (default: backtest-STRATEGY)")
    if not optimize:
        return
    parser.add_argument("--grid", default="", metavar="k=a:b:step,...",
                        help="ranges (default: each numeric parameter's own range)")
    parser.add_argument("--random", type=int, default=0, metavar="N",
                        help="a random search: N parameter sets drawn from the grid")
    parser.add_argument("--seed", type=int, default=0, help="seed of --random")
    parser.add_argument("--sort", default="sharpe", metavar="STATISTIC",
                        help="what ranks the sets (a summary.json statistic; default sharpe)")
    parser.add_argument("--processes", type=int, default=0, metavar="N",
                        help="worker processes (default: [backtest] processes, or one per CPU)")
    parser.add_argument("--cluster", default="", metavar="tcp://HOST:PORT",
                        help="run on this Dask scheduler instead of local processes")
    parser.add_argument("--walk-forward", type=int, default=0, metavar="K",
                        help="also K walk-forward folds (optimise in sample, test out of it)")
    parser.add_argument("--in-sample", type=float, default=0.7, metavar="SHARE",
                        help="share of each fold optimised on (default 0.7)")


def known_instruments(config: Config) -> dict[str, Instrument]:
    """The instruments the configured feeds list (the terminal's own view of them: tick and
    lot sizes, sessions, margin), without starting them; symbols none lists are inferred from
    their exchange suffix (``instrument_for``)."""
    import msgspec

    from terminal.domain.enums import PluginKind

    found: dict[str, Instrument] = {}
    registry = _registry()
    for spec in config.feeds:
        cls = registry.get(PluginKind.FEED, spec.plugin)
        if cls is None or not spec.enabled:
            continue
        try:
            feed = cls(spec.name, None, msgspec.convert(spec.options, cls.Options))
            for instrument in feed.instruments():
                found.setdefault(instrument.symbol, instrument)
        except Exception as exc:  # a feed that lists only once running: its symbols are inferred
            logging.getLogger("terminal").debug("feed %s lists no instruments here: %s",
                                                spec.name, exc)  # fmt: skip
    return found


def _registry() -> PluginRegistry:
    from terminal.engine.plugins.registry import PluginRegistry

    registry = PluginRegistry()
    plugins_log = logging.getLogger("terminal.plugins")
    level = plugins_log.level
    plugins_log.setLevel(logging.WARNING)  # each plugin loaded is no news here; failures are
    try:
        registry.discover()
    finally:
        plugins_log.setLevel(level)
    return registry


def strategy_class(name: str) -> type[Strategy]:
    from terminal.domain.enums import PluginKind

    registry = _registry()
    found = registry.get(PluginKind.STRATEGY, name)
    if found is None:
        known = ", ".join(registry.names(PluginKind.STRATEGY))
        raise ValueError(f"unknown strategy '{name}' (known: {known})")
    return found


def _request(args: argparse.Namespace, cls: type[Strategy]) -> BacktestRequest:
    from terminal.engine.backtest.request import (
        BacktestRequest,
        StrategyRef,
        parse_params,
        symbols_of,
    )
    from terminal.engine.paths import user_data_dir

    if args.data is None and not args.symbols:
        raise ValueError("give --data BARS.csv or --symbols SYMBOL... (with --timeframe, "
                         "--start and --end)")  # fmt: skip
    return BacktestRequest(
        strategy=StrategyRef.of(cls), symbols=symbols_of(args.symbols),
        timeframe=args.timeframe, start=args.start, end=args.end,
        data_file=str(args.data) if args.data else "", store=str(user_data_dir() / "bars"),
        params=parse_params(args.params, cls), capital=args.capital, warmup=args.warmup,
    )  # fmt: skip


def _progress(err: TextIO, what: str) -> Callable[[int, int], None] | None:
    if not err.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{what} {done:,} of {total:,}", end=end, file=err, flush=True)

    return show


def run_backtest_command(
    args: argparse.Namespace, config: Config, out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:  # fmt: skip
    out, err = out or sys.stdout, err or sys.stderr
    from terminal.adapters.report.html import backtest_html
    from terminal.engine.backtest.request import execute
    from terminal.engine.backtest.workers import quiet_strategies

    try:
        cls = strategy_class(args.strategy)
        request = _request(args, cls)
        with quiet_strategies():
            result = execute(request, config, known_instruments(config),
                             progress=_progress(err, "bars"))  # fmt: skip
    except ValueError as exc:
        print(f"terminal backtest: {exc}", file=err)
        return 2
    folder = args.out or Path(f"backtest-{args.strategy}")
    written = result.write(folder)
    report = folder / "report.html"
    report.write_text(backtest_html(result), encoding="utf-8")
    print_summary(result.summary(), out)
    print(f"wrote {', '.join(str(p) for p in [*written, report])}", file=out)
    if result.error:
        print(f"terminal backtest: {args.strategy} raised and stopped the backtest:\n"
              f"{result.error}", file=err)  # fmt: skip
        return 1
    return 0


def print_summary(summary: Mapping[str, Any], out: TextIO) -> None:
    from terminal.engine.backtest.stats import LABELS, shown

    print(f"{summary['strategy']} on {', '.join(summary['symbols'])} ({summary['timeframe']}), "
          f"{summary['start']} to {summary['end']}, parameters {summary['params'] or 'defaults'}",
          file=out)  # fmt: skip
    for name, value in summary["statistics"].items():
        number = float("nan") if value is None else float(value)
        print(f"  {LABELS[name][0]:<24}{shown(name, number):>18}", file=out)


def run_optimize_command(
    args: argparse.Namespace, config: Config, out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:  # fmt: skip
    out, err = out or sys.stdout, err or sys.stderr
    from terminal.engine.backtest.optimize import combinations, default_ranges, parse_grid
    from terminal.engine.backtest.request import load_data
    from terminal.engine.backtest.stats import NAMES

    try:
        cls = strategy_class(args.strategy)
        if args.sort not in NAMES:
            raise ValueError(f"--sort: '{args.sort}' is not one of {', '.join(NAMES)}")
        request = _request(args, cls)
        ranges = parse_grid(args.grid, cls) if args.grid else default_ranges(cls)
        if not ranges:
            raise ValueError(f"{args.strategy} has no numeric parameter to optimise")
        combos = combinations(ranges, request.params, args.random, args.seed)
        data = load_data(request, cls, known_instruments(config))
    except ValueError as exc:
        print(f"terminal optimize: {exc}", file=err)
        return 2
    return _optimize(args, config, cls, request, data, ranges, combos, out, err)


def _optimize(
    args: argparse.Namespace, config: Config, cls: type[Strategy], request: BacktestRequest,
    data: BacktestData, ranges: list[Any], combos: list[dict[str, Any]], out: TextIO,
    err: TextIO,
) -> int:  # fmt: skip
    from terminal.adapters.report.html import optimization_html
    from terminal.engine.backtest.data import timezone_of
    from terminal.engine.backtest.optimize import results_table
    from terminal.engine.backtest.request import StrategyRef
    from terminal.engine.backtest.workers import Backtests, OptimizationJob, cpu_count, walk_forward

    job = OptimizationJob(StrategyRef.of(cls), data, config, request.capital, request.warmup)
    processes = args.processes or config.backtest.processes or cpu_count()
    names = [r.name for r in ranges]
    try:
        with Backtests(job, min(processes, len(combos)), args.cluster) as backtests:
            rows = backtests.rows([(None, p) for p in combos], _progress(err, "backtests"))
            folds = (
                walk_forward(backtests, combos, folds=args.walk_forward,
                             in_sample=args.in_sample, objective=args.sort)
                if args.walk_forward else []
            )  # fmt: skip
    except (ValueError, OSError) as exc:
        print(f"terminal optimize: {exc}", file=err)
        return 2
    table = results_table(rows, names, args.sort)
    folder = args.out or Path(f"optimize-{args.strategy}")
    folder.mkdir(parents=True, exist_ok=True)
    table.to_csv(folder / "results.csv", index=False, lineterminator="\n", float_format="%.10g")
    where = f"Dask cluster {args.cluster}" if args.cluster else f"{processes} processes"
    description = (f"{len(combos)} parameter sets ({', '.join(r.describe() for r in ranges)}) "
                   f"on {', '.join(data.symbols)} {data.timeframe}, run on {where}.")  # fmt: skip
    tz = str(timezone_of(data.instruments[data.symbols[0]]))
    (folder / "report.html").write_text(
        optimization_html(args.strategy, table, names, args.sort, folds, description, tz),
        encoding="utf-8",
    )
    best = table.iloc[0].to_dict() if len(table) and not table.iloc[0]["error"] else {}
    summary = {
        "strategy": args.strategy, "objective": args.sort, "combinations": len(combos),
        "ranges": [r.describe() for r in ranges],
        "best": {name: best.get(name) for name in names} if best else None,
        "best_statistics": {k: best.get(k) for k in ("sharpe", "total_return", "max_drawdown")}
        if best else None,
        "walk_forward": [{"fold": f.number, "best": f.best, "in_sample": f.in_sample,
                          "out_of_sample": f.out_of_sample, "out_return": f.out_return}
                         for f in folds],
    }  # fmt: skip
    (folder / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    shown = table.head(10)[[*names, args.sort, "total_return", "max_drawdown", "trades", "error"]]
    print(f"{len(combos)} parameter sets on {where}; best by {args.sort}:", file=out)
    print(shown.to_string(index=False), file=out)
    print(f"wrote {folder / 'results.csv'}, {folder / 'summary.json'}, {folder / 'report.html'}",
          file=out)  # fmt: skip
    return 0
