"""Small SVG charts for the HTML report: lines and areas over bar index (no gaps for nights and
weekends), markers for fills, and a heat map. Long series are cut to the screen's resolution
keeping each pixel column's lowest and highest value, so the shape survives."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

import numpy as np
import pandas as pd

from terminal.engine.backtest.stats import axis_number

LEFT, RIGHT, TOP, BOTTOM = 70, 14, 14, 26
Scale = Callable[[object], np.ndarray]


@dataclass
class Line:
    label: str
    values: np.ndarray
    color: str
    area: bool = False
    """Fill between the line and zero (a drawdown)."""
    width: float = 1.4


@dataclass
class Markers:
    """Triangles at bar ``index`` and ``price``: up for buys, down for sells."""

    index: np.ndarray
    price: np.ndarray
    buy: np.ndarray
    colors: tuple[str, str] = ("#22a06b", "#d9534f")


@dataclass
class Chart:
    """One chart: lines over the bars of ``times`` (UTC ns), shown in time zone ``tz``."""

    times: np.ndarray
    lines: list[Line]
    tz: str = "UTC"
    width: int = 1000
    height: int = 260
    percent: bool = False
    markers: Markers | None = None
    title: str = ""
    legend: list[tuple[str, str]] = field(default_factory=list)

    def svg(self) -> str:
        n = len(self.times)
        plot_w, plot_h = self.width - LEFT - RIGHT, self.height - TOP - BOTTOM
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" '
                 f'viewBox="0 0 {self.width} {self.height}" width="100%" role="img" '
                 f'aria-label="{escape(self.title)}">']  # fmt: skip
        if n < 2:
            parts.append(f'<text x="{LEFT}" y="{TOP + 20}">no bars</text></svg>')
            return "".join(parts)
        low, high = self._range()

        def x_of(i: object) -> np.ndarray:
            return LEFT + plot_w * np.asarray(i, np.float64) / (n - 1)

        def y_of(v: object) -> np.ndarray:
            return TOP + plot_h * (high - np.asarray(v, np.float64)) / (high - low)

        parts.append(self._grid(low, high, y_of, x_of, plot_w))
        for line in self.lines:
            index, values = thin(line.values, plot_w)
            ok = ~np.isnan(values)
            xs, ys = x_of(index[ok]), y_of(values[ok])
            if not len(xs):
                continue
            path = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
            if line.area:
                zero = float(y_of(0.0))
                path += f" L{xs[-1]:.1f},{zero:.1f} L{xs[0]:.1f},{zero:.1f} Z"
                parts.append(f'<path d="{path}" fill="{line.color}" fill-opacity="0.35" '
                             f'stroke="{line.color}" stroke-width="1"/>')  # fmt: skip
            else:
                parts.append(f'<path d="{path}" fill="none" stroke="{line.color}" '
                             f'stroke-width="{line.width}"/>')  # fmt: skip
        if self.markers is not None:
            parts.append(self._markers(x_of, y_of))
        parts.append(self._legend())
        parts.append("</svg>")
        return "".join(parts)

    def _range(self) -> tuple[float, float]:
        values = np.concatenate([line.values for line in self.lines])
        if self.markers is not None:
            values = np.concatenate([values, self.markers.price])
        values = values[np.isfinite(values)]
        low, high = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
        if any(line.area for line in self.lines):
            low, high = min(low, 0.0), max(high, 0.0)
        if high - low < 1e-12:
            low, high = low - 1.0, high + 1.0
        pad = (high - low) * 0.04
        return low - pad, high + pad

    def _grid(self, low: float, high: float, y_of: Scale, x_of: Scale, plot_w: int) -> str:
        out = []
        for value in nice_ticks(low, high):
            y = float(y_of(value))
            text = f"{value * 100:.1f}%" if self.percent else axis_number(value)
            out.append(f'<line x1="{LEFT}" x2="{self.width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                       f'class="grid"/><text x="{LEFT - 6}" y="{y + 4:.1f}" '
                       f'text-anchor="end">{text}</text>')  # fmt: skip
        n = len(self.times)
        stamps = pd.DatetimeIndex(self.times.view("datetime64[ns]"), tz="UTC").tz_convert(self.tz)
        span_days = (stamps[-1] - stamps[0]).days
        fmt = "%Y-%m-%d" if span_days > 3 else "%m-%d %H:%M"
        count = max(2, min(7, plot_w // 140))
        for k in range(count):
            i = round(k * (n - 1) / (count - 1))
            x = float(x_of(i))
            anchor = "start" if k == 0 else ("end" if k == count - 1 else "middle")
            out.append(f'<text x="{x:.1f}" y="{self.height - 8}" text-anchor="{anchor}">'
                       f"{stamps[i].strftime(fmt)}</text>")  # fmt: skip
        return "".join(out)

    def _markers(self, x_of: Scale, y_of: Scale) -> str:
        m = self.markers
        assert m is not None
        out = []
        for buy, color in ((True, m.colors[0]), (False, m.colors[1])):
            chosen = m.buy == buy
            xs, ys = x_of(m.index[chosen]), y_of(m.price[chosen])
            # A buy's triangle points up from below its price; a sell's down from above.
            shape = " l4,7 l-8,0 z" if buy else " l4,-7 l-8,0 z"
            offset = 1.0 if buy else -1.0
            path = "".join(f"M{x:.1f},{y + offset:.1f}{shape}"
                           for x, y in zip(xs, ys, strict=True))  # fmt: skip
            kind = "buys" if buy else "sells"
            out.append(f'<path class="{kind}" d="{path}" fill="{color}"/>')
        return "".join(out)

    def _legend(self) -> str:
        items = self.legend or [(line.label, line.color) for line in self.lines]
        if len(items) < 2:  # one line: the heading says what it is
            return ""
        out, x = [], LEFT + 8
        for label, color in items:
            out.append(f'<rect x="{x}" y="{TOP + 4}" width="12" height="3" fill="{color}"/>'
                       f'<text x="{x + 16}" y="{TOP + 9}">{escape(label)}</text>')  # fmt: skip
            x += 24 + 7 * len(label)
        return "".join(out)


def thin(values: np.ndarray, pixels: int) -> tuple[np.ndarray, np.ndarray]:
    """(index, value) of at most about 2×``pixels`` points: the lowest and the highest of each
    pixel column, in order."""
    n = len(values)
    index = np.arange(n)
    if n <= 2 * pixels:
        return index, np.asarray(values, np.float64)
    edges = np.linspace(0, n, pixels + 1).astype(np.int64)
    keep = []
    for a, b in itertools.pairwise(edges.tolist()):
        chunk = values[a:b]
        if not len(chunk) or np.all(np.isnan(chunk)):
            continue
        lo, hi = a + int(np.nanargmin(chunk)), a + int(np.nanargmax(chunk))
        keep.extend(sorted({lo, hi}))
    chosen = np.array(keep, np.int64)
    return chosen, np.asarray(values, np.float64)[chosen]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [first + k * step for k in range(int((high - first) / step) + 1)]


def heat_map(
    x_name: str, x_values: Sequence[float], y_name: str, y_values: Sequence[float],
    grid: np.ndarray, label: str, width: int = 640, height: int = 420,
) -> str:  # fmt: skip
    """``grid[y, x]`` as coloured cells (red low, green high; grey where there is no value)."""
    left, bottom, top, right = 70, 46, 14, 90
    cols, rows = len(x_values), len(y_values)
    cell_w, cell_h = (width - left - right) / max(cols, 1), (height - top - bottom) / max(rows, 1)
    finite = grid[np.isfinite(grid)]
    low, high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" viewBox="0 0 {width} '
           f'{height}" width="{width}" role="img" aria-label="{escape(label)} by {x_name} and '
           f'{y_name}">']  # fmt: skip
    for r in range(rows):
        for c in range(cols):
            value = grid[r, c]
            color = heat_color(value, low, high)
            x, y = left + c * cell_w, top + (rows - 1 - r) * cell_h
            title = f"{x_name}={x_values[c]:g}, {y_name}={y_values[r]:g}: " + (
                f"{value:.3f}" if np.isfinite(value) else "no result"
            )
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_w:.1f}" '
                       f'height="{cell_h:.1f}" fill="{color}"><title>{escape(title)}</title>'
                       f"</rect>")  # fmt: skip
            if cols <= 16 and rows <= 16 and np.isfinite(value):
                out.append(f'<text x="{x + cell_w / 2:.1f}" y="{y + cell_h / 2 + 4:.1f}" '
                           f'text-anchor="middle" class="cell">{value:.2f}</text>')  # fmt: skip
    step_x = max(1, cols // 12)
    for c in range(0, cols, step_x):
        x = left + (c + 0.5) * cell_w
        out.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                   f"{x_values[c]:g}</text>")  # fmt: skip
    step_y = max(1, rows // 12)
    for r in range(0, rows, step_y):
        y = top + (rows - 1 - r + 0.5) * cell_h
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{y_values[r]:g}'
                   "</text>")  # fmt: skip
    out.append(f'<text x="{left + (width - left - right) / 2:.1f}" y="{height - 8}" '
               f'text-anchor="middle" class="axis">{escape(x_name)}</text>')  # fmt: skip
    out.append(f'<text x="14" y="{top + (height - top - bottom) / 2:.1f}" '
               f'transform="rotate(-90 14 {top + (height - top - bottom) / 2:.1f})" '
               f'text-anchor="middle" class="axis">{escape(y_name)}</text>')  # fmt: skip
    for k in range(11):  # the colour scale
        value = low + (high - low) * k / 10
        y = top + (height - top - bottom) * (1 - k / 10) - 10
        out.append(f'<rect x="{width - right + 14}" y="{y:.1f}" width="14" height="12" '
                   f'fill="{heat_color(value, low, high)}"/><text x="{width - right + 32}" '
                   f'y="{y + 10:.1f}">{value:.2f}</text>')  # fmt: skip
    out.append("</svg>")
    return "".join(out)


def heat_color(value: float, low: float, high: float) -> str:
    if not np.isfinite(value):
        return "#9e9e9e"
    t = 0.5 if high <= low else (value - low) / (high - low)
    # red (low) → yellow → green (high)
    red = int(215 - 150 * max(0.0, t - 0.5) * 2) if t > 0.5 else 215
    green = int(60 + 150 * min(1.0, t * 2)) if t <= 0.5 else 210
    return f"#{red:02x}{green:02x}{70:02x}"
