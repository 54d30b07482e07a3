"""The strategy layer's formats stay byte for byte what they were: the journal, the state
events on the spot wire and in JSON, the strategy store's rows; and files written before
still load (see ``recorded_session.py`` for where the recorded bytes come from)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import msgspec
import pytest

from terminal.adapters.spot import schema
from terminal.domain.enums import StrategyState
from terminal.domain.events import StrategyStateEvent
from terminal.engine.journal import read_journal
from terminal.engine.replay.host import replay
from terminal.engine.strategy.runner import StrategyRunner
from terminal.engine.strategy.store import StrategyStore
from tests.engine.strategy.recorded_session import (
    DATA,
    REGISTRY,
    SessionHost,
    encoded_events,
    play_session,
)


def test_the_runner_writes_the_recorded_journal_byte_for_byte(tmp_path: Path) -> None:
    output = play_session(tmp_path)
    assert output.journal == (DATA / "session.tjnl").read_bytes()


def test_state_events_encode_as_recorded(tmp_path: Path) -> None:
    output = play_session(tmp_path)
    recorded = json.loads((DATA / "state_events.json").read_text())
    assert len(output.events) == len(recorded) == 21
    assert encoded_events(output.events) == recorded


def test_recorded_state_events_decode_to_the_same_events(tmp_path: Path) -> None:
    output = play_session(tmp_path)
    recorded = json.loads((DATA / "state_events.json").read_text())
    topic = schema.event_topic("StrategyStateEvent").decode()
    from_wire = [schema.decode_payload(topic, bytes.fromhex(e["msgpack"])) for e in recorded]
    from_json = [msgspec.json.decode(e["json"], type=StrategyStateEvent) for e in recorded]
    assert from_wire == from_json == output.events
    assert [e.state for e in from_json][-4:] == ["removed", "warming up", "running", "stopped"]
    assert all(type(e.state) is StrategyState for e in from_json)


def test_strategy_states_are_the_strings_they_were() -> None:
    assert [(s.name, s.value, s.is_active) for s in StrategyState] == [
        ("STOPPED", "stopped", False),
        ("WARMING_UP", "warming up", True),
        ("RUNNING", "running", True),
        ("ERROR", "error", False),
        ("REMOVED", "removed", False),
    ]


def test_store_rows_are_as_recorded(tmp_path: Path) -> None:
    output = play_session(tmp_path)
    assert output.rows == json.loads((DATA / "store_rows.json").read_text())


def test_a_store_written_before_still_loads_and_restores(tmp_path: Path) -> None:
    path = tmp_path / "strategies.sqlite"
    shutil.copy(DATA / "strategies.sqlite", path)
    store = StrategyStore(path)
    saved = store.load()
    store.close()
    assert [(s.name, s.state, s.positions, s.cash) for s in saved] == [
        ("f1", "stopped", {"AAA.X": 3.0}, {"AAA.X": -33.35}),
        ("x1", "running", {"AAA.X": 0.0}, {"AAA.X": 0.0}),
    ]
    runner = StrategyRunner(SessionHost())
    runner.open_store(path)
    runner.restore()
    f1, x1 = runner.get("f1"), runner.get("x1")
    assert (f1.state, f1.strategy.position, f1.params) == ("stopped", 3.0, {"step": 3.0})
    assert x1.state == "running"  # added with auto_start, running when the engine stopped
    runner.shutdown()


def test_a_stored_state_this_version_does_not_know_comes_back_stopped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "strategies.sqlite"
    shutil.copy(DATA / "strategies.sqlite", path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE instances SET state = 'paused' WHERE name = 'x1'")
    db.close()
    store = StrategyStore(path)
    assert [s.state for s in store.load()] == [StrategyState.STOPPED, StrategyState.STOPPED]
    store.close()
    assert "instance 'x1' has unknown state 'paused', read as stopped" in caplog.text


def test_a_journal_written_before_replays_to_the_orders_placed_then() -> None:
    records = read_journal(DATA / "session-v2.tjnl")  # format 2, before checked frames
    assert read_journal(DATA / "session.tjnl") == records
    result = replay(records, REGISTRY)
    assert result.problems == []
    assert [p.order_id for p in result.live] == ["o1", "o2", "o3", "o4"]
    assert result.first_difference() is None


def test_a_journal_from_before_the_venue_fields_replays_the_same() -> None:
    """Recorded before instruments, orders and fills gained their venue fields (minimum order
    value, post-only, the fee's currency…): those read as their defaults."""
    records = read_journal(DATA / "session_before_venue_fields.tjnl")
    result = replay(records, REGISTRY)
    assert result.problems == []
    assert [p.order_id for p in result.live] == ["o1", "o2", "o3", "o4"]
    assert result.first_difference() is None
