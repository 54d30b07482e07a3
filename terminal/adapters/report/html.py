"""The HTML reports: one backtest (statistics, equity with the benchmark and the drawdown under
it, the price with every fill marked, monthly returns, the fills) and one optimisation (the
sortable results table, the heat map of two parameters, the walk-forward folds).

Each is one self-contained file: inline CSS and SVG, and a few lines of inline script that sort
a table when its header is clicked. It opens offline and can be mailed as it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from terminal.adapters.report.svg import Chart, Line, Markers, heat_map
from terminal.engine.backtest.result import BacktestResult
from terminal.engine.backtest.stats import LABELS, NAMES, drawdown, monthly_returns, shown
from terminal.engine.backtest.workers import Fold

MAX_FILL_ROWS = 500
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;
max-width:1100px;color:#1d2733;background:#fafbfc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid
#dde2e8;padding-bottom:4px}.meta{color:#5b6673}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
td,th{padding:3px 9px;border-bottom:1px solid #e6e9ee;text-align:right}
th{background:#eef1f5;cursor:default}th.sort{cursor:pointer}td.l,th.l{text-align:left}
.stats{display:grid;grid-template-columns:repeat(3,1fr);gap:0 24px}
.stats table{width:100%}.error{background:#fdecea;border:1px solid #f5c2c0;padding:10px;
white-space:pre-wrap;font-family:monospace;font-size:12px}
svg text{font-size:11px;fill:#4b5563}svg .grid{stroke:#e3e7ec;stroke-width:1}
svg text.cell{font-size:10px;fill:#111}svg text.axis{font-size:12px;fill:#111}
.wide{overflow-x:auto}.pos{color:#137a4b}.neg{color:#b42318}.note{color:#5b6673;font-size:12px}
"""
SORT_SCRIPT = """
document.querySelectorAll("table.sortable th").forEach(function(th,col){
 th.classList.add("sort");th.addEventListener("click",function(){
  var body=th.closest("table").tBodies[0],rows=Array.from(body.rows),up=th.dataset.up!=="1";
  rows.sort(function(a,b){var x=a.cells[col].dataset.v||a.cells[col].textContent,
   y=b.cells[col].dataset.v||b.cells[col].textContent,p=parseFloat(x),q=parseFloat(y);
   if(!isNaN(p)&&!isNaN(q)){return up?p-q:q-p}return up?x.localeCompare(y):y.localeCompare(x)});
  th.dataset.up=up?"1":"0";rows.forEach(function(r){body.appendChild(r)})})});
"""


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}"
            f"<script>{SORT_SCRIPT}</script></body></html>\n")  # fmt: skip


