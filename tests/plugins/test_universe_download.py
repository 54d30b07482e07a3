"""The universe from Eastmoney's list endpoint (#16.4), against a local server answering in
its format with saved real answers: paging, every board, ETFs, LOFs and indices, delisted
rows, bad and cut answers; then ``terminal symbols update`` and ``search``."""

from __future__ import annotations

from pathlib import Path

import pytest

from terminal.adapters.universe.eastmoney import SETS, UniverseError, entry_of, page_rows
from terminal.adapters.universe.refresh import take_list
from terminal.cli import main
from terminal.domain.enums import InstrumentKind, ListingStatus
from terminal.engine.config import UniverseSection
from terminal.engine.universe.store import Universe
from tests.aio import run
from tests.plugins.eastmoney_server import DATA, ListState, eastmoney_server, row, saved_rows

SH_A = "eastmoney_clist_sh_a_jsonp_2024-08-08.txt"  # exact bytes, SSE main board + STAR
SZ_A = "eastmoney_clist_spot_with_delisted_row_2026-07-08_TRIMMED.json"
FS = {listed.name: listed.fs for listed in SETS}


def stock_the_server(state: ListState) -> None:
    """Real rows where saved answers have them; the rest built in their shape, with the
    codes and names of real instruments (the saved Sina and Tencent answers)."""
    state.rows[FS["SSE main board"]] = [row("600000", 1, "浦发银行", 10.09, 10.08),
                                        *saved_rows(SH_A)]  # fmt: skip
    state.rows[FS["STAR Market"]] = [row("688981", 1, "中芯国际", 88.1, 87.0)]
    state.rows[FS["SZSE main board"]] = saved_rows(SZ_A)  # 000003 delisted, still listed
    state.rows[FS["ChiNext"]] = [row("300750", 0, "宁德时代", 250.0, 248.0)]
    state.rows[FS["Beijing Stock Exchange"]] = [row("430047", 0, "诺思兰德", 12.0, 11.9)]
    state.rows[FS["ETFs"]] = [row("510300", 1, "沪深300ETF", 3.9, 3.88),
                              row("159915", 0, "创业板ETF", 2.1, 2.08)]  # fmt: skip
    state.rows[FS["LOFs"]] = [row("162411", 0, "华宝油气", 0.491, 0.488),
                              row("160922", 0, "恒生中小", "-", 1.074)]  # fmt: skip
    state.rows[FS["SSE indices"]] = [row("000001", 1, "上证指数", 3005.04, 3007.35)]
    state.rows[FS["SZSE indices"]] = [row("399001", 0, "深证成指", 9500.0, 9480.0)]


def options(url: str, page_size: int = 100) -> UniverseSection:
    return UniverseSection(url=url, page_size=page_size, page_delay_s=0.0, timeout_s=5.0)


def test_the_exact_saved_answer_parses() -> None:
    rows, total = page_rows((DATA / SH_A).read_text(encoding="utf-8"), "saved")
    assert total == 2384 and len(rows) == 20  # a page of 20 from a set of 2,384
    entries = [entry_of(r, SETS[0], "saved") for r in rows]
    first = entries[0]
    assert (first.symbol, first.name, first.initials) == ("600107.SSE", "美尔雅", "mey")
    assert first.status is ListingStatus.LISTED
    assert (first.lot_size, first.min_quantity, first.tick_size) == (100.0, 0.0, 0.01)


def test_delisted_rows_and_full_width_names() -> None:
    rows, _ = page_rows((DATA / SZ_A).read_text(encoding="utf-8"), "saved")
    entries = {e.symbol: e for e in (entry_of(r, SETS[2], "saved") for r in rows)}
    assert entries["000003.SZSE"].status is ListingStatus.NOT_TRADING  # "-" price
    assert entries["000002.SZSE"].name == "万  科Ａ" and entries["000002.SZSE"].initials == "wka"
    assert entries["000001.SZSE"].status is ListingStatus.LISTED


def test_every_set_is_taken_page_by_page(tmp_path: Path) -> None:
    with eastmoney_server() as (url, state):
        stock_the_server(state)
        universe = Universe(tmp_path / "universe.json")
        taken = run(take_list(universe, options(url, page_size=7), 1))
    assert taken.problems == [] and taken.listed == len(universe) == 33
    pages = [(q["fs"], q["pn"]) for q in state.requests]
    assert pages[:4] == [(FS["SSE main board"], "1"), (FS["SSE main board"], "2"),
                         (FS["SSE main board"], "3"), (FS["STAR Market"], "1")]  # fmt: skip
    star, bse = universe.get("688981.SSE"), universe.get("430047.BSE")
    assert star is not None and (star.lot_size, star.min_quantity) == (1.0, 200.0)
    assert bse is not None and (bse.kind, bse.lot_size, bse.min_quantity) == ("stock", 1.0, 100.0)
    etf, lof = universe.get("159915.SZSE"), universe.get("160922.SZSE")
    assert etf is not None and etf.kind is InstrumentKind.ETF and etf.tick_size == 0.001
    assert lof is not None and lof.status is ListingStatus.NOT_TRADING
    index = universe.get("000001.SSE")
    assert index is not None and index.kind is InstrumentKind.INDEX
    assert universe.get("000001.SZSE") is not None  # the stock, beside the index
    assert Universe(tmp_path / "universe.json").load() == 33  # saved


