"""The Chinese interface beyond the main window: the backtest dialog, its report and
optimisation views, the indicator, alert and mark-order dialogs and the replay window, built
in Chinese and walked for English words; dates, month names and the P&L axis in both
languages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from plugins.strategies.sma_cross import SmaCross
from terminal.domain.enums import OrderStatus, OrderType, Side, TimeInForce
from terminal.domain.market_alerts import Alert, AlertCondition
from terminal.domain.orders import Order
from terminal.engine.backtest.background import OptimizationOutcome
from terminal.engine.backtest.optimize import results_table
from terminal.engine.backtest.result import BacktestResult
from terminal.engine.backtest.stats import NAMES
from terminal.engine.backtest.workers import Fold
from terminal.engine.config import Config
from terminal.engine.indicators import INDICATORS
from terminal.engine.plugins.registry import PluginRegistry
from terminal.engine.replay.engine import ReplayEngine, load_journal
from terminal.ui.alerts.dialog import AlertDialog
from terminal.ui.backtest.dialog import BacktestDialog
from terminal.ui.backtest.optimization import OptimizationView
from terminal.ui.backtest.report import BacktestReport
from terminal.ui.bridge import EngineBridge
from terminal.ui.chart.indicator_dialog import IndicatorDialog
from terminal.ui.i18n import install_language, remove_language
from terminal.ui.i18n.dates import day_text, month_name, next_poll_text
from terminal.ui.monitors.pnl_panel import LocaleTimeAxis
from terminal.ui.replay.window import ReplaySession, replay_settings
from terminal.ui.trading.mark_order_dialog import MarkOrderDialog
from tests.engine.backtest.helpers import DAY_NS, T0, frame, run, walk
from tests.engine.replay_helpers import record_privately
from tests.ui.i18n_walk import assert_no_english, shown_texts

DAY = 86_400


def backtest_result() -> BacktestResult:
    """A real run over 400 daily bars (fills, a monthly table over two years)."""
    return run(SmaCross, frame(walk(400, seed=4), step=DAY_NS), params={"fast": 3, "slow": 8})


def walked(widget: QWidget, qtbot: QtBot, at_least: int) -> None:
    qtbot.addWidget(widget)
    widget.show()
    assert_no_english(list(shown_texts(widget)), at_least)
    widget.close()


def test_the_backtest_dialog_and_its_messages_in_chinese(
    chinese: None, bridge: EngineBridge, qtbot: QtBot
) -> None:
    dialog = BacktestDialog(bridge)
    dialog.symbols_edit.setText("")
    assert not dialog.start()  # refused: its message is part of the walk
    assert dialog.status.text() == "代码：请至少输入一个代码"
    dialog.optimize.setChecked(True)
    assert dialog.run_button.text() == "参数优化"
    walked(dialog, qtbot, 60)


def test_the_backtest_report_in_chinese(
    chinese: None, bridge: EngineBridge, qtbot: QtBot
) -> None:
    result = backtest_result()
    assert len(result.fills) > 4
    report = BacktestReport(result, bridge)
    headers = [report.monthly.horizontalHeaderItem(c).text() for c in range(13)]
    assert headers == [f"{m}月" for m in range(1, 13)] + ["年"]
    assert report.values["max_drawdown_days"].text().endswith(" 天")
    walked(report, qtbot, 60)


def test_the_optimisation_view_in_chinese(chinese: None, qtbot: QtBot) -> None:
    rows = [{"fast": f, "slow": s, **{n: 0.1 * f - 0.01 * s for n in NAMES}, "error": ""}
            for f in (2, 3, 4) for s in (8, 10)]  # fmt: skip
    fold = Fold(1, T0, T0 + 30 * DAY_NS, T0 + 30 * DAY_NS, T0 + 40 * DAY_NS,
                {"fast": 3, "slow": 8}, 1.2, 0.4, 0.02)  # fmt: skip
    outcome = OptimizationOutcome(results_table(rows, ["fast", "slow"], "sharpe"),
                                  ["fast", "slow"], "sharpe", [fold], "Asia/Shanghai")  # fmt: skip
    view = OptimizationView(outcome)
    assert [view.tabs.tabText(i) for i in range(3)] == [
        "结果（6）", "热力图：夏普比率", "滚动优化（1 个窗口）"
    ]  # fmt: skip
    walked(view, qtbot, 30)


def test_the_indicator_alert_and_mark_order_dialogs_in_chinese(
    chinese: None, bridge: EngineBridge, qtbot: QtBot
) -> None:
    indicator = INDICATORS["BB"]()
    walked(IndicatorDialog(indicator, lambda _: None, None, "red"), qtbot, 4)
    alert = Alert(symbol="600000.SSE", condition=AlertCondition.BAR_CLOSE)
    walked(AlertDialog(bridge, alert, "red"), qtbot, 20)
    order = Order("A-1", "mail", "600000.SSE", Side.BUY, 300.0, OrderType.LIMIT, 10.5,
                  TimeInForce.DAY, "manual", OrderStatus.ACCEPTED, 1, 1)  # fmt: skip
    dialog = MarkOrderDialog(bridge, order, 2)
    dialog.quantity.setValue(0)
    dialog.mark_filled()  # refused: "成交数量：必须大于 0…" is walked too
    assert dialog.message.text().startswith("成交数量：")
    walked(dialog, qtbot, 8)


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return record_privately(tmp_path_factory.mktemp("recorded"))[0]


def test_the_replay_window_in_chinese(
    chinese: None, journal: Path, config: Config, qtbot: QtBot, run_async: Callable[..., Any]
) -> None:
    registry = PluginRegistry()
    registry.discover(entry_points=False)
    engine = ReplayEngine(load_journal(journal), config, registry, paused=True)
    session = ReplaySession(engine, replay_settings(), "dark", 30)
    run_async(session.start())
    try:
        window = session.window
        window.resize(1366, 768)
        window.show()
        session.bridge.flush()
        controls = session.controls
        controls.refresh()
        assert controls.state_label.text() == "已暂停"
        texts = [*shown_texts(window), ("details", controls.details_text())]
        texts += [("replay action", a.text()) for a in controls.actions()]
        assert_no_english(texts, 300)
    finally:
        run_async(session.close())


@pytest.mark.parametrize(
    ("language", "day", "month", "poll"),
    [("zh_CN", "2024/1/5", "1月", "下次查询 周一 09:15"),
     ("en", "1/5/2024", "Jan", "next poll Mon 09:15")],
)  # fmt: skip
def test_dates_and_month_names_follow_the_language(
    qapp: QApplication, language: str, day: str, month: str, poll: str
) -> None:
    install_language(qapp, "zh_CN" if language == "zh_CN" else "en")
    try:
        assert day_text(date(2024, 1, 5)) == day
        assert month_name(1) == month
        assert next_poll_text("next poll Mon 09:15") == poll
        assert next_poll_text("no session in the months ahead") == "no session in the months ahead"
        axis = LocaleTimeAxis()
        noon = datetime(2024, 1, 5, 12, 30).timestamp()
        assert axis.tickStrings([noon], 1.0, 3600) == ["12:30"]
        assert axis.tickStrings([noon], 1.0, 2 * DAY) == [day]
    finally:
        remove_language(qapp)


def test_the_report_dates_follow_the_language(
    qapp: QApplication, bridge: EngineBridge, qtbot: QtBot
) -> None:
    result = backtest_result()
    first = pd.Timestamp(result.daily.index[0]).date()
    for language, written, january in (("zh_CN", f"{first.year}/{first.month}/{first.day}",
                                        "1月"),
                                       ("en", f"{first.month}/{first.day}/{first.year}", "Jan")):
        install_language(qapp, "zh_CN" if language == "zh_CN" else "en")
        try:
            report = BacktestReport(result, bridge)
            qtbot.addWidget(report)
            assert written in report.title.text()
            assert report.monthly.horizontalHeaderItem(0).text() == january
        finally:
            remove_language(qapp)

