"""Where the terminal finds its resources and keeps the user's files."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

_PACKAGE = Path(__file__).resolve().parents[1]  # terminal/
_TOP = _PACKAGE.parent  # the source checkout, or site-packages when installed


def _resources() -> Path:
    """An installed wheel carries ``resources/`` inside the package (``setup.py`` maps it
    there); a source checkout keeps it at the top of the tree."""
    shipped = _PACKAGE / "resources"
    return shipped if shipped.is_dir() else _TOP / "resources"


RESOURCES = _resources()
PLUGINS_DIR = _TOP / "plugins"  # the ``plugins`` package, beside ``terminal`` in both cases


def user_config_dir() -> Path:
    override = os.environ.get("TERMINAL_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir("terminal"))


def user_data_dir() -> Path:
    override = os.environ.get("TERMINAL_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("terminal"))
