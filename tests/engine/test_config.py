"""Config: defaults, user file, --config, and errors that name the file, key and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from terminal.engine.config import DEFAULT_CONFIG, ConfigError, default_user_file, load_config


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_give_the_embedded_simulated_feed_and_paper_broker() -> None:
    config = load_config()
    assert [(f.name, f.plugin) for f in config.feeds] == [("sim", "simulated")]
    assert [(b.name, b.plugin) for b in config.brokers] == [("paper", "paper")]
    assert len(config.watchlist) >= 20
    assert config.ui.theme == "dark"
    assert config.sources == [str(DEFAULT_CONFIG)]


def test_user_file_is_merged_over_defaults() -> None:
    user = default_user_file()
    user.parent.mkdir(parents=True)
    write(user, '[ui]\ntheme = "light"\n')
    config = load_config()
    assert config.ui.theme == "light"
    assert config.ui.refresh_hz == 20  # untouched keys keep their defaults
    assert config.sources[-1] == str(user)


def test_config_option_replaces_the_user_file(tmp_path: Path) -> None:
    user = default_user_file()
    user.parent.mkdir(parents=True)
    write(user, '[ui]\ntheme = "light"\n')
    chosen = write(tmp_path / "mine.toml", "[ui]\nrefresh_hz = 10\n")
    config = load_config(chosen)
    assert config.ui.theme == "dark" and config.ui.refresh_hz == 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[ui]\ncolour = 'red'\n", "unknown key 'ui.colour'"),
        ("bogus = 1\n", "unknown key 'bogus'"),
        ("[ui]\nrefresh_hz = 'fast'\n", "ui.refresh_hz = 'fast': Expected `int`, got `str`"),
        ("[ui]\ntheme = 'pink'\n", "ui.theme = 'pink': Invalid enum value 'pink'"),
        ("[[feeds]]\nname = 'x'\n", "feeds[0]"),
        (
            "[[brokers]]\nname = 'p'\nplugin = 'paper'\nsecret = 1\n",
            "unknown key 'brokers[0].secret'",
        ),
        ("[ui\n", "is not valid TOML"),
    ],
)
def test_bad_files_name_the_file_key_and_value(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert expected in str(error.value)
    assert str(path) in str(error.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config file not found: .*nope\.toml"):
        load_config(tmp_path / "nope.toml")
