"""The command line: ``terminal`` (GUI), ``serve``, ``screenshot``, ``plugins``, ``bars``,
``replay``, ``history``, ``symbols``, ``backtest``, ``optimize``.

Qt is imported only by the subcommands that show a window, so ``serve`` and ``plugins`` run
on machines without a display or without Qt at all.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from terminal.cli import backtest as backtest_command
from terminal.cli import bars as bars_command
from terminal.cli import history as history_command
from terminal.cli import replay as replay_command
from terminal.cli import symbols as symbols_command
from terminal.engine import logs
from terminal.engine.config import Config, ConfigError, default_user_file, load_config
from terminal.engine.persistence.check import StoreDamaged

if TYPE_CHECKING:
    from terminal.adapters.spot.subscriber import ZmqFeedOptions
    from terminal.engine.engine import Engine
    from terminal.engine.monitoring.prometheus import MetricsServer
    from terminal.engine.plugins.registry import PluginRegistry
    from terminal.engine.replay.engine import ReplayOptions

log = logging.getLogger("terminal")

REPLAY_SPEEDS: dict[str, float | None] = {"pause": 1.0, "1": 1.0, "10": 10.0, "max": None}


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1600x1000, got '{text}'") from None
    if width < 200 or height < 200:
        raise argparse.ArgumentTypeError(f"size {text} is too small (at least 200x200)")
    return width, height


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="terminal",
        description="A desktop trading terminal. With no command, opens the GUI.",
        epilog=f"User config file: {default_user_file()}",
        # No prefixes of these options: `serve --rep` would be read as `--replay` here.
        allow_abbrev=False,
    )
    parser.add_argument("--config", type=Path, help="config file (instead of the user file)")
    parser.add_argument(
        "--exit-after",
        type=float,
        metavar="SECONDS",
        help="close the window after SECONDS (smoke tests)",
    )
    parser.add_argument(
        "--connect",
        metavar="ENDPOINT",
        help="open the GUI on a remote engine (`terminal serve`) publishing at ENDPOINT",
    )
    parser.add_argument(
        "--connect-rep",
        metavar="ENDPOINT",
        help="its request endpoint (default: the --connect port + 1)",
    )
    parser.add_argument(
        "--curve",
        type=Path,
        metavar="DIR",
        help="with --connect: CURVE keys from `terminal keys` (server.key, client.key_secret)",
    )
    parser.add_argument(
        "--replay",
        type=Path,
        metavar="JOURNAL",
        help="open the GUI on a replay of a run's journal (no live engine, no orders sent)",
    )
    parser.add_argument(
        "--replay-speed",
        choices=list(REPLAY_SPEEDS),
        default="1",
        help="with --replay: start paused, at recorded speed (1), 10x, or as fast as possible",
    )
    parser.add_argument(
        "--replay-strategy", metavar="NAME", help="with --replay: only this strategy instance"
    )
    parser.add_argument(
        "--recover",
        action="store_true",
        help="start on a damaged trading store: keep what is readable in a new one (the "
        "original is kept), report what was lost",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("gui", help="open the GUI (the default)")
    serve = sub.add_parser("serve", help="run the engine headless")
    # As documented (`terminal serve --config FILE`): --config after the subcommand too.
    serve.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="config file")
    serve.add_argument("--seconds", type=float, help="stop after SECONDS (default: run until ^C)")
    serve.add_argument("--recover", action="store_true", default=argparse.SUPPRESS,
                       help="start on a damaged trading store (see terminal --help)")
    serve.add_argument(
        "--pub", default="tcp://127.0.0.1:5555", help="ZeroMQ PUB endpoint (ticks, bars, events)"
    )
    serve.add_argument(
        "--rep", default="tcp://127.0.0.1:5556", help="ZeroMQ REP endpoint (requests, commands)"
    )
    serve.add_argument(
        "--curve",
        type=Path,
        metavar="DIR",
        help="CURVE keys from `terminal keys` (server.key_secret, authorized/): required to "
        "bind beyond localhost",
    )
    serve.add_argument(
        "--metrics-port", type=int, metavar="PORT",
        help="serve Prometheus metrics at http://HOST:PORT/metrics (default: off)",
    )
    serve.add_argument(
        "--metrics-host", default="127.0.0.1", metavar="HOST",
        help="address for --metrics-port (default 127.0.0.1: this machine only)",
    )
    keys = sub.add_parser("keys", help="create CURVE keys for serving beyond localhost")
    keys.add_argument("folder", type=Path, metavar="DIR")
    shot = sub.add_parser("screenshot", help="render the main window offscreen to a PNG")
    shot.add_argument("--out", type=Path, required=True, help="PNG file to write")
    shot.add_argument("--seconds", type=float, default=3.0, help="seconds of live data first")
    shot.add_argument("--size", type=_size, default=(1600, 1000), help="window size, WxH")
    shot.add_argument(
        "--language", choices=["zh_CN", "en"],
        help="the interface's language (default: ui.language, else the system's)",
    )  # fmt: skip
    sub.add_parser("plugins", help="list discovered plugins: loaded and failed, with reasons")
    bars_command.add_arguments(
        sub.add_parser("bars", help="build session-aware bars from a ticks file (CSV/Parquet)")
    )
    replay_command.add_arguments(
        sub.add_parser("replay", help="re-run a journal's strategies headless, print orders")
    )
    history_command.add_arguments(sub.add_parser("history", help="bars from vendors' history"))
    backtest_command.add_arguments(
        sub.add_parser("backtest", help="backtest a strategy on stored bars or a bars file")
    )
    backtest_command.add_arguments(
        sub.add_parser("optimize", help="optimise a strategy's parameters over backtests"),
        optimize=True,
    )
    quotes = sub.add_parser("quotes", help="tools for vendor quote answers")
    quotes_sub = quotes.add_subparsers(dest="quotes_command", required=True)
    parse = quotes_sub.add_parser("parse", help="print a saved Sina/QQ answer as JSON lines")
    parse.add_argument("--format", choices=["sina", "qq"], required=True, dest="vendor")
    parse.add_argument("file", type=Path, metavar="FILE")
    symbols_command.add_arguments(
        sub.add_parser("symbols", help="the instrument list of China's exchanges: update, search")
    )
    _add_trading_commands(sub)
    return parser


def _add_trading_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # --config is also accepted after these subcommands, as their documented usage shows it.
    config = argparse.ArgumentParser(add_help=False)
    config.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="config file")
    alert = sub.add_parser(
        "alert-test", parents=[config], help="send a test email via a mail broker"
    )
    alert.add_argument("--broker", required=True, help="name of a mail broker in the config")
    order = sub.add_parser("order", parents=[config], help="place one order, headless")
    order.add_argument("--broker", required=True, help="name of a broker in the config")
    order.add_argument("--symbol", required=True)
    order.add_argument("--side", required=True, choices=["buy", "sell"])
    order.add_argument("--qty", required=True, type=float, help="quantity")
    order.add_argument("--price", type=float, help="limit price (makes it a limit order)")
    order.add_argument("--type", choices=["limit", "market"], help="default: limit with --price")
    order.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the ack")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "gui"
    try:
        config = load_config(args.config, plugins=_plugins_to_check(command, args))
    except ConfigError as exc:
        print(f"terminal: {exc}", file=sys.stderr)
        return 2
    logs.configure_console(config.engine.log_level)
    if command in ("gui", "screenshot", "serve", "order", "alert-test"):
        logs.configure_file()  # JSON lines, rotated, in the user data folder
    if command == "plugins":
        return print_plugins()
    if command == "bars":
        return bars_command.run(args)
    if command == "replay":
        return replay_command.run(args)
    if command == "history":
        return history_command.run(args, config)
    if command == "symbols":
        return symbols_command.run(config, args)
    if command == "backtest":
        return backtest_command.run_backtest_command(args, config)
    if command == "optimize":
        return backtest_command.run_optimize_command(args, config)
    if command == "quotes":
        from terminal.cli.quotes import parse_file

        return parse_file(args.vendor, args.file)
    if command == "keys":
        return _create_keys(args.folder)
    try:
        if command == "serve":
            return asyncio.run(serve(config, args.seconds, args))
        if command in ("alert-test", "order"):
            return _trading_command(config, args)
        return _gui(config, args, command)
    except StoreDamaged as exc:  # one line, no traceback; the GUI has shown it too
        print(f"terminal: {exc}", file=sys.stderr)
        return 2


def _gui(config: Config, args: argparse.Namespace, command: str) -> int:
    from terminal.ui.app import run_gui  # Qt only from here on

    remote = _remote_options(args) if args.connect else None
    if isinstance(remote, str):
        print(f"terminal: {remote}", file=sys.stderr)
        return 2
    if remote is not None and args.replay is not None:
        print("terminal: --replay and --connect exclude each other", file=sys.stderr)
        return 2
    replay = _replay_options(args)
    if command == "screenshot":
        return run_gui(config, exit_after=args.seconds, screenshot=args.out, size=args.size,
                       connect=remote, replay=replay, recover=args.recover,
                       language=args.language)  # fmt: skip
    return run_gui(config, exit_after=args.exit_after, connect=remote, replay=replay,
                   recover=args.recover)  # fmt: skip


def _plugins_to_check(command: str, args: argparse.Namespace) -> PluginRegistry | None:
    """The plugins the config's feeds and brokers are checked against before anything starts:
    for the commands that run this config's engine (not a remote one, not a replay)."""
    if command not in ("gui", "screenshot", "serve", "order", "alert-test"):
        return None
    if getattr(args, "connect", None) or getattr(args, "replay", None):
        return None
    from terminal.engine.plugins.registry import PluginRegistry

    registry = PluginRegistry(quiet=True)  # the engine discovers again, and logs it
    registry.discover()
    return registry


