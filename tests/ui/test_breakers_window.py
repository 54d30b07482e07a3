"""A circuit breaker trips in the window: the status bar and the Health dock say so with the
figures, and a person re-arms it from the Health dock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from terminal.domain.enums import PluginKind
from terminal.domain.events import AddStrategy, StartStrategy
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow
from tests.engine.helpers import TEST_SYMBOL, ManualFeed, registry_with
from tests.engine.strategy_helpers import push
from tests.engine.test_breakers import RestsOnEveryTick


def test_a_trip_shows_in_the_status_bar_and_health_dock_and_a_person_rearms_it(
    run_async: Callable[..., Any], settings: QSettings, qtbot: QtBot
) -> None:
    registry = registry_with(ManualFeed)
    registry.replace(PluginKind.STRATEGY, "runaway", RestsOnEveryTick)
    config = load_config(overrides={
        "feeds": [{"name": "manual", "plugin": "manual"}],
        "brokers": [{"name": "paper", "plugin": "paper"}],
        "risk": {"max_orders_per_second": 0},
        "breakers": {"orders_per_second": {"limit": 5, "scope": "strategy"}},
    })  # fmt: skip
    engine = Engine(config, registry)
    bridge = EngineBridge(engine, refresh_hz=30)
    run_async(engine.start())
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    window.show()
    label, box = window.status_bar.breaker_label, window.health_panel.breakers
    try:
        assert not label.isVisible() and box.summary.text() == "Circuit breakers: all armed"
        assert not box.rearm_button.isEnabled()
        bridge.send(AddStrategy("loop", "runaway", TEST_SYMBOL, "paper"))
        bridge.send(StartStrategy("loop"))
        for n in range(8):
            push(engine, 10.0 + n * 0.01)
        qtbot.waitUntil(label.isVisible, timeout=3000)
        assert label.text() == (
            "⚠ breaker tripped: orders_per_second (loop) — re-arm in the Health dock"
        )
        assert label.toolTip() == (
            "orders_per_second (loop) stopped loop: 6 orders in the last second, limit 5"
        )
        assert box.summary.text() == "⚠ 1 circuit breaker(s) tripped: select one to re-arm"
        assert box.trips.item(0, 0).text() == label.toolTip()
        asked: list[str] = []
        window.confirm = lambda text, on_yes: (asked.append(text), on_yes())  # type: ignore[method-assign]
        qtbot.mouseClick(box.rearm_button, Qt.MouseButton.LeftButton)
        assert asked == [
            "Re-arm circuit breaker orders_per_second (loop)? It tripped on: 6 orders in the "
            "last second, limit 5"
        ]
        qtbot.waitUntil(lambda: not label.isVisible(), timeout=3000)
        assert box.summary.text() == "Circuit breakers: all armed"
        assert engine.breakers.active() == []
        bridge.send(StartStrategy("loop"))
        assert engine.strategies.get("loop").state == "running"
    finally:
        window.close()
        bridge.close()
        run_async(engine.stop())