def test_a_bad_row_is_named_and_skipped_the_rest_kept() -> None:
    with eastmoney_server() as (url, state):
        stock_the_server(state)
        state.rows[FS["ChiNext"]].append(row("30075", 0, "坏代码", 1.0, 1.0))
        state.rows[FS["ChiNext"]].append({"f2": 1.0, "f12": "301001", "f13": 0})
        universe = Universe()
        taken = run(take_list(universe, options(url), 1))
    assert taken.listed == 33
    assert len(taken.problems) == 2
    assert "(ChiNext, page 1): f12 (code) = '30075' is not six digits" in taken.problems[0]
    assert "301001: f14 (name) = None is not a name" in taken.problems[1]


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ((200, b'{"rc":0,"data":{"total":2,"diff":[{"f12":"600000","f13":1'), "cut short"),
        ((200, b'{"rc":102,"data":null}'), "no list in the answer (rc 102"),
        ((502, b"bad gateway"), "HTTPStatusError"),
    ],
)
def test_a_bad_or_cut_answer_keeps_the_cached_list(
    answer: tuple[int, bytes], why: str, tmp_path: Path
) -> None:
    path = tmp_path / "universe.json"
    with eastmoney_server() as (url, state):
        stock_the_server(state)
        run(take_list(Universe(path), options(url), 1))
        state.raw[(FS["LOFs"], 1)] = answer
        cached = Universe(path)
        cached.load()
        with pytest.raises(UniverseError) as caught:
            run(take_list(cached, options(url), 2))
    assert f"eastmoney {url} (LOFs, page 1): " in str(caught.value)
    assert why in str(caught.value)
    assert Universe(path).load() == 33 and cached.fetched_ns == 1


def test_a_list_that_shrank_by_half_is_refused_unless_forced() -> None:
    with eastmoney_server() as (url, state):
        stock_the_server(state)
        universe = Universe()
        run(take_list(universe, options(url), 1))
        state.rows[FS["SSE main board"]] = []
        with pytest.raises(UniverseError, match="less than half"):
            run(take_list(universe, options(url), 2))
        assert run(take_list(universe, options(url), 3, force=True)).listed == 12


def test_symbols_update_then_search_by_pinyin(capsys: pytest.CaptureFixture[str]) -> None:
    with eastmoney_server() as (url, state):
        stock_the_server(state)
        assert main(["symbols", "update", "--base-url", url]) == 0
    out, _ = capsys.readouterr()
    assert "33 instruments (2 etf, 2 index, 2 lof, 27 stock) from eastmoney" in out
    assert main(["symbols", "search", "pfyh"]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith("600000.SSE   浦发银行\tstock  listed       lot 100 tick 0.01")
    assert main(["symbols", "search", "zxgj"]) == 0
    assert "buy at least 200" in capsys.readouterr().out
    assert main(["symbols", "search", "no such thing"]) == 1
    assert "nothing matches 'no such thing'" in capsys.readouterr().err


def test_symbols_update_names_the_failure(capsys: pytest.CaptureFixture[str]) -> None:
    with eastmoney_server() as (url, state):
        state.raw[(FS["SSE main board"], 1)] = (200, b"<html>blocked</html>")
        assert main(["symbols", "update", "--base-url", url]) == 1
    err = capsys.readouterr().err
    assert f"terminal symbols update: eastmoney {url} (SSE main board, page 1): " in err
    assert "neither JSON nor JSONP" in err


def test_a_running_engine_takes_the_list_when_due_and_finds_it() -> None:
    import asyncio

    from terminal.adapters.universe.refresh import refresh_wanted, start_refresh
    from terminal.engine.config import load_config
    from terminal.engine.engine import Engine

    with eastmoney_server() as (url, state):
        stock_the_server(state)
        config = load_config(overrides={
            "feeds": [{"name": "qq", "plugin": "qq", "options": {"poll_hours": "always"}}],
            "universe": {"url": url, "page_delay_s": 0},
        })  # fmt: skip
        assert refresh_wanted(config)
        assert not refresh_wanted(load_config(overrides={"universe": {"url": url}}))  # sim only
        engine = Engine(config)

        async def scenario() -> None:
            engine.universe.load()  # (the engine's start does this; its feeds need no network)
            task = start_refresh(engine)
            assert task is not None
            async with asyncio.timeout(5):
                while not len(engine.universe):
                    await asyncio.sleep(0.01)
            assert [h.symbol for h in engine.symbol_search.search("pfyh")] == ["600000.SSE"]
            task.cancel()

        run(scenario())
