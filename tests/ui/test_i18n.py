"""The Chinese interface: every text a window shows is translated, the .ts is complete and
current with the code, the .qm is compiled from it; the language and red-up choices."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QApplication,
)
from pytestqt.qtbot import QtBot

from terminal.domain.enums import OrderStatus, Side
from terminal.ui.bridge import EngineBridge
from terminal.ui.i18n import names, remove_language, resolve_language
from terminal.ui.i18n.update import QM_FILE, TS_FILE, release, update_ts
from terminal.ui.main_window import MainWindow
from terminal.ui.theme import THEMES, style_sheet, theme_named, up_is_red
from tests.ui.i18n_walk import assert_no_english, shown_texts


def test_the_main_window_in_chinese_shows_no_english(
    chinese: None, bridge: EngineBridge, settings: QSettings, qtbot: QtBot
) -> None:
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    bridge.flush()
    texts = [(where, text) for where, text in shown_texts(window) if text]
    for menu_action in window.menuBar().actions():  # the menus' own items
        menu = menu_action.menu()
        if menu is not None:
            texts += [("menu", a.text()) for a in menu.actions()]
            texts += [("submenu", a.text()) for sub in menu.findChildren(type(menu))
                      for a in sub.actions()]  # fmt: skip
    assert_no_english(texts, 300)
    window.close()


def test_the_translation_source_is_complete_and_current(tmp_path: Path) -> None:
    """No message untranslated; lupdate over the code finds no text the .ts lacks (a new
    string fails here until it is translated: ``python -m terminal.ui.i18n.update``)."""
    committed = ET.parse(TS_FILE).getroot()
    assert not committed.findall(".//translation[@type='unfinished']")
    fresh = tmp_path / TS_FILE.name
    shutil.copy(TS_FILE, fresh)
    update_ts(fresh)
    messages = ET.parse(fresh).getroot().findall(".//message")
    untranslated = [m.findtext("source") for m in messages
                    if m.find("translation").get("type") == "unfinished"]  # fmt: skip
    assert untranslated == []
    assert len(messages) == len(committed.findall(".//message")) > 500


def test_the_compiled_translation_is_up_to_date(tmp_path: Path) -> None:
    compiled = tmp_path / QM_FILE.name
    release(TS_FILE, compiled)
    assert compiled.read_bytes() == QM_FILE.read_bytes()


def test_enum_names_and_the_language_choice(chinese: None) -> None:
    assert names.name(OrderStatus.PARTIALLY_FILLED) == "部分成交"
    assert names.side_word(Side.BUY) == "买入"
    assert resolve_language("auto", "zh_TW") == "zh_CN"
    assert resolve_language("auto", "de_DE") == "en"
    assert resolve_language("en", "zh_CN") == "en"


def test_english_names_stay_english(qapp: QApplication) -> None:
    remove_language(qapp)
    assert names.name(OrderStatus.PARTIALLY_FILLED) == "partially filled"
    assert names.side_word(Side.SELL) == "SELL"


def test_red_up_swaps_the_rise_and_fall_colours() -> None:
    dark = THEMES["dark"]
    red = theme_named("dark", up_is_red("auto", "zh_CN"))
    assert (red.up, red.down) == (dark.down, dark.up)
    assert theme_named("dark", up_is_red("auto", "en")) == dark
    assert up_is_red("red", "en") and not up_is_red("green", "zh_CN")


def test_red_up_gives_the_buy_button_the_rise_colour() -> None:
    plain, red = style_sheet("dark"), style_sheet("dark", red_up=True)
    buy = re.compile(r"QPushButton#buyButton \{ background: (#\w+)")
    sell = re.compile(r"QPushButton#sellButton \{ background: (#\w+)")
    assert buy.search(red)[1] == sell.search(plain)[1]  # type: ignore[index]
    assert sell.search(red)[1] == buy.search(plain)[1]  # type: ignore[index]


def test_red_up_reaches_the_market_watch_and_candles(
    bridge: EngineBridge, settings: QSettings, qtbot: QtBot
) -> None:
    bridge.config().ui.up_colour = "red"
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    assert window.theme.up == THEMES["dark"].down
    assert window.market_watch.model._up.name() == THEMES["dark"].down
    assert window.chart.theme.up == THEMES["dark"].down
    window.close()


def test_the_language_menu_saves_the_choice(
    bridge: EngineBridge, settings: QSettings, qtbot: QtBot
) -> None:
    window = MainWindow(bridge, settings)
    qtbot.addWidget(window)
    chinese_action = next(a for a in window.menus.language_menu.actions() if a.text() == "简体中文")
    chinese_action.trigger()
    assert settings.value("language") == "zh_CN"
    assert (
        "restart" in window.statusBar().currentMessage()
        or "started again" in window.statusBar().currentMessage()
    )
    window.close()
