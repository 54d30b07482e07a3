"""The interface's language: which one, and Qt's translators for it, installed before any
widget is built.

How strings are marked (``lupdate`` and the runtime agree on each):

- in a QObject subclass, ``self.tr("…")``: the context is the class the call is written in;
  PySide6 looks the text up along the instance's class hierarchy, so a base class's strings
  translate in its subclasses too;
- anywhere else (module functions, dataclasses, column declarations),
  ``translate("Context", "…")`` from this module, with the context written out;
- a text declared where no translator can run yet (module-level tables):
  ``QT_TRANSLATE_NOOP("Context", "…")``, translated with the same context where it is shown.

Arguments go in after translating: ``self.tr("Buy {qty}").format(qty=…)``.
``python -m terminal.ui.i18n.update`` regenerates the ``.ts`` and ``.qm`` files."""

from __future__ import annotations

import logging
from typing import Literal

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from terminal.engine.paths import RESOURCES

log = logging.getLogger("terminal.ui")

I18N_DIR = RESOURCES / "i18n"
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}  # each shown in its own language
Language = Literal["en", "zh_CN"]
_installed: list[QTranslator] = []  # kept alive: Qt holds translators by raw pointer


def translate(context: str, text: str) -> str:
    """``text`` in the installed language, looked up under ``context``."""
    return QCoreApplication.translate(context, text)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` for ``lupdate`` under ``context`` where it cannot be translated yet (a
    module-level table); typed, unlike PySide6's, which returns ``object``."""
    return text


def resolve_language(chosen: str, system: str | None = None) -> Language:
    """``zh_CN`` or ``en``: the one ``chosen``, or for ``auto`` (or anything unknown) the
    system locale's (any Chinese → ``zh_CN``, anything else → ``en``)."""
    if chosen == "zh_CN":
        return "zh_CN"
    if chosen == "en":
        return "en"
    system = system if system is not None else QLocale.system().name()
    return "zh_CN" if system.startswith("zh") else "en"


def install_language(app: QCoreApplication, language: Language) -> bool:
    """The terminal's and Qt's own (standard dialogs' buttons) translations for ``language``,
    replacing any installed before, and the default QLocale (dates in words, day names).
    False when the terminal's translation file is missing (the interface stays English)."""
    remove_language(app)
    QLocale.setDefault(QLocale("zh_CN" if language == "zh_CN" else "en_US"))
    if language == "en":
        return True
    ours = QTranslator(app)
    if not ours.load(str(I18N_DIR / f"terminal_{language}.qm")):
        log.warning("no translation file for %s in %s: the interface stays English",
                    language, I18N_DIR)
        return False
    qt_own = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_own.load(f"qtbase_{language}", qt_dir):
        _install(app, qt_own)
    _install(app, ours)  # installed last: searched first
    return True


def _install(app: QCoreApplication, translator: QTranslator) -> None:
    app.installTranslator(translator)
    _installed.append(translator)


def remove_language(app: QCoreApplication) -> None:
    """Back to the source texts (English) and the system's QLocale."""
    while _installed:
        app.removeTranslator(_installed.pop())
    QLocale.setDefault(QLocale.system())


def installed_language() -> Language:
    return "zh_CN" if _installed else "en"
