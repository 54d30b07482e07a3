"""The SQLite trading record: when writes commit, restore of the latest state, exports."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
from pathlib import Path

import msgspec
import pytest

from terminal.domain.enums import OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.orders import Account, Fill, Order, OrderRequest
from terminal.engine.bus import EventBus
from terminal.engine.clock import ManualClock
from terminal.engine.orders.book import OrderBook
from terminal.engine.persistence.store import TradingStore, export_csv, records_frame


def committed_rows(path: Path, table: str) -> int:
    """What another process would see: a separate connection reads only committed data."""
    with sqlite3.connect(path) as other:
        return int(other.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_order_writes_commit_at_once_and_snapshots_per_loop_turn(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"

    async def scenario() -> None:
        store = TradingStore(path)
        book = OrderBook(EventBus(), ManualClock(5), store)
        store.record_account(Account("paper", "USD", 1.0, 1.0, 0.0, 0.0, 0.0), 1)
        assert committed_rows(path, "accounts") == 0  # a snapshot waits for the turn's end
        book.create("o1", OrderRequest("paper", "S", Side.BUY, 2))
        # An order write commits before it returns (and takes the snapshot with it).
        assert committed_rows(path, "transitions") == 1
        assert committed_rows(path, "accounts") == 1
        book.update_status("o1", OrderStatus.ACCEPTED)
        book.apply_fill(Fill("f1", "o1", "paper", "S", Side.BUY, 2, 10.0, ts=6))
        assert committed_rows(path, "transitions") == 3 and committed_rows(path, "fills") == 1
        store.record_account(Account("paper", "USD", 2.0, 2.0, 0.0, 0.0, 0.0), 2)
        await asyncio.sleep(0)
        assert committed_rows(path, "accounts") == 2
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
    assert "has another schema version (1, this is 3)" in caplog.text


def test_checkpoint_folds_the_wal_into_the_file_off_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    store = TradingStore(path)
    book = OrderBook(EventBus(), ManualClock(5), store)
    for n in range(50):
        book.create(f"o{n}", OrderRequest("paper", "S", Side.BUY, 1))
    wal = Path(f"{path}-wal")
    assert wal.stat().st_size > 0  # no automatic checkpoint on the writing connection
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(path.read_bytes())  # the file alone, without its WAL
    with sqlite3.connect(copy) as other:
        tables = other.execute("SELECT name FROM sqlite_master WHERE name = 'orders'")
        assert tables.fetchall() == []  # everything so far is in the WAL only
    store.checkpoint()
    copy.write_bytes(path.read_bytes())
    assert committed_rows(copy, "orders") == 50
    store.close()


V2_SCHEMA = """
CREATE TABLE orders (order_id TEXT PRIMARY KEY, updated_ns INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE transitions (
    seq INTEGER PRIMARY KEY, order_id TEXT NOT NULL, status TEXT NOT NULL,
    ts INTEGER NOT NULL, filled REAL NOT NULL, average REAL NOT NULL, reason TEXT NOT NULL);
CREATE TABLE fills (
    fill_id TEXT PRIMARY KEY, order_id TEXT NOT NULL, ts INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE accounts (
    seq INTEGER PRIMARY KEY, broker TEXT NOT NULL, ts INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE breaker_trips (
    seq INTEGER PRIMARY KEY, breaker TEXT NOT NULL, target TEXT NOT NULL, scope TEXT NOT NULL,
    reason TEXT NOT NULL, ts INTEGER NOT NULL, rearmed_ns INTEGER NOT NULL DEFAULT 0);
INSERT INTO meta VALUES ('schema', '2');
"""


def test_a_version_2_store_is_brought_to_version_3_in_place(tmp_path: Path) -> None:
    """Version 3 added the modifications and contingent groups: a version 2 file keeps its
    orders and gains the tables (it is not set aside as another schema)."""
    path = tmp_path / "t.sqlite"
    order = Order("o1", "p", "S", Side.BUY, 2, OrderType.LIMIT, 10.0, TimeInForce.DAY, "manual",
                  OrderStatus.SUBMITTED, 5, 5)  # fmt: skip
    with sqlite3.connect(path) as old:
        old.executescript(V2_SCHEMA)
        old.execute("INSERT INTO orders VALUES ('o1', 5, ?)", (msgspec.msgpack.encode(order),))
        old.execute("INSERT INTO transitions VALUES (1, 'o1', 'accepted', 6, 0, 0, '')")
    again = TradingStore(path)
    (restored,) = again.orders()
    assert (restored.order_id, restored.status, restored.price) == ("o1", "accepted", 10.0)
    assert again.groups() == []
    again.close()
    assert not list(tmp_path.glob("*.bak"))
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("3",)


def test_a_modification_is_restored_with_the_order(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    store = TradingStore(path)
    book = OrderBook(EventBus(), ManualClock(5), store)
    book.create("o1", OrderRequest("p", "S", Side.BUY, 2, price=10.0))
    book.update_status("o1", OrderStatus.ACCEPTED)
    book.apply_fill(Fill("f1", "o1", "p", "S", Side.BUY, 1, 10.0, ts=6))
    assert book.amend("o1", 10.5, 3, 0.0) is not None
    assert book.amend("o1", 10.5, 1, 0.0) is None  # not above what filled
    store.close()
    (order,) = TradingStore(path).orders()
    assert (order.price, order.quantity, order.filled_quantity) == (10.5, 3, 1)
    assert order.status is OrderStatus.PARTIALLY_FILLED
