"""The replay engine: a recorded run played back through the bus and the strategies, with the
same orders as the headless replay and as live, and nothing sent anywhere."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from terminal.domain.enums import PluginKind, Side
from terminal.domain.events import (
    AccountEvent,
    CommandRejected,
    LogEvent,
    PositionEvent,
    StartStrategy,
    SubmitOrder,
)
from terminal.domain.orders import Account, OrderRequest, Position
from terminal.engine import journal as j
from terminal.engine import logs
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.engine.plugins.registry import PluginRegistry
from terminal.engine.replay.engine import (
    RecordedBroker,
    ReplayEngine,
    load_journal,
)
from terminal.engine.replay.host import replay
from tests.aio import run
from tests.engine.replay_helpers import TEST_SYMBOL, TWAP_SYMBOL, record_privately, synthetic
from tests.engine.test_journal_damage import frame_offsets


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Engine]:
    """One short live run for the whole module, in data folders of its own."""
    return record_privately(tmp_path_factory.mktemp("recorded"))


def play_through(engine: ReplayEngine) -> None:
    async def scenario() -> None:
        await engine.start()
        while not engine.player.finished:
            await asyncio.sleep(0.01)
        await engine.stop()

    run(scenario(), timeout=30)


def test_a_replay_places_the_orders_of_the_headless_replay_and_of_the_live_run(
    recorded: tuple[Path, Engine],
) -> None:
    path, live = recorded
    journal = load_journal(path)
    engine = ReplayEngine(journal, live.config, live.registry, speed=None)
    play_through(engine)
    headless = replay(journal.records, live.registry)
    assert engine.placed == headless.placed and len(engine.placed) == 8
    assert engine.result is not None and engine.result.first_difference() is None
    assert engine.divergence is None and engine.problems == []
    live_orders = [o for o in live.order_book.all() if o.origin.startswith("strategy:")]
    assert [p.order_id for p in engine.placed] == [o.order_id for o in live_orders]
    # The bus carried the journal's market and order traffic, as the panels need it.
    assert {o.order_id: o.status for o in engine.order_book.all()} == {
        o.order_id: o.status for o in live.order_book.all()
    }
    last_tick = next(
        r.tick for r in reversed(journal.records)
        if isinstance(r, j.TickRec) and r.tick.symbol == TWAP_SYMBOL
    )  # fmt: skip
    assert engine.latest[TWAP_SYMBOL] == last_tick
    forming = engine.bars.forming(TWAP_SYMBOL)
    assert forming is not None and forming.close == last_tick.last
    positions = {p.symbol: p.quantity for p in engine.portfolio.positions()}
    assert positions[TWAP_SYMBOL] == 8.0 == live.portfolio.quantity("paper", TWAP_SYMBOL)
    assert engine.strategy_symbols[:2] == ["SOLUSDT.BINANCE", TWAP_SYMBOL]
    assert engine.config.ui.chart_symbol == "SOLUSDT.BINANCE"
    # The dual MA's warm-up bars that end before the first tick give its chart a history.
    assert len(engine.bars.history("SOLUSDT.BINANCE")) >= 99


def test_nothing_can_be_sent_from_a_replay(recorded: tuple[Path, Engine]) -> None:
    path, live = recorded
    engine = ReplayEngine(load_journal(path), live.config, live.registry, paused=True)
    assert engine.brokers and all(isinstance(b, RecordedBroker) for b in engine.brokers.values())
    refused: list[CommandRejected] = []
    engine.bus.subscribe(CommandRejected, refused.append)
    request = OrderRequest("paper", TWAP_SYMBOL, Side.BUY, 1.0)
    engine.bus.publish(SubmitOrder("x-1", request))
    engine.bus.publish(StartStrategy("twap-1"))
    assert [r.command for r in refused] == ["SubmitOrder", "StartStrategy"]
    assert "is a replay of" in refused[0].reason
    assert engine.placed == [] and engine.order_book.all() == []


def test_a_changed_strategy_is_seen_to_differ_as_it_happens(
    recorded: tuple[Path, Engine],
) -> None:
    path, live = recorded
    twap = live.registry.get(PluginKind.STRATEGY, "twap")
    assert twap is not None

    class Hasty(twap):  # type: ignore[misc, valid-type]
        def on_start(self) -> None:
            super().on_start()
            self.slices_sent = 1  # skips the first slice

    live.registry.replace(PluginKind.STRATEGY, "twap", Hasty)
    try:
        journal = load_journal(path)
        engine = ReplayEngine(journal, live.config, live.registry, speed=None)
        play_through(engine)
        expected = replay(journal.records, live.registry).first_difference()
    finally:
        live.registry.replace(PluginKind.STRATEGY, "twap", twap)
    assert expected == 0 and engine.divergence == 0
    assert engine.result is not None and engine.result.first_difference() == 0


def test_a_replays_log_lines_go_to_its_own_bus_only(
    recorded: tuple[Path, Engine], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="terminal")
    path, live = recorded
    engine = ReplayEngine(load_journal(path), live.config, live.registry, speed=None)
    own, other = logs.attach_bus(engine.bus, replay=engine.log_tag), logs.attach_bus(live.bus)
    seen: list[LogEvent] = []
    elsewhere: list[LogEvent] = []
    engine.bus.subscribe(LogEvent, seen.append)
    live.bus.subscribe(LogEvent, elsewhere.append)
    try:
        play_through(engine)
        logging.getLogger("terminal.test").info("a line of the live engine")
    finally:
        logs.detach(own)
        logs.detach(other)
    finished = [e for e in seen if "finished" in e.message]
    assert finished and "identical to the 8 placed live" in finished[0].message
    assert any("TWAP: all 8 slices sent" in e.message for e in seen)
    assert all("replay=" in e.message for e in seen)
    assert not any("replay" in e.message for e in elsewhere)
    assert any("a line of the live engine" in e.message for e in elsewhere)


# ---- bad files ---------------------------------------------------------------------------
def test_bad_journals_are_named_with_what_is_wrong(
    recorded: tuple[Path, Engine], tmp_path: Path
) -> None:
    path, _ = recorded
    data = path.read_bytes()
    notes = tmp_path / "notes.txt"
    notes.write_text("hello world")
    with pytest.raises(j.JournalError, match=r"notes.txt is not a journal"):
        load_journal(notes)
    newer = tmp_path / "newer.tjnl"
    newer.write_bytes(b"TJNL\x09\x00" + data[6:])
    unreadable = r"newer\.tjnl is journal format version 9; this reads 1, 2 and 3"
    with pytest.raises(j.JournalError, match=unreadable):
        load_journal(newer)
    damaged = tmp_path / "damaged.tjnl"
    damaged.write_bytes(data[:6] + b"\x03\x00\x00\x00\xc1\xc1\xc1" + data[6:])
    with pytest.raises(j.JournalError, match=r"damaged\.tjnl is damaged: record 1 \(at byte 6\)"):
        load_journal(damaged)
    empty = tmp_path / "empty.tjnl"
    empty.write_bytes(data[:6])
    with pytest.raises(j.JournalError, match=r"empty\.tjnl holds no market data"):
        load_journal(empty)
    with pytest.raises(FileNotFoundError, match=r"missing\.tjnl"):
        load_journal(tmp_path / "missing.tjnl")
    truncated = tmp_path / "truncated.tjnl"
    *_, last, end_record = frame_offsets(data)
    truncated.write_bytes(data[: end_record - 3])  # the run died writing its last record
    journal = load_journal(truncated)
    assert len(journal.records) == len(load_journal(path).records) - 1
    assert journal.problems == [
        f"{truncated} is truncated: its last record (at byte {last}) is "
        f"incomplete and was dropped; {len(journal.records)} complete records remain"
    ]


def test_a_replay_shows_the_account_the_live_run_had(recorded: tuple[Path, Engine]) -> None:
    """The journal records the paper account's opening balance; the replayed fills move it
    on to where the live run's ended."""
    path, live = recorded
    journal = load_journal(path)
    setup = next(r for r in journal.records if isinstance(r, j.SetupRec))
    assert [(a.broker, a.cash) for a in setup.accounts] == [("paper", 1_000_000.0)]
    engine = ReplayEngine(journal, live.config, live.registry, speed=None)
    play_through(engine)
    (account,) = engine.portfolio.accounts()
    (live_account,) = live.portfolio.accounts()
    assert account.cash == live_account.cash < 1_000_000.0  # the TWAP bought
    assert account.commission == live_account.commission > 0


