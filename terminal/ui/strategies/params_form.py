"""A form generated from a strategy's frozen ``Params`` struct: one editor per field, typed."""

from __future__ import annotations

import json
from typing import Any

import msgspec
from msgspec import inspect as mi
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from terminal.engine.config import describe_validation_error
from terminal.ui.i18n import translate

LIMIT = 1e12


class ParamsForm(QWidget):
    """Editors for the fields of ``params_type``; :meth:`check` validates as the engine will."""

    def __init__(self, params_type: type[msgspec.Struct], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.params_type = params_type
        self.editors: dict[str, QWidget] = {}
        self._kinds: dict[str, mi.Type] = {}
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        info = mi.type_info(params_type)
        assert isinstance(info, mi.StructType)
        for field in info.fields:
            editor = self._editor(field.type)
            self.editors[field.name] = editor
            self._kinds[field.name] = field.type
            layout.addRow(field.name, editor)
            if field.default is not mi.NODEFAULT:
                self._set(field.name, field.default)

    @staticmethod
    def _editor(kind: mi.Type) -> QWidget:
        if isinstance(kind, mi.BoolType):
            return QCheckBox()
        if isinstance(kind, mi.IntType):
            spin = QSpinBox()
            spin.setRange(-(2**31) + 1, 2**31 - 1)
            spin.setMinimumWidth(60)
            return spin
        if isinstance(kind, mi.FloatType):
            double = QDoubleSpinBox()
            double.setRange(-LIMIT, LIMIT)
            double.setDecimals(6)
            double.setMinimumWidth(60)  # the ±1e12 range would otherwise set a wide minimum
            return double
        if isinstance(kind, mi.LiteralType):
            box = QComboBox()
            box.addItems([str(v) for v in kind.values])
            return box
        line = QLineEdit()
        if not isinstance(kind, mi.StrType):
            line.setPlaceholderText(translate("ParamsForm", "JSON value"))
        return line

    def values(self) -> dict[str, Any]:
        """The fields as entered (unvalidated). A JSON field that does not parse stays text."""
        values: dict[str, Any] = {}
        for name, editor in self.editors.items():
            if isinstance(editor, QCheckBox):
                values[name] = editor.isChecked()
            elif isinstance(editor, QSpinBox | QDoubleSpinBox):
                values[name] = editor.value()
            elif isinstance(editor, QComboBox):
                values[name] = editor.currentText()
            elif isinstance(editor, QLineEdit):
                text = editor.text()
                if isinstance(self._kinds[name], mi.StrType):
                    values[name] = text
                else:
                    try:
                        values[name] = json.loads(text)
                    except ValueError:
                        values[name] = text
        return values

    def set_values(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name in self.editors:
                self._set(name, value)

    def _set(self, name: str, value: Any) -> None:
        editor = self.editors[name]
        if isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value))
        elif isinstance(editor, QDoubleSpinBox):
            editor.setValue(float(value))
        elif isinstance(editor, QComboBox):
            editor.setCurrentText(str(value))
        elif isinstance(editor, QLineEdit):
            plain = isinstance(self._kinds[name], mi.StrType)
            editor.setText(str(value) if plain else json.dumps(value))

    def check(self) -> str:
        """ "" when the values make valid parameters, else a message naming field and value."""
        values = self.values()
        try:
            msgspec.convert(values, self.params_type)
        except msgspec.ValidationError as exc:
            if "- at `$" not in str(exc):  # a check across fields (__post_init__) names them
                return self.tr("Parameters: {problem}").format(problem=exc)
            return describe_validation_error(exc, values, self.tr("Parameters"))
        return ""
