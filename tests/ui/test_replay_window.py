"""A replay in the GUI, as a user drives it: open a recorded run, press the speed buttons, see
the market watch, the chart and the orders follow; nothing reaches a broker."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from terminal.domain.enums import Side
from terminal.domain.events import SubmitOrder
from terminal.domain.orders import OrderRequest
from terminal.engine.config import Config
from terminal.engine.engine import Engine
from terminal.engine.plugins.registry import PluginRegistry
from terminal.engine.replay.engine import ReplayEngine, ReplayOptions, load_journal
from terminal.ui.main_window import MainWindow
from terminal.ui.replay import window as replay_window
from terminal.ui.replay.controls import ReplayControls
from terminal.ui.replay.window import (
    ReplaySession,
    close_all_replays,
    open_replay,
    replay_settings,
    run_replay,
)
from tests.engine.replay_helpers import DUAL_SYMBOL, TWAP_SYMBOL, record_privately

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Engine]:
    return record_privately(tmp_path_factory.mktemp("recorded"))


@pytest.fixture
def journal(recorded: tuple[Path, Engine]) -> Path:
    return recorded[0]


def press(qtbot: QtBot, controls: ReplayControls, text: str) -> None:
    """Click the toolbar button of ``text`` (Pause, 1×, 10×, Max, Step)."""
    actions = [*controls.speed_actions.values(), controls.pause_action, controls.step_action]
    action = next(a for a in actions if a.text() == text)
    qtbot.mouseClick(controls.widgetForAction(action), LEFT)


def message_boxes(parent: QWidget | None = None) -> list[QMessageBox]:
    widgets = parent.findChildren(QMessageBox) if parent else QApplication.topLevelWidgets()
    return [w for w in widgets if isinstance(w, QMessageBox) and w.isVisible()]


def close(session: ReplaySession, run_async: Callable[..., Any]) -> None:
    run_async(session.close())
    assert session.is_closed


def test_open_a_replay_beside_the_live_window_and_follow_it(
    window: MainWindow, engine: Engine, journal: Path, qtbot: QtBot,
    run_async: Callable[..., Any], caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="terminal")  # as the app logs
    live_orders = len(engine.order_book.all())
    session = run_async(open_replay(window, journal, ReplayOptions(journal, paused=True)))
    assert isinstance(session, ReplaySession)
    replay, shown, controls = session.engine, session.window, session.controls
    assert shown.isVisible() and shown is not window
    assert shown.windowTitle() == f"Terminal — Replay of {journal.name}"
    assert session.banner.text() == f"REPLAY of {journal.name} · orders go to no broker"
    assert controls.progress.value() == 0 and controls.state_label.text() == "Paused"
    watch = shown.market_watch.model
    assert watch.symbols()[:2] == [DUAL_SYMBOL, TWAP_SYMBOL]  # the strategies' symbols first
    assert shown.chart.symbol == DUAL_SYMBOL and shown.chart.buffer.size >= 99  # warm-up bars
    assert [c.symbol for c in shown.extra_charts] == [TWAP_SYMBOL]
    assert watch.tick(TWAP_SYMBOL) is None

    press(qtbot, controls, "1×")
    assert controls.state_label.text() == "Playing 1×"
    qtbot.waitUntil(lambda: watch.tick(TWAP_SYMBOL) is not None, timeout=5000)
    qtbot.waitUntil(lambda: controls.progress.value() > 0, timeout=2000)
    assert not replay.player.finished  # a one-second run at 1×: still going
    press(qtbot, controls, "10×")
    assert replay.player.speed == 10.0 and controls.speed_actions["10×"].isChecked()
    press(qtbot, controls, "Max")
    qtbot.waitUntil(lambda: replay.player.finished, timeout=10_000)
    qtbot.waitUntil(lambda: controls.details_action.isVisible(), timeout=2000)

    # The market watch, the chart and the order panels followed the journal to its end.
    qtbot.waitUntil(lambda: watch.tick(TWAP_SYMBOL) == replay.latest[TWAP_SYMBOL], timeout=2000)
    chart = shown.chart
    qtbot.waitUntil(
        lambda: chart.last_line.value() == replay.latest[DUAL_SYMBOL].last, timeout=2000
    )
    orders, trades = shown.orders.model, shown.trades.model
    qtbot.waitUntil(lambda: orders.rowCount() == 8 and trades.rowCount() == 8, timeout=2000)
    assert {orders.record(r).origin for r in range(8)} == {"strategy:twap-1"}
    # The Account panel starts at the journal's opening balance and ends where live did.
    account = shown.account.model
    qtbot.waitUntil(lambda: account.rowCount() == 1, timeout=2000)
    qtbot.waitUntil(
        lambda: account.record(0).cash == replay.portfolio.account("paper").cash, timeout=2000
    )
    assert account.record(0).cash < 1_000_000.0
    states = shown.strategy_manager.instances.model
    qtbot.waitUntil(lambda: states.rowCount() == 2, timeout=2000)
    assert controls.progress.format() == f"{replay.player.total:,} / {replay.player.total:,} events"
    assert controls.state_label.text() == (
        "Replay finished · 8 orders placed, identical to the 8 live"
    )
    controls.details_action.trigger()
    (details,) = message_boxes(shown)
    assert "8 orders, identical to the 8 placed live" in details.text()
    assert "twap-1" in details.text()
    details.close()
    # Its log lines are in its own window, not in the live one.
    qtbot.waitUntil(lambda: any("finished" in line for line in shown.log_panel.lines()),
                    timeout=2000)
    assert not any("replay" in line for line in window.log_panel.lines())
    # And the live engine never saw an order from it.
    assert len(engine.order_book.all()) == live_orders

    shown.close()
    qtbot.waitUntil(lambda: session.is_closed, timeout=5000)
    assert session not in replay_window._open_sessions


def open_session(
    journal: Path, config: Config, run_async: Callable[..., Any], **options: Any
) -> ReplaySession:
    registry = PluginRegistry()
    registry.discover(entry_points=False)
    engine = ReplayEngine(load_journal(journal), config, registry, **options)
    session = ReplaySession(engine, replay_settings(), "dark", 30)
    run_async(session.start())
    return session


def test_step_pause_and_space(
    journal: Path, config: Config, qtbot: QtBot, run_async: Callable[..., Any]
) -> None:
    session = open_session(journal, config, run_async, paused=True)
    controls, player = session.controls, session.engine.player
    assert controls.step_action.isEnabled()
    press(qtbot, controls, "Step")
    press(qtbot, controls, "Step")
    assert player.position == 2 and controls.progress.value() == 2
    assert controls.progress.format() == f"2 / {player.total:,} events"
    qtbot.keyClick(session.window, Qt.Key.Key_Space)  # resume, at the last speed (1×)
    assert not player.paused and player.speed == 1.0
    assert not controls.step_action.isEnabled()
    qtbot.waitUntil(lambda: player.position > 10, timeout=3000)
    press(qtbot, controls, "Pause")
    held = player.position
    qtbot.wait(200)
    assert player.position == held and controls.pause_action.isChecked()
    # the replay clock: exchange time, its date in the language's form, to the millisecond
    clock = controls.clock_label.text()
    assert re.fullmatch(r"\S*20\d\d\S* \d\d:\d\d:\d\d\.\d{3}", clock), clock
    close(session, run_async)


def test_commands_in_a_replay_are_refused_and_the_ticket_is_off(
    journal: Path, config: Config, qtbot: QtBot, run_async: Callable[..., Any]
) -> None:
    session = open_session(journal, config, run_async, paused=True)
    shown = session.window
    assert not shown.ticket.isEnabled() and not shown.kill_switch_button.kill_action.isEnabled()
    manager = shown.strategy_manager
    assert not manager.add_button.isVisibleTo(manager)
    assert not manager.start_button.isVisibleTo(manager)
    assert manager.instances.isVisibleTo(manager) and manager.log_view.isVisibleTo(manager)
    request = OrderRequest("paper", TWAP_SYMBOL, Side.BUY, 1.0)
    session.bridge.send(SubmitOrder("by-hand", request))
    qtbot.waitUntil(lambda: "is a replay of" in shown.statusBar().currentMessage(),
                    timeout=2000)
    assert session.engine.placed == [] and session.engine.order_book.all() == []
    close(session, run_async)


def test_file_open_replay_uses_a_non_blocking_dialog(
    window: MainWindow, journal: Path, qtbot: QtBot, run_async: Callable[..., Any]
) -> None:
    window.menus.open_replay_action.trigger()  # returns at once: no nested event loop
    dialog = window.findChild(QFileDialog, "openReplayDialog")
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    dialog.selectFile(str(journal))
    dialog.accept()
    qtbot.waitUntil(lambda: len(replay_window._open_sessions) == 1, timeout=5000)
    (session,) = replay_window._open_sessions
    qtbot.waitUntil(lambda: session.window.isVisible(), timeout=5000)
    assert session.engine.path == journal
    window.close()  # the replay window goes with its opener
    qtbot.waitUntil(lambda: session.is_closed, timeout=5000)


def test_a_bad_file_is_named_in_a_warning_and_the_log(
    window: MainWindow, journal: Path, tmp_path: Path, qtbot: QtBot,
    run_async: Callable[..., Any], caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="terminal")
    bad = tmp_path / "notes.tjnl"
    bad.write_bytes(b"not a journal at all")
    assert run_async(open_replay(window, bad)) is None
    (box,) = message_boxes(window)
    assert f"{bad} is not a journal (starts with b'not '" in box.text()
    assert "cannot open replay" in caplog.text and str(bad) in caplog.text
    box.close()
    # A truncated journal (a crash) opens with what it holds, and says so.
    truncated = tmp_path / "truncated.tjnl"
    truncated.write_bytes(journal.read_bytes()[:-5])
    session = run_async(open_replay(window, truncated, ReplayOptions(truncated, paused=True)))
    assert isinstance(session, ReplaySession)
    (box,) = message_boxes(session.window)
    assert f"{truncated} is truncated" in box.text() and "dropped" in box.text()
    close(session, run_async)


def test_terminal_replay_writes_a_screenshot_and_refuses_a_bad_file(
    journal: Path, config: Config, settings: Any, tmp_path: Path,
    run_async: Callable[..., Any], capsys: pytest.CaptureFixture[str],
) -> None:
    png = tmp_path / "replay.png"
    options = ReplayOptions(journal, speed=None)
    status = run_async(run_replay(config, settings, "dark", options, 1.0, png, (1200, 800)))
    assert status == 0 and png.stat().st_size > 10_000
    bad = ReplayOptions(tmp_path / "missing.tjnl")
    assert run_async(run_replay(config, settings, "dark", bad, exit_after=1.0)) == 2
    assert "missing.tjnl" in capsys.readouterr().err


def test_the_charts_follow_the_journal_not_the_last_replay(
    journal: Path, config: Config, run_async: Callable[..., Any]
) -> None:
    first = open_session(journal, config, run_async, paused=True)
    first.window.chart.set_symbol("BTCUSDT.BINANCE")
    first.window.new_chart("AAPL.NASDAQ")
    close(first, run_async)  # saves the replay layout
    again = open_session(journal, config, run_async, paused=True)
    assert again.window.chart.symbol == DUAL_SYMBOL
    assert [c.symbol for c in again.window.extra_charts] == [TWAP_SYMBOL]
    close(again, run_async)


def test_quitting_closes_every_replay_window(
    window: MainWindow, journal: Path, run_async: Callable[..., Any]
) -> None:
    options = ReplayOptions(journal, paused=True)
    sessions = [run_async(open_replay(window, journal, options)) for _ in range(2)]
    assert replay_window._open_sessions == set(sessions)
    assert sessions[0].engine.log_tag != sessions[1].engine.log_tag  # logs kept apart
    run_async(close_all_replays())
    assert all(s.is_closed for s in sessions) and not replay_window._open_sessions
