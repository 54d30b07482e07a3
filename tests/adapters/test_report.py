"""The HTML reports opened and read back: every part is there, the charts hold what they
show, and nothing is fetched from outside the file."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd

from terminal.adapters.report.html import backtest_html, heat_map_grid, optimization_html
from terminal.engine.backtest.optimize import results_table
from terminal.engine.backtest.stats import LABELS
from terminal.engine.backtest.workers import Fold
from tests.engine.backtest.helpers import frame, run, walk
from tests.engine.backtest.test_runs import Crossing, Explodes


class Page(HTMLParser):
    """Headings, tables (rows of cell texts), SVGs (their paths and rects by class), links."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.svgs: list[dict[str, object]] = []
        self.external: list[str] = []
        self._heading = False
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href"):
            if found.get(name):
                self.external.append(str(found[name]))
        if tag in ("link", "img", "iframe", "object", "embed"):
            self.external.append(tag)
        if tag == "h2":
            self._heading = True
            self.headings.append("")
        elif tag == "table":
            self._table = self.tables.setdefault(str(found.get("class", "")), [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        elif tag == "svg":
            self.svgs.append({"class": found.get("class"), "label": found.get("aria-label"),
                              "paths": [], "rects": 0})  # fmt: skip
        elif tag == "path" and self.svgs:
            self.svgs[-1]["paths"].append(found)  # type: ignore[attr-defined]
        elif tag == "rect" and self.svgs:
            self.svgs[-1]["rects"] += 1  # type: ignore[operator]

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._heading = False
        elif tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._heading:
            self.headings[-1] += data
        if self._cell is not None:
            self._cell.append(data)


def test_the_backtest_report_has_every_part() -> None:
    result = run(Crossing, frame(walk(3000), step=3_600_000_000_000))
    text = backtest_html(result)
    page = Page(text)
    assert page.external == []
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text)  # nothing fetched
    assert page.headings == ["Statistics", "Equity and buy and hold", "Drawdown",
                             "Price, entries and exits", "Monthly returns", "Fills",
                             "Strategy log"]  # fmt: skip
    stats = [row for table in ("statistics",) for row in page.tables[table]]
    assert [label for label, _ in stats] == [label for label, _ in LABELS.values()]
    assert dict(stats)["Round trips"] == f"{result.stats['trades']:,.0f}"
    by_label = {svg["label"]: svg for svg in page.svgs}
    equity, drawdown = by_label["equity"], by_label["drawdown"]
    assert len([p for p in equity["paths"] if p.get("fill") == "none"]) == 2  # strategy, B&H
    assert drawdown["paths"][0]["fill-opacity"] == "0.35"  # the area under zero
    price = by_label["T.LOCAL with fills"]
    marks = {p["class"]: p["d"].count("M") for p in price["paths"] if p.get("class")}
    buys = sum(1 for f in result.fills if f.side.value == "buy")
    assert marks == {"buys": buys, "sells": len(result.fills) - buys}
    monthly = page.tables["monthly"]
    assert monthly[0][1:] == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                              "Oct", "Nov", "Dec", "Year"]  # fmt: skip
    assert [row[0] for row in monthly[1:]] == ["2024"]
    fills = page.tables["sortable fills"]
    assert fills[0] == ["datetime", "symbol", "side", "quantity", "price", "commission"]
    assert len(fills) == 1 + len(result.fills)


def test_a_failed_backtest_shows_its_traceback_first() -> None:
    result = run(Explodes, frame(walk(100)))
    page = Page(backtest_html(result))
    assert page.headings[0] == "Stopped by an error"
    assert "RuntimeError: signal broke" in backtest_html(result)


def test_the_optimisation_report_has_its_heat_map_table_and_folds() -> None:
    rows: list[dict[str, object]] = [
        {"fast": f, "slow": s, "sharpe": f / s, "total_return": 0.01 * f, "error": ""}
        for f in (2, 3, 4)
        for s in (10, 20)
    ]
    rows.append({"fast": 5, "slow": 10, "error": "need 0 < fast < slow"})
    table = results_table(rows, ["fast", "slow"], "sharpe")
    assert table["fast"].tolist()[:2] == [4, 3] and table.iloc[-1]["error"]
    fold = Fold(1, 0, 10**18, 10**18, 2 * 10**18, {"fast": 4, "slow": 10}, 0.4, 0.1, 0.02)
    page = Page(optimization_html("crossing", table, ["fast", "slow"], "sharpe", [fold]))
    assert page.headings == ["Heat map: sharpe by fast and slow", "Walk-forward", "Results"]
    heat = next(svg for svg in page.svgs if svg["class"] == "heatmap")
    assert heat["rects"] == 4 * 2 + 11  # the cells (fast 2–5 × slow 10, 20) and the scale
    results = page.tables["sortable results"]
    assert len(results) == 1 + len(rows)
    assert results[-1][-1] == "need 0 < fast < slow"
    folds = page.tables["folds"]
    assert folds[1][3] == "fast=4, slow=10"
    xs, ys, grid = heat_map_grid(table, "fast", "slow", "sharpe")
    assert xs == [2, 3, 4, 5] and ys == [10, 20]
    assert grid[0, 2] == 0.4 and np.isnan(grid[0, 3]) and grid.shape == (2, 4)
    assert isinstance(table, pd.DataFrame)
