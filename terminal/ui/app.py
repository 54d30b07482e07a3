"""Starting the GUI: one QApplication, one qasync loop shared by Qt and the engine."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from terminal.adapters.spot.remote import RemoteEngine
from terminal.adapters.spot.subscriber import ZmqFeedOptions
from terminal.adapters.universe.refresh import start_refresh
from terminal.engine import logs
from terminal.engine.config import Config
from terminal.engine.engine import Engine
from terminal.engine.paths import user_config_dir
from terminal.engine.persistence.check import StoreDamaged
from terminal.engine.replay.engine import ReplayOptions
from terminal.ui.bridge import EngineBridge
from terminal.ui.crash_dialog import CrashReporter
from terminal.ui.heartbeat import freeze_startup_heap
from terminal.ui.i18n import install_language, resolve_language, translate
from terminal.ui.main_window import MainWindow
from terminal.ui.theme import apply_theme, up_is_red

log = logging.getLogger("terminal.ui")

REPLAY_LAYOUT = "replay_layout.ini"


@dataclass(frozen=True, slots=True)
class GuiRun:
    """On which engine the window runs, and how it ends (the user, a timer, a screenshot)."""

    exit_after: float | None = None  # seconds, then close (or take the screenshot)
    screenshot: Path | None = None  # write the window to this PNG, then close
    size: tuple[int, int] | None = None  # the window's size instead of the saved one
    connect: ZmqFeedOptions | None = None  # attach to a remote engine (`terminal serve`)
    replay: ReplayOptions | None = None  # play this journal instead of running an engine
    recover: bool = False  # start on a damaged trading store, keeping what is readable
    language: str | None = None  # "zh_CN" or "en" instead of the saved or configured one


def layout_settings(path: Path | None = None) -> QSettings:
    path = path or user_config_dir() / "layout.ini"
    return QSettings(str(path), QSettings.Format.IniFormat)


def make_application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv[:1])
    app.setApplicationName("terminal")
    app.setOrganizationName("pyterminal")
    app.setQuitOnLastWindowClosed(False)
    return app


async def run_window(config: Config, settings: QSettings, run: GuiRun) -> int:
    """Start the engine (or attach to the remote one at ``run.connect``, or play the journal
    of ``run.replay``), show the window, run until it closes; stop everything cleanly."""
    app = make_application()
    language = resolve_language(run.language or str(settings.value("language", config.ui.language)))
    install_language(app, language)  # before any widget: texts are translated as built
    theme = str(settings.value("theme", config.ui.theme))
    apply_theme(app, theme, up_is_red(config.ui.up_colour, language))
    if run.replay is not None:
        from terminal.ui.replay.window import run_replay

        return await run_replay(
            config, settings, theme, run.replay, run.exit_after, run.screenshot, run.size
        )
    engine: Engine | RemoteEngine = (
        Engine(config, recover=run.recover)
        if run.connect is None
        else RemoteEngine(config, run.connect)
    )
    log_handler = logs.attach_bus(engine.bus)
    bridge = EngineBridge(engine, config.ui.refresh_hz)
    closed = asyncio.Event()
    window: MainWindow | None = None
    reporter = CrashReporter()
    reporter.install(asyncio.get_running_loop())  # from here on, errors show, the app goes on
    try:
        try:
            await engine.start()
        except ConnectionError as exc:  # only a remote engine: nothing to show without it
            log.error("%s", exc)
            print(f"terminal: {exc}", file=sys.stderr)
            return 2
        if isinstance(engine, Engine):
            start_refresh(engine)  # the instrument list, daily, with a Sina or QQ feed
        window = MainWindow(bridge, settings, theme)
        reporter.setParent(window)
        window.closed.connect(closed.set)
        if run.size is not None:
            window.resize(*run.size)
        window.show()
        freeze_startup_heap()  # full GC passes would otherwise pause the loop at random
        return await present(window, bridge, closed, run.exit_after, run.screenshot)
    finally:
        reporter.uninstall()
        if "terminal.ui.replay.window" in sys.modules:  # replays opened from the File menu
            from terminal.ui.replay.window import close_all_replays

            await close_all_replays()
        bridge.close()
        await engine.stop()
        logs.detach(log_handler)
        if window is not None:
            window.deleteLater()


async def present(
    window: QWidget,
    bridge: EngineBridge,
    closed: asyncio.Event,
    exit_after: float | None,
    screenshot: Path | None,
) -> int:
    """Until the window closes: or write ``screenshot`` after ``exit_after`` seconds and close
    it, or close it after ``exit_after`` seconds."""
    if screenshot is not None:
        await asyncio.sleep(exit_after or 0)
        bridge.flush()
        await asyncio.sleep(0.1)  # let Qt lay out and paint what the flush changed
        if not window.grab().save(str(screenshot)):
            log.error("could not write screenshot to %s", screenshot)
            return 1
        log.info("screenshot written to %s", screenshot)
        window.close()
    elif exit_after is not None:
        QTimer.singleShot(int(exit_after * 1000), window.close)
    await closed.wait()
    return 0


def run_gui(
    config: Config,
    exit_after: float | None = None,
    screenshot: Path | None = None,
    size: tuple[int, int] | None = None,
    settings_path: Path | None = None,
    connect: ZmqFeedOptions | None = None,
    replay: ReplayOptions | None = None,
    recover: bool = False,
    language: str | None = None,
) -> int:
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif not _display_available():
        print(
            "terminal: no display found (DISPLAY and WAYLAND_DISPLAY are unset). Run it in a "
            "desktop session, under `xvfb-run -a`, or with QT_QPA_PLATFORM=offscreen; "
            "`terminal screenshot --out FILE.png` renders the window without one.",
            file=sys.stderr,
        )
        return 2
    app = make_application()
    with tempfile.TemporaryDirectory() as scratch:
        if screenshot is not None and settings_path is None:
            settings_path = Path(scratch) / "layout.ini"  # documents show the default layout
        if replay is not None and settings_path is None:
            settings_path = user_config_dir() / REPLAY_LAYOUT  # the live layout stays as it is
        settings = layout_settings(settings_path)
        run = GuiRun(exit_after, screenshot, size, connect, replay, recover, language)
        try:
            return _run_loop(app, run_window(config, settings, run))
        except StoreDamaged as exc:
            if screenshot is None and exit_after is None:
                # No loop runs any more: a blocking box is safe here (see dialogs.py).
                QMessageBox.critical(
                    None, translate("App", "Trading record damaged"), str(exc)
                )
            raise


def _display_available() -> bool:
    if os.environ.get("QT_QPA_PLATFORM") or sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _run_loop(app: QApplication, main: Coroutine[Any, Any, int]) -> int:
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(main)
