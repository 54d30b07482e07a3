"""A chart over a real engine whose bar store holds seeded history; live ticks go through the
engine's bus and bar builder, and reach the chart through the bridge as in the app."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from terminal.domain.enums import AssetClass
from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.engine.bars.batch import BAR_COLUMNS
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.chart.chart import CandleChart
from terminal.ui.theme import THEMES

MINUTE = 60_000_000_000
T0 = int(pd.Timestamp("2024-03-04 01:30", tz="UTC").value)
SYMBOLS = ("AAA.SIM", "BBB.SIM")


def instruments() -> dict[str, Instrument]:
    return {s: Instrument(s, s, "SIM", AssetClass.CRYPTO, tick_size=0.01) for s in SYMBOLS}


def history_frame(symbol: str, n: int, seed: int = 7) -> pd.DataFrame:
    """``n`` 1-minute bars: a seeded random walk; open = previous close."""
    rng = np.random.default_rng(seed)
    close = 100.0 + np.cumsum(rng.normal(0, 0.3, n)).round(2)
    open_ = np.r_[close[0], close[:-1]]
    frame = pd.DataFrame({
        "symbol": symbol, "timeframe": "1m", "start": T0 + np.arange(n) * MINUTE,
        "open": open_, "high": np.maximum(open_, close) + 0.05,
        "low": np.minimum(open_, close) - 0.05, "close": close,
        "volume": rng.integers(1, 100, n).astype(float), "turnover": 0.0,
        "open_interest": 0.0, "ticks": 1,
    })
    return frame[list(BAR_COLUMNS)]


def make_engine(bars: dict[str, int]) -> Engine:
    engine = Engine(load_config(overrides={"feeds": [], "engine": {"persist": False}}))
    engine.instruments.update(instruments())
    for seed, (symbol, n) in enumerate(bars.items(), start=7):
        engine.bars.store.merge(history_frame(symbol, n, seed))
    return engine


def open_chart(engine: Engine, qtbot: QtBot, **kwargs: int) -> tuple[CandleChart, EngineBridge]:
    """A shown 1200x700 chart on AAA.SIM over ``engine``, through a real bridge."""
    bridge = EngineBridge(engine, refresh_hz=30)
    chart = CandleChart(bridge, THEMES["dark"], "AAA.SIM", **kwargs)
    qtbot.addWidget(chart)
    chart.resize(1200, 700)
    chart.show()
    qtbot.waitExposed(chart)
    return chart, bridge


def close_chart(chart: CandleChart, bridge: EngineBridge) -> None:
    chart.close_chart()
    bridge.close()


def tick(symbol: str, minute: int, last: float, volume: float, second: int = 5) -> Tick:
    """A tick ``minute`` minutes after the first history bar (cumulative ``volume``)."""
    return Tick(symbol, T0 + minute * MINUTE + second * 1_000_000_000, last, volume)


def colour_counts(image: QImage, colours: list[str], tolerance: int = 12) -> list[int]:
    """How many pixels are close to each of ``colours`` (sampled every 2nd pixel)."""
    from PySide6.QtGui import QColor

    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    pixels = raw.reshape(height, image.bytesPerLine())[:, : width * 4].reshape(height, width, 4)
    pixels = pixels[::2, ::2, :3].astype(int)  # BGRA in memory
    counts = []
    for name in colours:
        c = QColor(name)
        target = np.array([c.blue(), c.green(), c.red()])
        counts.append(int((np.abs(pixels - target).max(axis=2) <= tolerance).sum()))
    return counts