def _params(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"


def backtest_html(result: BacktestResult) -> str:
    """The report of one backtest."""
    daily = result.daily
    period = f"{daily.index[0]} to {daily.index[-1]}" if len(daily) else "no bars after warm-up"
    head = (
        f"<h1>Backtest: {escape(result.strategy)} on {escape(', '.join(result.symbols))}</h1>"
        f'<p class="meta">{escape(result.timeframe)} bars, {escape(period)}; parameters '
        f"{escape(_params(result.params))}; capital {result.capital:,.2f} "
        f"{escape(result.currency)}; warm-up {result.warmup} bars; {result.bars:,} bars in "
        f"{result.seconds:.2f} s. Annual figures use {result.annualization} periods a year.</p>"
    )
    parts = [head]
    if result.error:
        parts.append("<h2>Stopped by an error</h2>"
                     f'<div class="error">{escape(result.error)}</div>')  # fmt: skip
    parts += [
        "<h2>Statistics</h2>", _stats_table(result.stats),
        "<h2>Equity and buy and hold</h2>", _equity_chart(result),
        "<h2>Drawdown</h2>", _drawdown_chart(result),
        "<h2>Price, entries and exits</h2>", _price_chart(result),
        "<h2>Monthly returns</h2>", monthly_table(monthly_returns(daily["equity"], result.capital))
        if len(daily) else "<p>none</p>",
        "<h2>Fills</h2>", _fills_table(result),
    ]  # fmt: skip
    if result.rejected:
        items = "".join(f"<li>{escape(line)}</li>" for line in result.rejected[:200])
        parts.append(f"<h2>Refused orders</h2><ul>{items}</ul>")
    if result.log:
        parts.append("<h2>Strategy log</h2><pre>" + escape("\n".join(result.log[-200:])) + "</pre>")
    return _page(f"Backtest {result.strategy}", "".join(parts))


def _stats_table(stats: dict[str, float]) -> str:
    cells = [(LABELS[name][0], shown(name, stats.get(name, math.nan))) for name in NAMES]
    third = math.ceil(len(cells) / 3)
    tables = []
    for k in range(3):
        rows = "".join(f'<tr><td class="l">{escape(label)}</td><td>{escape(value)}</td></tr>'
                       for label, value in cells[k * third:(k + 1) * third])  # fmt: skip
        tables.append(f'<table class="statistics">{rows}</table>')
    return f'<div class="stats">{"".join(tables)}</div>'


def _equity_chart(result: BacktestResult) -> str:
    lines = [Line("strategy", result.equity, "#1f6feb", width=1.6),
             Line("buy and hold", result.benchmark, "#9a6700", width=1.1)]  # fmt: skip
    return Chart(result.times, lines, result.timezone, title="equity").svg()


def _drawdown_chart(result: BacktestResult) -> str:
    curve = drawdown(result.equity, result.capital)
    line = Line("drawdown", curve, "#cf222e", area=True, width=1.0)
    return Chart(result.times, [line], result.timezone, height=150, percent=True,
                 title="drawdown").svg()  # fmt: skip


def _price_chart(result: BacktestResult) -> str:
    charts = []
    for symbol in result.symbols:
        times, closes = result.prices[symbol]
        fills = [f for f in result.fills if f.symbol == symbol]
        stamps = np.array([f.ts for f in fills], np.int64)
        index = np.maximum(np.searchsorted(times, stamps, side="right") - 1, 0)
        markers = Markers(index, np.array([f.price for f in fills], np.float64),
                          np.array([f.side.sign > 0 for f in fills], bool))  # fmt: skip
        chart = Chart(times, [Line(symbol, closes, "#57606a", width=1.0)], result.timezone,
                      height=300, markers=markers, title=f"{symbol} with fills",
                      legend=[(symbol, "#57606a"), (f"buys ({int(markers.buy.sum())})", "#22a06b"),
                              (f"sells ({int((~markers.buy).sum())})", "#d9534f")])  # fmt: skip
        charts.append(chart.svg())
    return "".join(charts)


def monthly_table(table: pd.DataFrame) -> str:
    head = "".join(f"<th>{m}</th>" for m in MONTHS) + "<th>Year</th>"
    rows = []
    for year, row in table.iterrows():
        cells = []
        for column in [*range(1, 13), "year"]:
            value = row.get(column, math.nan)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                cells.append("<td></td>")
                continue
            shade = min(1.0, abs(value) / 0.1)
            color = f"rgba(34,160,107,{shade * 0.55:.2f})" if value >= 0 else (
                f"rgba(207,34,46,{shade * 0.55:.2f})"
            )
            cells.append(f'<td style="background:{color}">{value * 100:.2f}%</td>')
        rows.append(f'<tr><th class="l">{year}</th>{"".join(cells)}</tr>')
    return (f'<table class="monthly"><thead><tr><th class="l"></th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")  # fmt: skip


def _fills_table(result: BacktestResult) -> str:
    frame = result.trades_frame()
    note = ""
    if len(frame) > MAX_FILL_ROWS:
        note = (f'<p class="note">The first {MAX_FILL_ROWS} of {len(frame):,} fills; all are in '
                "trades.csv.</p>")  # fmt: skip
        frame = frame.head(MAX_FILL_ROWS)
    head = "".join(f"<th>{escape(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v) if not isinstance(v, float) else f'{v:g}')}</td>"
                         for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )  # fmt: skip
    return (f'{note}<table class="sortable fills"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")  # fmt: skip


# ---- optimisation ------------------------------------------------------------------------
def optimization_html(
    strategy: str,
    table: pd.DataFrame,
    names: Sequence[str],
    objective: str,
    folds: Sequence[Fold] = (),
    description: str = "",
    tz: str = "UTC",
) -> str:
    """The report of an optimisation: ``table`` from ``results_table``."""
    parts = [f"<h1>Optimisation: {escape(strategy)}</h1>",
             f'<p class="meta">{escape(description)} Sorted by {escape(objective)}; click a '
             "column to sort by it.</p>"]  # fmt: skip
    if len(names) >= 2:
        parts += [f"<h2>Heat map: {escape(objective)} by {escape(names[0])} and "
                  f"{escape(names[1])}</h2>", heat_map_svg(table, names[0], names[1], objective)]
    if folds:
        parts += ["<h2>Walk-forward</h2>", folds_table(folds, objective, tz)]
    parts += ["<h2>Results</h2>", results_html(table, names)]
    return _page(f"Optimisation {strategy}", "".join(parts))


def heat_map_grid(
    table: pd.DataFrame, x: str, y: str, objective: str
) -> tuple[list[float], list[float], np.ndarray]:
    """The best ``objective`` for each (x, y) over the other parameters."""
    xs = sorted(table[x].dropna().unique().tolist())
    ys = sorted(table[y].dropna().unique().tolist())
    grid = np.full((len(ys), len(xs)), np.nan)
    best = table.groupby([y, x])[objective].max()
    for key, value in best.items():
        pair: tuple[Any, Any] = key  # type: ignore[assignment]
        grid[ys.index(pair[0]), xs.index(pair[1])] = value
    return xs, ys, grid


def heat_map_svg(table: pd.DataFrame, x: str, y: str, objective: str) -> str:
    xs, ys, grid = heat_map_grid(table, x, y, objective)
    return heat_map(x, xs, y, ys, grid, objective)


def results_html(table: pd.DataFrame, names: Sequence[str]) -> str:
    columns = [*names, *NAMES, "error"]
    head = "".join(f'<th class="{"l" if c == "error" else ""}">{escape(LABELS.get(c, (c,))[0])}'
                   "</th>" for c in columns)  # fmt: skip
    rows = []
    for record in table.to_dict("records"):
        cells = []
        for c in columns:
            value = record.get(c)
            if c in LABELS:
                number = math.nan if value is None else float(value)
                cells.append(f'<td data-v="{_sort_value(number)}">{escape(shown(c, number))}</td>')
            elif c == "error":
                cells.append(f'<td class="l">{escape(str(value or ""))}</td>')
            else:
                text = f"{value:g}" if isinstance(value, float) else str(value)
                cells.append(f"<td>{escape(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<div class="wide"><table class="sortable results"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")  # fmt: skip


def _sort_value(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-1e308"
    return repr(float(value))


def folds_table(folds: Sequence[Fold], objective: str, tz: str) -> str:
    def day(ns: int) -> str:
        return str(pd.Timestamp(ns, tz="UTC").tz_convert(tz).date())

    head = (f"<tr><th>fold</th><th>in sample</th><th>out of sample</th><th class='l'>best "
            f"parameters</th><th>{escape(objective)} in</th><th>{escape(objective)} out</th>"
            "<th>return out</th></tr>")  # fmt: skip
    rows = "".join(
        f"<tr><td>{f.number}</td><td>{day(f.in_start)} – {day(f.in_end)}</td>"
        f"<td>{day(f.out_start)} – {day(f.out_end)}</td><td class='l'>"
        f"{escape(_params(f.best))}</td><td>{shown(objective, f.in_sample)}</td>"
        f"<td>{shown(objective, f.out_of_sample)}</td>"
        f"<td>{shown('total_return', f.out_return)}</td></tr>"
        for f in folds
    )
    return f'<table class="folds"><thead>{head}</thead><tbody>{rows}</tbody></table>'