def test_a_replay_starts_from_the_positions_carried_into_the_run(tmp_path: Path) -> None:
    """A position held from an earlier run is in the replay from its first moment, marked to
    the journal's prices, and the account shows it."""
    records = synthetic(11)
    opening = Account("paper", "USD", 1000.0, 1950.0, 0.0, 0.0, 2.0, market_value=950.0)
    held = Position("paper", TEST_SYMBOL, 100.0, 9.5, 0.0, 0.0, 9.5, yesterday_quantity=100.0)
    records[0] = j.SetupRec(records[0].ts, [], ["paper"], [opening], [held])
    path = tmp_path / "carried.tjnl"
    writer = j.JournalWriter(path)
    for record in records:
        writer.write(record)
    writer.close()
    engine = ReplayEngine(load_journal(path), load_config(), PluginRegistry(), speed=None)
    panels: list[object] = []
    engine.bus.subscribe(AccountEvent, panels.append)
    engine.bus.subscribe(PositionEvent, panels.append)
    play_through(engine)
    assert panels[:2] == [
        PositionEvent(Position("paper", TEST_SYMBOL, 100.0, 9.5, 0.0, 0.0, 9.5, 0.0, 100.0)),
        AccountEvent(Account("paper", "USD", 1000.0, 1950.0, 0.0, 0.0, 2.0, 950.0, 0.0, 1000.0)),
    ]
    (position,) = engine.portfolio.positions()
    assert position.last_price == 10.1 and position.unrealized_pnl == pytest.approx(60.0)
    (account,) = engine.portfolio.accounts()
    assert account.equity == pytest.approx(1000.0 + 100 * 10.1)
