"""A damaged trading.sqlite: start-up says exactly what is wrong and refuses to trade on it;
``--recover`` keeps what is readable in a new store, reports what was lost and keeps the
original; damage is never called a version change."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from terminal.engine.persistence.check import StoreDamaged
from terminal.engine.persistence.store import TradingStore

TERMINAL = str(Path(sys.executable).parent / "terminal")
FRAME = 24 + 4096

WRITER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from terminal.domain.enums import OrderStatus, Side
    from terminal.domain.orders import Fill, OrderRequest
    from terminal.engine.bus import EventBus
    from terminal.engine.clock import ManualClock
    from terminal.engine.orders.book import OrderBook
    from terminal.engine.persistence.store import TradingStore

    store = TradingStore(Path(sys.argv[1]))
    book = OrderBook(EventBus(), ManualClock(5), store)
    for n in range(int(sys.argv[2])):
        book.create(f"o{n}", OrderRequest("paper", "BTCUSDT.BINANCE", Side.BUY, 0.5))
        book.update_status(f"o{n}", OrderStatus.ACCEPTED)
        book.apply_fill(Fill(f"f{n}", f"o{n}", "paper", "BTCUSDT.BINANCE", Side.BUY, 0.5,
                             100.0, ts=6 + n))
    if sys.argv[3] == "crash":
        os._exit(0)  # as kill -9: no close, the log stays beside the file
    store.close()
    """
)


def write_store(path: Path, orders: int, crash: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", WRITER, str(path), str(orders),
                    "crash" if crash else "close"], check=True)  # fmt: skip


def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "trading.sqlite"


def test_a_damaged_log_is_named_and_recovery_keeps_every_committed_order(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = store_path(tmp_path)
    write_store(path, 300, crash=True)
    log = Path(f"{path}-wal")
    frames = (log.stat().st_size - 32) // FRAME
    with log.open("r+b") as handle:  # a few bytes of one page in the middle go bad
        handle.seek(32 + (frames // 2) * FRAME + 24 + 1000)
        handle.write(b"\xde\xad\xbe\xef")
    with pytest.raises(StoreDamaged) as refused:
        TradingStore(path)
    message = str(refused.value)
    assert message.startswith(
        f"trading store damaged: {path}-wal: frame {frames // 2 + 1:,} of {frames:,} fails "
        "its checksum; SQLite would silently drop"
    )
    assert "start with --recover" in message and "\n" not in message
    assert "schema version" not in message

    store = TradingStore(path, recover=True)
    try:
        assert len(store.orders()) == 300 and len(store.fills()) == 300  # nothing committed lost
        assert all(order.filled_quantity == 0.5 for order in store.orders())
    finally:
        store.close()
    kept = sorted(p.name for p in path.parent.glob("trading.sqlite.damaged-*"))
    assert kept[0].endswith(kept[0][-15:]) and any(k.endswith("-wal") for k in kept)
    original = path.parent / kept[0]
    assert Path(f"{original}-wal").read_bytes().count(b"\xde\xad\xbe\xef") == 1  # untouched
    report = "\n".join(r.getMessage() for r in caplog.records if "recovery" in r.getMessage())
    assert "fails its checksum" in report and "kept as" in report
    assert "recovered into a new store: 300 orders, 900 transitions, 300 fills" in report
    assert "lost: 3 frames of the log" in report  # the one damaged transaction


def test_a_truncated_file_stops_serve_with_one_line_and_recover_starts_it(
    tmp_path: Path,
) -> None:
    path = store_path(tmp_path)
    write_store(path, 2000, crash=False)
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size // 2)
    env = {**os.environ, "TERMINAL_DATA_DIR": str(path.parent),
           "TERMINAL_CONFIG_DIR": str(tmp_path / "config")}  # fmt: skip
    serve = [TERMINAL, "serve", "--pub", "tcp://127.0.0.1:*", "--rep", "tcp://127.0.0.1:*",
             "--seconds", "0.5"]  # fmt: skip
    refused = subprocess.run(serve, capture_output=True, text=True, env=env, timeout=120)
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr
    line = f"terminal: trading store damaged: {path}: truncated: the file is {size // 2:,} bytes"
    assert line in refused.stderr
    assert [x for x in refused.stderr.splitlines() if x.startswith("terminal:")] == [
        next(x for x in refused.stderr.splitlines() if x.startswith(line))
    ]
    started = subprocess.run([*serve, "--recover"], capture_output=True, text=True, env=env,
                             timeout=120)  # fmt: skip
    assert started.returncode == 0, started.stderr[-2000:]
    assert "trading store recovery: lost: " in started.stderr
    assert "recovered into a new store: " in started.stderr
    assert "restored " in started.stderr  # the engine came up with the orders kept
    assert list(path.parent.glob("trading.sqlite.damaged-*"))
    store = TradingStore(path)  # sound now
    assert 0 < len(store.orders()) < 2000
    store.close()


def test_garbage_is_damage_not_another_schema_version(tmp_path: Path) -> None:
    path = store_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database " * 100)
    with pytest.raises(StoreDamaged, match="not an SQLite database"):
        TradingStore(path)
    assert path.exists() and not list(path.parent.glob("*.bak"))  # nothing renamed quietly
    store = TradingStore(path, recover=True)
    assert store.orders() == []
    assert any("lost: everything" in line for line in store.recovery)
    store.close()


def test_a_garbled_page_fails_the_integrity_check_and_recovery_names_the_loss(
    tmp_path: Path,
) -> None:
    path = store_path(tmp_path)
    write_store(path, 3000, crash=False)
    pages = path.stat().st_size // 4096
    with path.open("r+b") as handle:  # one page in the middle: garbage
        handle.seek((pages // 2) * 4096)
        handle.write(b"\x55" * 4096)
    unreadable = r"integrity check failed|SQLite cannot read it"
    with pytest.raises(StoreDamaged, match=unreadable) as refused:
        TradingStore(path)
    assert "\n" not in str(refused.value)
    store = TradingStore(path, recover=True)
    try:
        kept = len(store.fills())
        assert 0 < kept < 3000 or len(store.orders()) < 3000
        assert any(line.startswith("lost: ") for line in store.recovery)
    finally:
        store.close()


def test_the_gui_refuses_a_damaged_store_with_one_line(tmp_path: Path) -> None:
    path = store_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00" * 8192)
    env = {**os.environ, "TERMINAL_DATA_DIR": str(path.parent), "QT_QPA_PLATFORM": "offscreen",
           "TERMINAL_CONFIG_DIR": str(tmp_path / "config")}  # fmt: skip
    done = subprocess.run([TERMINAL, "--exit-after", "1"], capture_output=True, text=True,
                          env=env, timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"terminal: trading store damaged: {path}: not an SQLite database" in done.stderr
