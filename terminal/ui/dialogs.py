"""Confirmations without nested event loops.

``QMessageBox.exec()`` (and the static ``question``/``about``) spin a nested Qt event loop;
under qasync that re-enters asyncio callbacks and has crashed the interpreter here (a
refcount error while pyqtgraph painted inside the nested loop). Dialogs are therefore opened
window-modal with ``open()`` and answer through a callback.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QWidget

Confirm = Callable[[str, Callable[[], None]], None]
"""Ask ``text``; call the second argument if the user says yes."""


def ask(parent: QWidget, title: str, text: str, on_yes: Callable[[], None]) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.No)

    def answered(result: int) -> None:
        if result == QMessageBox.StandardButton.Yes:
            on_yes()
        box.deleteLater()

    box.finished.connect(answered)
    box.open()
    return box


def inform(parent: QWidget, title: str, text: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.finished.connect(box.deleteLater)
    box.open()
    return box


def warn(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """Say what went wrong (a file that cannot be opened, …); the app goes on."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    box.finished.connect(box.deleteLater)
    box.open()
    return box


def ok_cancel(dialog: QDialog, on_ok: Callable[[], None]) -> QDialogButtonBox:
    """OK and Cancel for a form: OK runs ``on_ok`` (which accepts the dialog, or names what is
    wrong and leaves it open), Cancel rejects it."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons
