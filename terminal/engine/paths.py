"""Where the terminal finds its resources and keeps the user's files."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
PLUGINS_DIR = Path(__file__).resolve().parents[2] / "plugins"


def user_config_dir() -> Path:
    override = os.environ.get("TERMINAL_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir("terminal"))


def user_data_dir() -> Path:
    override = os.environ.get("TERMINAL_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("terminal"))
