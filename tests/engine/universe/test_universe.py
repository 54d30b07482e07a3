"""The universe's cache file and the symbol search over it and the feeds' instruments."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from terminal.domain.enums import AssetClass, InstrumentKind, ListingStatus
from terminal.domain.instrument import Instrument
from terminal.engine.universe.pinyin import initials
from terminal.engine.universe.search import SymbolSearch
from terminal.engine.universe.store import Universe, UniverseEntry

SHANGHAI = "Asia/Shanghai"
NAMES = {
    "600000.SSE": "浦发银行", "000001.SZSE": "平安银行", "000001.SSE": "上证指数",
    "600036.SSE": "招商银行", "000002.SZSE": "万  科Ａ", "688981.SSE": "中芯国际",
    "600016.SSE": "民生银行", "512880.SSE": "证券ETF", "600005.SSE": "武钢股份",
}  # fmt: skip


def entry(symbol: str, name: str) -> UniverseEntry:
    return UniverseEntry(symbol, name, InstrumentKind.STOCK, "main", 100.0, 0.0, 0.01,
                         ListingStatus.LISTED, initials(name))  # fmt: skip


def universe(path: Path | None = None) -> Universe:
    found = Universe(path)
    found.replace([entry(s, n) for s, n in NAMES.items()], "test", 1)
    return found


def shanghai(text: str) -> int:
    moment = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(SHANGHAI))
    return int(moment.timestamp()) * 1_000_000_000


def test_pinyin_initials_of_names() -> None:
    assert initials("浦发银行") == "pfyh"
    assert initials("万  科Ａ") == "wka"  # full-width letter, inner spaces
    assert initials("*ST海润") == "sthr"
    assert initials("重庆啤酒") == "cqpj"  # 重 as chóng in 重庆: the phrase decides
    assert initials("BTC/USDT") == "btcusdt"


def test_the_cache_file_round_trips_and_damage_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "universe.json"
    universe(path)
    again = Universe(path)
    assert again.load() == len(NAMES)
    assert again.get("600000.SSE") == entry("600000.SSE", "浦发银行")
    star = again.instrument("688981.SSE")
    assert star is not None and star.exchange == "SSE" and star.currency == "CNY"
    path.write_text("{not json")
    broken = Universe(path)
    assert broken.load() == 0
    assert path.with_suffix(".json.bad").exists() and not path.exists()


def test_the_list_is_due_once_a_day_at_the_refresh_time() -> None:
    found = Universe()
    assert found.is_stale(shanghai("2024-01-02 08:00:00"), time(9), SHANGHAI)  # never taken
    found.fetched_ns = shanghai("2024-01-02 10:00:00")
    assert not found.is_stale(shanghai("2024-01-03 08:59:00"), time(9), SHANGHAI)
    assert found.is_stale(shanghai("2024-01-03 09:00:00"), time(9), SHANGHAI)
    found.fetched_ns = shanghai("2024-01-02 08:00:00")  # taken before that day's 09:00
    assert found.is_stale(shanghai("2024-01-02 09:00:00"), time(9), SHANGHAI)


def test_search_by_code_name_and_pinyin_initials_best_first() -> None:
    search = SymbolSearch(universe(), {})
    assert [h.symbol for h in search.search("pfyh")] == ["600000.SSE"]
    assert [h.symbol for h in search.search("PFYH")] == ["600000.SSE"]
    assert [h.symbol for h in search.search("000001")] == ["000001.SSE", "000001.SZSE"]
    assert [h.symbol for h in search.search("6000")][:2] == ["600000.SSE", "600005.SSE"]
    banks = [h.name for h in search.search("银行")]
    assert sorted(banks) == ["平安银行", "招商银行", "民生银行", "浦发银行"]
    contained = ["600000.SSE", "000001.SZSE", "600036.SSE", "600016.SSE"]  # nothing starts
    assert [h.symbol for h in search.search("yh")] == contained  # with "yh": contained, then
    assert [h.symbol for h in search.search("万科")] == ["000002.SZSE"]  # spaces in the name
    assert [h.symbol for h in search.search("wka")] == ["000002.SZSE"]
    assert search.search("zzzz") == [] and search.search("  ") == []
    assert len(search.search("0", limit=3)) == 3


def test_search_covers_the_feeds_instruments_and_follows_changes() -> None:
    bitcoin = Instrument("BTCUSDT.BINANCE", "Bitcoin", "BINANCE", AssetClass.CRYPTO, 0.01)
    spdb = Instrument("600000.SSE", "浦发银行", "SSE", AssetClass.STOCK, 0.01)
    instruments = {bitcoin.symbol: bitcoin, spdb.symbol: spdb}
    found = universe()
    search = SymbolSearch(found, instruments)
    assert [h.symbol for h in search.search("btc")] == ["BTCUSDT.BINANCE"]
    assert [h.kind for h in search.search("600000")] == ["stock"]  # the universe's, once
    instruments["rb2605.SHFE"] = Instrument("rb2605.SHFE", "螺纹钢", "SHFE", AssetClass.FUTURE, 1.0)
    assert [h.symbol for h in search.search("lwg")] == ["rb2605.SHFE"]
    found.replace([entry("601398.SSE", "工商银行")], "test", 2)
    assert [h.symbol for h in search.search("gsyh")] == ["601398.SSE"]
