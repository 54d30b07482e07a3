"""A chart over a real engine whose bar store holds seeded history; live ticks go through the
engine's bus and bar builder, and reach the chart through the bridge as in the app."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from terminal.domain.enums import AssetClass
from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.engine.bars.batch import BAR_COLUMNS
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.ui.bridge import EngineBridge
from terminal.ui.chart.chart import CandleChart
from terminal.ui.chart.price_line import PriceLine
from terminal.ui.theme import THEMES

MINUTE = 60_000_000_000
MOVE_PAUSE_S = 0.012
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


def middle_price(chart: CandleChart) -> float:
    """The price in the middle of the visible price range (on a cent)."""
    bottom, top = chart.price_plot.viewRange()[1]
    return round((bottom + top) / 2, 2)


def label_point(chart: CandleChart, line: PriceLine) -> QPoint:
    """The middle of a price line's label on the chart's screen."""
    return chart.graphics.mapFromScene(line.label.sceneBoundingRect().center())


def viewport_point(chart: CandleChart, index: float, price: float) -> QPoint:
    """Where bar ``index`` at ``price`` is on the chart's screen (viewport pixels)."""
    view = chart.price_plot.getViewBox()
    scene = view.mapViewToScene(QPointF(index, price))
    return chart.graphics.mapFromScene(scene)


def send_mouse(
    chart: CandleChart, kind: QEvent.Type, at: QPoint, held: bool,
    button: Qt.MouseButton = Qt.MouseButton.LeftButton,
) -> None:  # fmt: skip
    """One mouse event at ``at`` on the chart's viewport (``held``: the button is down)."""
    viewport = chart.graphics.viewport()
    event = QMouseEvent(
        kind, QPointF(at), QPointF(viewport.mapToGlobal(at)),
        button if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton,
        button if held else Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


def move(chart: CandleChart, at: QPoint, held: bool = False) -> None:
    """Move the pointer to ``at``; a hand's pace: pyqtgraph drops moves under 10 ms apart."""
    time.sleep(MOVE_PAUSE_S)
    send_mouse(chart, QEvent.Type.MouseMove, at, held)


def drag(chart: CandleChart, start: QPoint, end: QPoint, steps: int = 10) -> None:
    """Press at ``start``, move there in ``steps``, release at ``end``, as a hand would."""
    move(chart, start)
    send_mouse(chart, QEvent.Type.MouseButtonPress, start, True)
    for step in range(1, steps + 1):
        move(chart, start + (end - start) * step / steps, True)
    send_mouse(chart, QEvent.Type.MouseButtonRelease, end, False)


def click(
    chart: CandleChart, at: QPoint, button: Qt.MouseButton = Qt.MouseButton.LeftButton
) -> None:
    """Move to ``at`` and click there."""
    move(chart, at)
    send_mouse(chart, QEvent.Type.MouseButtonPress, at, True, button)
    send_mouse(chart, QEvent.Type.MouseButtonRelease, at, False, button)
