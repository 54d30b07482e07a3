"""One qasync loop for the whole session, marked as running, as in the real app.

Tests start coroutines with ``asyncio.ensure_future`` and wait with ``qtbot.waitUntil``; the
loop advances whenever pytest-qt spins Qt. See ../shared/TESTING.md for why this pattern.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from terminal.engine.config import Config, load_config
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.chart.chart import CandleChart
from terminal.ui.i18n import install_language, remove_language
from terminal.ui.main_window import MainWindow
from tests.ui.chart_helpers import close_chart, open_chart


@pytest.fixture(scope="session")
def aloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    loop.stop()
    loop.close()


@pytest.fixture(autouse=True)
def no_leftovers(qapp: QApplication, aloop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """Fail a test that leaves windows open or tasks running; clean up either way."""
    before = set(QApplication.topLevelWidgets())
    yield
    leftover_tasks = [t for t in asyncio.all_tasks(aloop) if not t.done()]
    for task in leftover_tasks:
        task.cancel()
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w not in before]
    for widget in visible:
        widget.close()
    assert not leftover_tasks, f"tasks still running after the test: {leftover_tasks}"
    assert not visible, f"windows left open after the test: {visible}"


def run(qtbot: QtBot, coro: Any, timeout_ms: int = 10_000) -> Any:
    """Run a coroutine on the session loop while Qt spins; return its result."""
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=timeout_ms)
    return task.result()


@pytest.fixture
def run_async(qtbot: QtBot, aloop: asyncio.AbstractEventLoop) -> Callable[..., Any]:
    return lambda coro, timeout_ms=10_000: run(qtbot, coro, timeout_ms)


@pytest.fixture
def config() -> Config:
    """The default config with a fast, seeded simulated feed."""
    return load_config(
        overrides={
            "feeds": [{"name": "sim", "plugin": "simulated", "options": {"rate": 500.0, "seed": 7}}]
        }
    )


@pytest.fixture
def engine(config: Config, run_async: Callable[..., Any]) -> Iterator[Engine]:
    engine = Engine(config)
    run_async(engine.start())
    yield engine
    run_async(engine.stop())


@pytest.fixture
def bridge(engine: Engine, qtbot: QtBot) -> Iterator[EngineBridge]:
    bridge = EngineBridge(engine, refresh_hz=30)
    yield bridge
    bridge.close()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(
    engine: Engine, bridge: EngineBridge, settings: QSettings, qtbot: QtBot
) -> Iterator[MainWindow]:
    """The main window on the test's engine, shown, closed afterwards."""
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    """The interface in Simplified Chinese for one test, English again after it."""
    assert install_language(qapp, "zh_CN")
    yield
    remove_language(qapp)


@pytest.fixture
def chart(engine: Engine, qtbot: QtBot) -> Iterator[CandleChart]:
    """A chart over ``engine`` (a chart test module's own engine fixture, with its bars)."""
    chart, bridge = open_chart(engine, qtbot)
    yield chart
    close_chart(chart, bridge)
