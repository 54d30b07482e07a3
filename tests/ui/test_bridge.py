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


def test_the_widgets_reads(bridge: EngineBridge) -> None:
    """What the widgets read comes from the engine behind the bridge, in the order shown."""
    engine = bridge.engine
    assert bridge.symbols() == sorted(engine.instruments) and "600000.SSE" in bridge.symbols()
    assert bridge.instrument("600000.SSE") is engine.instruments["600000.SSE"]
    assert bridge.instrument("NOPE.X") is None
    assert bridge.broker_names() == ["paper"] and bridge.broker_names(plugin="mail") == []
    assert bridge.accounts_of("paper") and bridge.is_simulated("paper")
    assert [s.feed for s in bridge.connection_states()] == ["sim", "paper"]  # feeds first
    assert "sma_cross" in bridge.strategy_names()
    assert bridge.strategy_class("sma_cross") is not None and bridge.strategy_class("") is None
    assert bridge.strategy_log("no-such-instance") is None
    assert bridge.working_orders() == [] and bridge.running_strategy_count() == 0
    assert not bridge.conflation().shedding and bridge.failed_plugins() == []