def _replay_options(args: argparse.Namespace) -> ReplayOptions | None:
    if args.replay is None:
        return None
    from terminal.engine.replay.engine import ReplayOptions

    speed = args.replay_speed
    return ReplayOptions(
        args.replay, REPLAY_SPEEDS[speed], paused=speed == "pause", only=args.replay_strategy
    )


def _remote_options(args: argparse.Namespace) -> ZmqFeedOptions | str:
    """The subscription of a GUI attached to ``--connect``, or what is wrong with it."""
    from terminal.adapters.spot.curve import public_key
    from terminal.adapters.spot.subscriber import ZmqFeedOptions

    pub: str = args.connect
    rep: str = args.connect_rep or ""
    if not rep:
        host, _, port = pub.rpartition(":")
        if not pub.startswith("tcp://") or not port.isdigit():
            return f"--connect {pub}: not tcp://HOST:PORT; give --connect-rep for other transports"
        rep = f"{host}:{int(port) + 1}"
    server_key, client_key = "", ""
    if args.curve is not None:
        try:
            server_key = public_key(args.curve / "server.key")
        except ValueError as exc:
            return f"--curve {args.curve}: {exc}"
        client_key = str(args.curve / "client.key_secret")
    return ZmqFeedOptions(pub=pub, rep=rep, server_key=server_key, client_key_file=client_key)


