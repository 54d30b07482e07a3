"""The strategy tester in the window, driven as a user would: Backtest… from the strategy
manager, run with progress, cancel, a strategy that raises, the report in a dock, start live
with the tested parameters, and an optimisation with its table and heat map."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QSpinBox
from pytestqt.qtbot import QtBot

from terminal.domain.enums import PluginKind
from terminal.domain.market import Bar
from terminal.engine.engine import Engine
from terminal.engine.strategy import Strategy
from terminal.ui.backtest.dialog import FILE, BacktestDialog
from terminal.ui.backtest.optimization import OptimizationView
from terminal.ui.backtest.report import BacktestReport
from terminal.ui.main_window import MainWindow
from tests.engine.backtest.helpers import walk

LEFT = Qt.MouseButton.LeftButton
pytestmark = pytest.mark.slow


class RaisesOnBar(Strategy):
    plugin_name = "raises_on_bar"
    warmup_bars = 0

    def on_bar(self, bar: Bar) -> None:
        if bar.close > 0:
            raise ZeroDivisionError(f"bad bar at {bar.close:g}")


def bars_file(path: Path, n: int, symbol: str = "X") -> Path:
    rows = walk(n, seed=6)
    times = pd.date_range("2024-01-02", periods=n, freq="min").strftime("%Y-%m-%dT%H:%M:%S")
    pd.DataFrame({"symbol": symbol, "datetime": times, "open": [r[0] for r in rows],
                  "high": [r[1] for r in rows], "low": [r[2] for r in rows],
                  "close": [r[3] for r in rows], "volume": 10.0}).to_parquet(path)  # fmt: skip
    return path


@pytest.fixture
def dialog(window: MainWindow, engine: Engine, qtbot: QtBot) -> Iterator[BacktestDialog]:
    engine.registry.replace(PluginKind.STRATEGY, RaisesOnBar.plugin_name, RaisesOnBar)
    manager = window.strategy_manager
    manager.class_box.setCurrentText("sma_cross")
    manager.symbols_edit.setText("X")
    qtbot.mouseClick(manager.backtest_button, LEFT)
    found = manager.findChild(BacktestDialog)
    assert isinstance(found, BacktestDialog) and found.isVisible()
    found.start_date.setDate(found.start_date.date().fromString("2024-01-01", "yyyy-MM-dd"))
    found.end_date.setDate(found.end_date.date().fromString("2024-12-31", "yyyy-MM-dd"))
    yield found
    found.close()


def use_file(dialog: BacktestDialog, path: Path) -> None:
    dialog.source_box.setCurrentText(FILE)
    dialog.file_edit.setText(str(path))


def wait_for_report(qtbot: QtBot, dialog: BacktestDialog, timeout: int = 90_000) -> object:
    with qtbot.waitSignal(dialog.report_opened, timeout=timeout) as caught:
        qtbot.mouseClick(dialog.run_button, LEFT)
    return caught.args[0]


def test_run_shows_progress_and_opens_the_report_in_a_dock(
    dialog: BacktestDialog, window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    assert dialog.params_form.values()["fast"] == 5  # taken from the manager's form
    use_file(dialog, bars_file(tmp_path / "bars.parquet", 20_000))
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    report = wait_for_report(qtbot, dialog)
    assert isinstance(report, BacktestReport)
    assert dialog.status.text().startswith("Done: ") and dialog.run_button.isEnabled()
    assert any(0 < value < 100 for value in seen) and dialog.progress.value() == 100
    dock = window.findChild(QDockWidget, "dock_backtest_Backtest__sma_cross")
    assert dock is not None and dock.widget() is report and dock.isVisible()
    assert window.tabifiedDockWidgets(window.docks["strategies"]).count(dock) == 1
    result = report.result
    assert result.symbols == ("X",) and len(result.fills) > 100
    assert report.values["fills"].text() == f"{len(result.fills):,}"
    assert report.fills.rowCount() == len(result.fills)
    assert len(report.charts.buys.data) + len(report.charts.sells.data) == len(result.fills)
    written = report.export_csv(tmp_path / "csv")
    assert [p.name for p in written] == ["trades.csv", "equity.csv", "summary.json"]
    html = report.export_html(tmp_path / "report.html")
    assert html is not None and "Monthly returns" in html.read_text()


def test_start_live_with_the_tested_parameters(
    dialog: BacktestDialog, engine: Engine, qtbot: QtBot, tmp_path: Path
) -> None:
    symbol = "BTCUSDT.BINANCE"  # an instrument of the running engine's feed
    dialog.symbols_edit.setText(symbol)
    use_file(dialog, bars_file(tmp_path / "bars.parquet", 3000, symbol))
    fast = dialog.params_form.editors["fast"]
    assert isinstance(fast, QSpinBox)
    fast.setValue(3)
    report = wait_for_report(qtbot, dialog)
    assert isinstance(report, BacktestReport)
    qtbot.mouseClick(report.start_live_button, LEFT)
    instance = engine.strategies.get("sma_cross-bt1")
    assert instance.params["fast"] == 3 and instance.symbols == (symbol,)
    assert instance.broker == "paper" and not instance.state.is_active
    assert f"Added sma_cross-bt1 on {symbol} with broker paper" in report.message.text()


def test_start_live_on_a_symbol_the_engine_lacks_says_why(
    dialog: BacktestDialog, qtbot: QtBot, tmp_path: Path
) -> None:
    use_file(dialog, bars_file(tmp_path / "bars.parquet", 3000))
    report = wait_for_report(qtbot, dialog)
    assert isinstance(report, BacktestReport)
    qtbot.mouseClick(report.start_live_button, LEFT)
    assert report.message.text() == "Not added: unknown symbol 'X'"


def test_cancel_stops_a_running_backtest(
    dialog: BacktestDialog, qtbot: QtBot, tmp_path: Path
) -> None:
    use_file(dialog, bars_file(tmp_path / "bars.parquet", 400_000))
    qtbot.mouseClick(dialog.run_button, LEFT)
    assert dialog.run is not None
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=60_000)
    qtbot.mouseClick(dialog.cancel_button, LEFT)
    assert dialog.status.text() == "Cancelled" and dialog.run.finished
    assert dialog.run.outcome == ("cancelled", "")
    assert dialog.run_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_a_strategy_that_raises_stops_its_backtest_not_the_window(
    dialog: BacktestDialog, window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    dialog.class_box.setCurrentText("raises_on_bar")
    use_file(dialog, bars_file(tmp_path / "bars.parquet", 500))
    report = wait_for_report(qtbot, dialog)
    assert isinstance(report, BacktestReport) and window.isVisible()
    assert dialog.error.isVisible()
    text = dialog.error.toPlainText()
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError: bad bar at" in text
    assert "raised and stopped the backtest" in dialog.status.text()
    assert report.tabs.tabText(0) == "Error" and report.tabs.currentIndex() == 0


def test_input_it_cannot_run_is_one_line(
    dialog: BacktestDialog, qtbot: QtBot, tmp_path: Path
) -> None:
    use_file(dialog, tmp_path / "none.csv")
    qtbot.mouseClick(dialog.run_button, LEFT)
    qtbot.waitUntil(lambda: dialog.run is not None and dialog.run.finished, timeout=60_000)
    assert dialog.status.text() == f"--data: no such file: {tmp_path / 'none.csv'}"
    dialog.source_box.setCurrentText("Stored bars (data folder)")
    qtbot.mouseClick(dialog.run_button, LEFT)
    qtbot.waitUntil(lambda: dialog.run is not None and dialog.run.finished, timeout=60_000)
    assert "no stored 1m bars from 2024-01-01 to 2024-12-31 for X (none stored)" in (
        dialog.status.text()
    )
    assert "terminal history download X --timeframe 1m" in dialog.status.text()


def test_an_optimisation_shows_a_sortable_table_and_a_heat_map(
    dialog: BacktestDialog, window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    use_file(dialog, bars_file(tmp_path / "bars.parquet", 6000))
    dialog.optimize.setChecked(True)
    assert dialog.run_button.text() == "Optimise"
    dialog.optimize.set_range("fast", 3, 5, 1)
    dialog.optimize.set_range("slow", 10, 20, 10)
    dialog.optimize.processes.setValue(1)
    view = wait_for_report(qtbot, dialog)
    assert isinstance(view, OptimizationView)
    table = view.results
    assert table.rowCount() == 6
    sharpe = [table.item(r, 2).text() for r in range(6)]  # type: ignore[union-attr]
    assert table.horizontalHeaderItem(2).text() == "Sharpe ratio"  # type: ignore[union-attr]
    values = [float(s) for s in sharpe]
    assert values == sorted(values, reverse=True)
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # as a click on the header does
    assert [table.item(r, 0).text() for r in range(6)] == ["3", "3", "4", "4", "5", "5"]  # type: ignore[union-attr]
    heat = view.heat_map
    assert heat is not None and (heat.rowCount(), heat.columnCount()) == (2, 3)
    table.selectRow(0)
    with qtbot.waitSignal(dialog.report_opened, timeout=90_000) as caught:
        qtbot.mouseClick(view.backtest_button, LEFT)
    report = caught.args[0]
    assert isinstance(report, BacktestReport)
    assert report.result.params["fast"] == 3 and report.result.params["slow"] in (10, 20)
