"""The SQLite trading record: group commit, restore of the latest state, exports."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
from pathlib import Path

import pytest

from terminal.domain.enums import OrderStatus, Side
from terminal.domain.orders import Fill, OrderRequest
from terminal.engine.bus import EventBus
from terminal.engine.clock import ManualClock
from terminal.engine.orders.book import OrderBook
from terminal.engine.store import TradingStore, export_csv, records_frame


def committed_rows(path: Path, table: str) -> int:
    """What another process would see: a separate connection reads only committed data."""
    with sqlite3.connect(path) as other:
        return int(other.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_writes_of_one_loop_turn_are_committed_together(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"

    async def scenario() -> None:
        store = TradingStore(path)
        book = OrderBook(EventBus(), ManualClock(5), store)
        book.create("o1", OrderRequest("paper", "S", Side.BUY, 2))
        book.update_status("o1", OrderStatus.ACCEPTED)
        assert committed_rows(path, "transitions") == 0  # still this turn
        await asyncio.sleep(0)
        assert committed_rows(path, "transitions") == 2
        book.apply_fill(Fill("f1", "o1", "paper", "S", Side.BUY, 2, 10.0, ts=6))
        store.commit()  # what the bridge does before it shows anything
        assert committed_rows(path, "fills") == 1
        store.close()

    asyncio.run(scenario())


def test_without_a_loop_every_write_commits(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    store = TradingStore(path)
    OrderBook(EventBus(), ManualClock(5), store).create("o1", OrderRequest("p", "S", Side.BUY, 1))
    assert committed_rows(path, "orders") == 1
    store.close()


def test_restore_gives_the_latest_state_and_exports(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    store = TradingStore(path)
    book = OrderBook(EventBus(), ManualClock(5), store)
    book.create("o1", OrderRequest("paper", "S", Side.BUY, 4))
    book.update_status("o1", OrderStatus.ACCEPTED)
    book.apply_fill(Fill("f1", "o1", "paper", "S", Side.BUY, 1, 10.0, ts=6))
    book.apply_fill(Fill("f2", "o1", "paper", "S", Side.BUY, 3, 11.0, ts=7))
    book.create("o2", OrderRequest("paper", "S", Side.SELL, 1))
    book.update_status("o2", OrderStatus.REJECTED, "risk (global): max order quantity: 1 > 0")
    store.close()

    again = TradingStore(path)
    orders = {o.order_id: o for o in again.orders()}
    assert orders["o1"].status is OrderStatus.FILLED and orders["o1"].filled_quantity == 4
    assert orders["o1"].average_price == 10.75 and orders["o1"].updated_ns == 7
    assert orders["o2"].reason == "risk (global): max order quantity: 1 > 0"
    assert [s for s, _, _ in again.transitions("o1")] == [
        "submitted",
        "accepted",
        "partially_filled",
        "filled",
    ]
    fills = again.fills()
    assert export_csv(fills, tmp_path / "fills.csv") == 2
    with (tmp_path / "fills.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert rows[1]["fill_id"] == "f2" and rows[1]["price"] == "11.0"
    frame = records_frame(list(orders.values()))
    assert list(frame["order_id"]) == ["o1", "o2"]
    assert frame.loc[0, "filled_quantity"] == 4
    again.close()


def test_a_file_of_another_schema_is_kept_aside(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "t.sqlite"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        old.execute("INSERT INTO meta VALUES ('schema', '1')")
        old.execute("CREATE TABLE transitions (seq INTEGER PRIMARY KEY, order_id TEXT)")
    store = TradingStore(path)
    assert store.orders() == []
    store.close()
    assert (tmp_path / "t.sqlite.schema-1.bak").exists()
    assert "has another schema version (1, this is 2)" in caplog.text
