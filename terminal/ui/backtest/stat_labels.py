"""The backtest statistics' names, the fills' column names and the report's dates as the
window shows them, in its language (the engine's labels are English data, also written to
``summary.json`` and the HTML report)."""

from __future__ import annotations

import math

from terminal.engine.backtest.stats import LABELS, shown
from terminal.ui.i18n import QT_TRANSLATE_NOOP, translate

CONTEXT = "Statistic"
# The engine's English labels, marked here so lupdate finds them (looked up by that text).
_MARKED = (
    QT_TRANSLATE_NOOP("Statistic", "Total return"),
    QT_TRANSLATE_NOOP("Statistic", "Annual return"),
    QT_TRANSLATE_NOOP("Statistic", "Annual volatility"),
    QT_TRANSLATE_NOOP("Statistic", "Sharpe ratio"),
    QT_TRANSLATE_NOOP("Statistic", "Sortino ratio"),
    QT_TRANSLATE_NOOP("Statistic", "Max drawdown"),
    QT_TRANSLATE_NOOP("Statistic", "Max drawdown duration"),
    QT_TRANSLATE_NOOP("Statistic", "Calmar ratio"),
    QT_TRANSLATE_NOOP("Statistic", "Win rate"),
    QT_TRANSLATE_NOOP("Statistic", "Profit factor"),
    QT_TRANSLATE_NOOP("Statistic", "Average trade"),
    QT_TRANSLATE_NOOP("Statistic", "Exposure"),
    QT_TRANSLATE_NOOP("Statistic", "Turnover"),
    QT_TRANSLATE_NOOP("Statistic", "Round trips"),
    QT_TRANSLATE_NOOP("Statistic", "Fills"),
    QT_TRANSLATE_NOOP("Statistic", "Commission"),
    QT_TRANSLATE_NOOP("Statistic", "Final equity"),
    QT_TRANSLATE_NOOP("Statistic", "Buy and hold"),
)
FILL_COLUMNS = {
    "datetime": QT_TRANSLATE_NOOP("Statistic", "Time"),
    "symbol": QT_TRANSLATE_NOOP("Statistic", "Symbol"),
    "side": QT_TRANSLATE_NOOP("Statistic", "Side"),
    "quantity": QT_TRANSLATE_NOOP("Statistic", "Quantity"),
    "price": QT_TRANSLATE_NOOP("Statistic", "Price"),
    "commission": QT_TRANSLATE_NOOP("Statistic", "Commission"),
}


def label(name: str) -> str:
    """Statistic ``name``'s label ("Sharpe ratio", 夏普比率); a parameter's name as it is."""
    return translate(CONTEXT, LABELS[name][0]) if name in LABELS else name


def value_text(name: str, value: float) -> str:
    """``value`` of statistic ``name`` as the report shows it, durations in the language."""
    if LABELS.get(name, ("", ""))[1] == "days" and math.isfinite(value):
        return translate("Statistic", "{days} days").format(days=f"{value:.0f}")
    return shown(name, value)


def fill_column(name: str) -> str:
    return translate(CONTEXT, FILL_COLUMNS[name]) if name in FILL_COLUMNS else name