def _create_keys(folder: Path) -> int:
    from terminal.adapters.spot.curve import create_keys

    files = create_keys(folder)
    for role, path in files.items():
        print(f"{role:<14} {path}")
    print(f"Serve with `terminal serve --curve {folder} --pub tcp://0.0.0.0:5555 --rep "
          f"tcp://0.0.0.0:5556`; copy server.key and client.key_secret to the GUI's machine and "
          f"connect with `terminal --connect tcp://HOST:5555 --curve DIR`. More clients: add "
          f"their public .key files to {folder / 'authorized'}.")  # fmt: skip
    return 0


def _trading_command(config: Config, args: argparse.Namespace) -> int:
    from terminal.cli import trading as cli_trading
    if args.command == "alert-test":
        return cli_trading.alert_test(config, args.broker)
    request = cli_trading.order_request(
        args.broker, args.symbol, args.side, args.qty, args.price, args.type
    )
    if isinstance(request, str):
        print(f"terminal order: {request}", file=sys.stderr)
        return 2
    return asyncio.run(cli_trading.place_order(config, request, args.timeout))


def print_plugins() -> int:
    from terminal.engine.plugins.registry import PluginRegistry

    registry = PluginRegistry()
    registry.discover()
    for report in registry.reports:
        line = f"{report.state.value:<7} {report.kind.value:<8} {report.name:<16} {report.source}"
        print(line + (f"\n        reason: {report.reason}" if report.reason else ""))
    failed = len(registry.failed())
    print(f"{len(registry.reports) - failed} loaded, {failed} failed")
    return 0


async def serve(config: Config, seconds: float | None, spot: argparse.Namespace) -> int:
    import zmq

    from terminal.adapters.spot.curve import CurveOptions
    from terminal.adapters.spot.server import EngineMarket, SpotServer
    from terminal.adapters.universe.refresh import start_refresh
    from terminal.engine.engine import Engine

    engine = Engine(config, recover=spot.recover)
    curve = None
    if spot.curve is not None:
        curve = CurveOptions(spot.curve / "server.key_secret", spot.curve / "authorized")
    try:
        server = SpotServer(EngineMarket(engine), spot.pub, spot.rep, curve=curve)
    except ValueError as exc:
        print(f"terminal: {exc}", file=sys.stderr)
        return 2
    log_handler = logs.attach_bus(engine.bus)  # remote GUIs show the engine's log
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await engine.start()
    start_refresh(engine)  # the instrument list, daily, if a Sina or QQ feed is configured
    try:
        await server.start()
    except (ValueError, zmq.ZMQError) as exc:
        print(f"terminal: {exc}", file=sys.stderr)
        await engine.stop()
        return 2
    metrics = await _start_metrics(engine, spot)
    print(f"serving: pub {server.pub_endpoint} rep {server.rep_endpoint}", flush=True)
    if metrics is not None:
        print(f"metrics: {metrics.url}", flush=True)
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass
    finally:
        if metrics is not None:
            await metrics.stop()
        await server.stop()
        await engine.stop()
        logs.detach(log_handler)
        log.info("served %d ticks", engine.tick_count)
    return 0


async def _start_metrics(engine: Engine, args: argparse.Namespace) -> MetricsServer | None:
    if args.metrics_port is None:
        return None
    from terminal.engine.monitoring.prometheus import MetricsServer

    metrics = MetricsServer(engine, args.metrics_host, args.metrics_port)
    try:
        await metrics.start()
    except OSError as exc:
        log.error(
            "metrics: cannot listen on %s:%d (--metrics-port): %s",
            args.metrics_host, args.metrics_port, exc,
        )
        return None
    return metrics

