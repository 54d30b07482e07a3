"""A replay in the GUI: the main window on a :class:`ReplayEngine`, with the playback toolbar.

Two ways in: ``terminal --replay JOURNAL`` (:func:`run_replay`), where the replay window is the
only window and no live engine runs at all; and File ▸ Open replay… in any window
(:func:`choose_replay`), which opens a replay window beside it. The live engine, if any, is not
touched: the replay has its own engine, bus and bridge, and its log lines go to its own window.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from terminal.engine import logs
from terminal.engine.config import Config
from terminal.engine.journal import JournalError
from terminal.engine.paths import user_config_dir, user_data_dir
from terminal.engine.plugins.registry import PluginRegistry
from terminal.engine.replay.engine import LoadedJournal, ReplayEngine, ReplayOptions, load_journal
from terminal.ui.app import REPLAY_LAYOUT, layout_settings, present
from terminal.ui.crash_dialog import CrashReporter
from terminal.ui.dialogs import inform, warn
from terminal.ui.heartbeat import freeze_startup_heap
from terminal.ui.i18n import translate
from terminal.ui.main_window import MainWindow
from terminal.ui.replay.bridge import ReplayBridge
from terminal.ui.replay.controls import ReplayControls

log = logging.getLogger("terminal.ui")

EXTRA_CHARTS = 3
"""Charts opened beside the main one on further symbols the strategies traded."""
_open_sessions: set[ReplaySession] = set()  # a replay window lives until it is closed


class ReplaySession(QObject):
    """One replay window: its engine, bridge, main window and playback toolbar."""

    closed = Signal()

    def __init__(
        self,
        engine: ReplayEngine,
        settings: QSettings,
        theme: str,
        refresh_hz: int,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.bridge = ReplayBridge(engine, refresh_hz)
        self._log_handler = logs.attach_bus(engine.bus, replay=engine.log_tag)
        self.window = MainWindow(self.bridge, settings, theme, saved_views=False)
        self.controls = ReplayControls(
            self.bridge,
            self.window.theme,
            lambda text: inform(self.window, self.tr("Replay"), text),
            self.window,
        )
        self.banner = QLabel(
            self.tr("REPLAY of {journal} · orders go to no broker").format(journal=engine.name),
            self.window,
        )
        self._mark_as_replay()
        self.window.closed.connect(self._on_window_closed)
        self._closing: asyncio.Task[None] | None = None

    def _mark_as_replay(self) -> None:
        window, engine = self.window, self.engine
        window.setWindowTitle(self.tr("Terminal — Replay of {journal}").format(journal=engine.name))
        window.turn_off_trading(
            self.tr("Order ticket (off in a replay)"),
            self.tr("The order ticket is off in a replay: orders go to no broker"),
            self.tr("Replay: the strategies follow the journal's commands."),
        )
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.controls)
        window.addAction(self.controls.toggle_action)  # Space pauses and resumes
        self.banner.setObjectName("replayBanner")
        self.banner.setToolTip(str(engine.path))
        window.statusBar().insertWidget(0, self.banner)
        self.bridge.command_rejected.connect(
            lambda rejected: window.statusBar().showMessage(rejected.reason, 10_000)
        )
        window.restore_layout()  # again, now that the replay toolbar exists

    async def start(self) -> None:
        """Start the replay and show its window, with a chart on each traded symbol."""
        await self.engine.start()
        self.window.show()
        for symbol in self.engine.strategy_symbols[1 : 1 + EXTRA_CHARTS]:
            self.window.new_chart(symbol)
        self.window.docks["chart"].raise_()
        if self.engine.problems:
            warn(self.window, self.tr("Replay"), "\n".join(self.engine.problems))

    @property
    def is_closed(self) -> bool:
        return self._closing is not None and self._closing.done()

    def _on_window_closed(self) -> None:
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close())

    async def close(self) -> None:
        """Close the window (if open) and stop the replay."""
        if self._closing is None:
            self.window.close()  # emits closed: _on_window_closed starts the closing
        if self._closing is None:  # a window never shown emits nothing
            self._closing = asyncio.ensure_future(self._close())
        await self._closing

    async def _close(self) -> None:
        self.controls.stop()
        self.bridge.close()
        await self.engine.stop()
        logs.detach(self._log_handler)
        self.window.deleteLater()
        _open_sessions.discard(self)
        self.closed.emit()


async def read_journal_in_background(path: Path) -> LoadedJournal:
    """Read and check a journal off the loop (a long run's journal takes a while)."""
    return await asyncio.get_running_loop().run_in_executor(None, load_journal, path)


def replay_settings() -> QSettings:
    """The replay windows' own layout: the live window's layout stays as it is."""
    return layout_settings(user_config_dir() / REPLAY_LAYOUT)


# ---- File ▸ Open replay… -----------------------------------------------------------------
def choose_replay(opener: MainWindow) -> QFileDialog:
    """Ask for a journal (without a nested event loop), then open it beside ``opener``."""
    folder = user_data_dir() / "journal"
    dialog = QFileDialog(
        opener,
        translate("Window", "Open replay"),
        str(folder if folder.is_dir() else Path.home()),
        translate("Window", "Run journals (*.tjnl);;All files (*)"),
    )
    dialog.setObjectName("openReplayDialog")
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.fileSelected.connect(lambda path: asyncio.ensure_future(open_replay(opener, Path(path))))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


async def open_replay(
    opener: MainWindow, path: Path, options: ReplayOptions | None = None
) -> ReplaySession | None:
    """A replay window on ``path`` beside ``opener``; None (and a message) if it cannot be."""
    try:
        journal = await read_journal_in_background(path)
    except (OSError, JournalError) as exc:
        log.error("cannot open replay: %s", exc)
        warn(opener, translate("Window", "Open replay"), _cannot_open(exc))
        return None
    options = options or ReplayOptions(path)
    config = opener.bridge.config()
    engine = ReplayEngine(
        journal,
        config,
        opener.bridge.registry(),
        only=options.only,
        speed=options.speed,
        paused=options.paused,
    )
    session = ReplaySession(engine, replay_settings(), opener.theme.name, config.ui.refresh_hz)
    _open_sessions.add(session)
    opener.closed.connect(session.window.close)  # a replay window does not outlive its opener
    await session.start()
    return session


def _cannot_open(problem: Exception) -> str:
    return translate("Window", "Cannot open the replay.\n\n{problem}").format(problem=problem)


async def close_all_replays() -> None:
    """Close every replay window opened with File ▸ Open replay… (the app is quitting)."""
    for session in list(_open_sessions):
        await session.close()


# ---- terminal --replay JOURNAL -----------------------------------------------------------
async def run_replay(
    config: Config,
    settings: QSettings,
    theme: str,
    options: ReplayOptions,
    exit_after: float | None = None,
    screenshot: Path | None = None,
    size: tuple[int, int] | None = None,
) -> int:
    """The GUI on a replay of ``options.path`` only (no live engine); returns the exit status."""
    reporter = CrashReporter()
    reporter.install(asyncio.get_running_loop())
    session: ReplaySession | None = None
    try:
        try:
            journal = await read_journal_in_background(options.path)
        except (OSError, JournalError) as exc:
            log.error("cannot open replay: %s", exc)
            print(f"terminal: cannot open the replay: {exc}", file=sys.stderr)
            if screenshot is None and exit_after is None:
                await _answered(
                    warn(
                        None,
                        translate("Window", "Open replay"),
                        _cannot_open(exc),
                    )
                )
            return 2
        registry = PluginRegistry()
        registry.discover()
        engine = ReplayEngine(
            journal,
            config,
            registry,
            only=options.only,
            speed=options.speed,
            paused=options.paused,
        )
        session = ReplaySession(engine, settings, theme, config.ui.refresh_hz)
        app_lines = logs.attach_bus(engine.bus)  # the app's own lines: its only window
        reporter.setParent(session.window)
        closed = asyncio.Event()
        session.window.closed.connect(closed.set)
        if size is not None:
            session.window.resize(*size)
        await session.start()
        freeze_startup_heap()
        return await present(session.window, session.bridge, closed, exit_after, screenshot)
    finally:
        reporter.uninstall()
        if session is not None:
            await session.close()
            logs.detach(app_lines)


async def _answered(box: QMessageBox) -> None:
    done = asyncio.Event()
    box.finished.connect(lambda *_: done.set())
    await done.wait()
