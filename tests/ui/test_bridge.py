"""The bridge: engine events coalesced into one Qt signal per kind and refresh."""

from __future__ import annotations

from terminal.domain.events import LogEvent
from terminal.ui.bridge import EngineBridge


def test_log_lines_keep_coming_after_the_first_refresh(bridge: EngineBridge) -> None:
    shown: list[list[LogEvent]] = []
    bridge.logs_added.connect(lambda batch: shown.append(list(batch)))  # as shown then
    first, second = LogEvent(1.0, "INFO", "test", "one"), LogEvent(2.0, "INFO", "test", "two")
    bridge.engine.bus.publish(first)
    bridge.flush()
    bridge.engine.bus.publish(second)
    bridge.flush()
    lines = [event for batch in shown for event in batch if event.component == "test"]
    assert lines == [first, second]
