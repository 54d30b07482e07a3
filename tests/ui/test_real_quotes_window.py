"""The main window on a QQ feed polling a local server in QQ's format (saved real answers,
GBK): quotes before the first trade show their book and "—", suspended and delisted ones say
so (#16.6); the "Add symbol…" box finds 浦发银行 by its pinyin initials in the universe and
adding it subscribes the feed while running, deleting it unsubscribes (#16.4, #16.5); out of
hours the status bar says when the next poll is (#16.7)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from terminal.adapters.universe.rules import classify, rule
from terminal.domain.enums import ListingStatus
from terminal.engine.clock import ManualClock
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.engine.paths import user_data_dir
from terminal.engine.universe.pinyin import initials
from terminal.engine.universe.store import FILE_NAME, Universe, UniverseEntry
from terminal.ui.bridge import EngineBridge
from terminal.ui.main_window import MainWindow
from terminal.ui.watch.columns import COLUMN_OF_KEY
from tests.plugins.quote_samples import qq_payload
from tests.plugins.vendor_server import VendorState, vendor_server

DATA = Path(__file__).resolve().parents[1] / "data" / "vendors"
AUCTION = "tencent_qt_sz002241_call_auction_09-22-33_and_continuous_09-42-09_2025-05-09.txt"
WATCHED = ["002241.SZSE", "000003.SZSE", "300413.SZSE"]


def saved_payloads() -> dict[str, str]:
    """The auction record of 歌尔股份 and delisted PT金田A as saved; a suspended record in
    today's layout derived from PT金田A's (code, name, price 0, field 40 "S"): no suspended
    record in today's layout was found."""
    auction = (DATA / AUCTION).read_text(encoding="utf-8").split('";\n')[0]
    lines = (DATA / "tencent_qt_suspended_and_delisted_lines.txt").read_text("utf-8").split("\n")
    delisted = lines[3].split('="', 1)[1].removesuffix('";')
    fields = delisted.split("~")
    fields[1:5] = ["快乐购", "300413", "0.00", "20.29"]
    fields[40] = "S"
    return {
        "sz002241": auction.split('="', 1)[1],
        "sz000003": delisted.replace("\ufffd", "?"),  # its source had already garbled it
        "sz300413": "~".join(fields),
        "sh600000": qq_payload(),
    }


def save_universe() -> None:
    names = {"600000.SSE": "浦发银行", "002241.SZSE": "歌尔股份", "000003.SZSE": "PT金田A",
             "300413.SZSE": "快乐购", "600036.SSE": "招商银行"}  # fmt: skip
    entries = []
    for symbol, name in names.items():
        code, _, exchange = symbol.partition(".")
        kind, board = classify(code, exchange)
        entries.append(UniverseEntry(symbol, name, kind, board, *rule(kind, board),
                                     ListingStatus.LISTED, initials(name)))  # fmt: skip
    Universe(user_data_dir() / FILE_NAME).replace(entries, "test", 1)


def start(
    run_async: Callable[..., Any], base: str, clock: ManualClock | None = None, **options: Any
) -> Engine:
    feed = {"url": base + "/q=", "interval_s": 0.05, "min_interval_s": 0.01,
            "poll_hours": "always", **options}  # fmt: skip
    config = load_config(overrides={
        "feeds": [{"name": "qq", "plugin": "qq", "options": feed}], "watchlist": WATCHED,
        "ui": {"chart_symbol": "002241.SZSE"},
    })  # fmt: skip
    engine = Engine(config, clock=clock)
    run_async(engine.start())
    return engine


@pytest.fixture
def served() -> Iterator[tuple[str, VendorState]]:
    with vendor_server() as (base, state):
        state.qq.update(saved_payloads())
        yield base, state


def cell(window: MainWindow, symbol: str, key: str) -> str:
    model = window.market_watch.model
    return model.text_at(model.row_of(symbol), COLUMN_OF_KEY[key])


def asked(state: VendorState, since: int) -> set[str]:
    return {code for path, _ in state.requests[since:] for code in path[3:].split(",")}


def test_untraded_suspended_and_delisted_quotes_then_add_by_pinyin_and_remove(
    served: tuple[str, VendorState], run_async: Callable[..., Any], qtbot: QtBot, tmp_path: Path
) -> None:
    base, state = served
    save_universe()
    engine = start(run_async, base)
    bridge = EngineBridge(engine, refresh_hz=30)
    window = MainWindow(bridge, QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    try:
        watch = window.market_watch
        assert watch.model.symbols() == WATCHED  # universe symbols, no feed configured them
        qtbot.waitUntil(lambda: all(watch.model.tick(s) for s in WATCHED), timeout=5000)
        window.bridge.flush()
        assert cell(window, "002241.SZSE", "last") == "—"  # the call auction: no trade yet
        assert cell(window, "002241.SZSE", "bid") == "22.26"  # but its book
        assert cell(window, "002241.SZSE", "ask") == "22.26"
        assert cell(window, "002241.SZSE", "prev_close") == "22.27"
        assert cell(window, "002241.SZSE", "change") == ""
        assert cell(window, "002241.SZSE", "open") == ""
        assert cell(window, "002241.SZSE", "name") == "歌尔股份"
        assert cell(window, "300413.SZSE", "last") == "suspended"
        assert cell(window, "000003.SZSE", "last") == "delisted"
        window.grab().save(str(tmp_path / "untraded.png"))
        assert not engine.bars.history("002241.SZSE") and not engine.bars.forming("002241.SZSE")

        qtbot.keyClicks(watch.search, "pfyh")  # 浦发银行: only the universe knows it
        assert watch.search.completer_.model().stringList()[0] == "600000.SSE  —  浦发银行"
        mark = len(state.requests)
        qtbot.keyClick(watch.search, Qt.Key.Key_Return)
        assert watch.model.symbols()[-1] == "600000.SSE"
        qtbot.waitUntil(lambda: watch.model.tick("600000.SSE") is not None, timeout=5000)
        assert "sh600000" in asked(state, mark)
        assert engine.subscriptions.feed_of("600000.SSE") == "qq"
        window.bridge.flush()
        assert cell(window, "600000.SSE", "last") == "10.09"

        watch.model.remove_symbols(["600000.SSE"])  # what Delete on its row does
        assert engine.subscriptions.users("600000.SSE") == 0
        run_async(asyncio.sleep(0.2))
        mark = len(state.requests)
        qtbot.waitUntil(lambda: len(state.requests) > mark + 2, timeout=3000)
        assert "sh600000" not in asked(state, mark)
    finally:
        window.close()
        bridge.close()
        run_async(engine.stop())


def test_out_of_hours_the_status_bar_says_when_the_next_poll_is(
    served: tuple[str, VendorState], run_async: Callable[..., Any], qtbot: QtBot, tmp_path: Path
) -> None:
    base, _ = served
    moment = datetime(2024, 1, 2, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Tuesday
    clock = ManualClock(int(moment.timestamp()) * 1_000_000_000)
    engine = start(run_async, base, clock, poll_hours="sessions", recheck_s=0.05)
    bridge = EngineBridge(engine, refresh_hz=30)
    window = MainWindow(bridge, QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    try:
        bar = window.status_bar
        qtbot.waitUntil(lambda: "qq: closed, next poll 09:15" in bar.status_text(), timeout=5000)
        watch = window.market_watch  # the watchlist's codes are fetched once, though closed
        qtbot.waitUntil(lambda: watch.model.tick("002241.SZSE") is not None, timeout=5000)
    finally:
        window.close()
        bridge.close()
        run_async(engine.stop())
