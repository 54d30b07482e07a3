"""Config checks at load: every bad value stops start-up with one line naming the file, the
key and the value: plugin names and options (checked against each plugin's ``Options``),
duplicate names, numbers out of range, a file that is not UTF-8."""

from __future__ import annotations

from pathlib import Path

import pytest

from terminal.engine.config import ConfigError, load_config
from terminal.engine.plugins.registry import PluginRegistry

MAIL = """
[[brokers]]
name = "desk"
plugin = "mail"
[brokers.options]
host = "127.0.0.1"
sender = "terminal@example.com"
recipients = ["trader@example.com"]
"""


@pytest.fixture(scope="module")
def plugins() -> PluginRegistry:
    registry = PluginRegistry()
    registry.discover(entry_points=False)
    return registry


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "engine.toml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MAIL + 'password = "hunter22"\n',
         "key 'brokers[0].options.password' would hold a secret, and secrets never go in the "
         "config file"),
        ('[[brokers]]\nname = "p"\nplugin = "paper"\n[brokers.options]\napi_token = "t0k"\n',
         "key 'brokers[0].options.api_token' would hold a secret"),
        ('[[brokers]]\nname = "p"\nplugin = "papr"\n',
         "brokers[0].plugin = 'papr': no broker plugin of that name (loaded: ccxt, mail, paper)"),
        ('[[feeds]]\nname = "s"\nplugin = "simulatd"\n',
         "feeds[0].plugin = 'simulatd': no feed plugin of that name"),
        ('[[brokers]]\nname = "p"\nplugin = "paper"\n[brokers.options]\nlatency = 5\n',
         "unknown key 'brokers[0].options.latency'"),
        ('[[brokers]]\nname = "p"\nplugin = "paper"\n[brokers.options]\ninitial_cash = "lots"\n',
         "brokers[0].options.initial_cash = 'lots': Expected `float`, got `str`"),
        ('[[brokers]]\nname = "p"\nplugin = "paper"\n[[brokers]]\nname = "p"\nplugin = "paper"\n',
         "brokers[1].name = 'p': another broker is already named 'p'"),
        ('[[feeds]]\nname = "s"\nplugin = "simulated"\n[[feeds]]\nname = "s"\n'
         'plugin = "simulated"\n', "feeds[1].name = 's': another feed is already named 's'"),
        ('[[brokers]]\nname = "p"\nplugin = "paper"\n[brokers.options]\ninitial_cash = -1e6\n',
         "brokers[0].options.initial_cash = -1000000.0: must not be negative"),
        ('[[brokers]]\nname = "p"\nplugin = "paper"\n[brokers.options]\ncommission_rate = -0.1\n',
         "brokers[0].options.commission_rate = -0.1: must not be negative"),
        ('[[brokers]]\nname = "p"\nplugin = "paper"\n[brokers.options.commissions.SHFE]\n'
         "per_lot = -3.0\n",
         "brokers[0].options.commissions.SHFE.per_lot = -3.0: must not be negative"),
        ('[[brokers]]\nname = "p"\nplugin = "paper"\n[brokers.options]\nlatency_ms = nan\n',
         "brokers[0].options.latency_ms = nan: must be a finite number"),
        (MAIL + "timeout_s = -5.0\n", "brokers[0].options.timeout_s = -5.0"),
        (MAIL + "retry_initial_s = 0.0\n", "brokers[0].options: retry_initial_s = 0.0"),
        (MAIL.replace('"trader@example.com"', '"nobody"'),
         "address 'nobody' is not an email address"),
        ('[[feeds]]\nname = "s"\nplugin = "simulated"\n[feeds.options]\nrate = -200.0\n',
         "feeds[0].options.rate = -200.0"),
        ('[[feeds]]\nname = "z"\nplugin = "zmq"\n[feeds.options]\nrequest_timeout_s = -1.0\n',
         "feeds[0].options.request_timeout_s = -1.0"),
        (MAIL.replace("127.0.0.1", "smtp.example.com").replace('"trader@example.com"]',
                      '"trader@example.com"]\nsecurity = "none"\nusername = "me"\n'
                      'password_env = "P"') + "\n",
         "brokers[0].options: security = 'none' with username = 'me': the password would go "
         "to smtp.example.com unencrypted; use security = 'tls' or 'starttls' (or, knowing "
         "this, set allow_plaintext_login = true)"),
        ("[engine]\nbar_history = -1\n", "engine.bar_history = -1: Expected `int` >= 1"),
        ("[engine]\nack_timeout_s = -10.0\n", "engine.ack_timeout_s = -10.0: Expected `float` > 0"),
        ("[ui]\nrefresh_hz = 0\n", "ui.refresh_hz = 0: Expected `int` >= 1"),
        ('[ui]\nchart_timeframe = "7q"\n', "ui.chart_timeframe = '7q': timeframe '7q' is not"),
    ],
)  # fmt: skip
def test_a_bad_value_is_refused_naming_file_key_and_value(
    tmp_path: Path, plugins: PluginRegistry, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path, plugins=plugins)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"config file {path}: "), message
    assert expected in message
    assert "hunter22" not in message


def test_plugin_checks_need_the_plugins_and_good_files_pass(
    tmp_path: Path, plugins: PluginRegistry
) -> None:
    # Without plugins (commands that run no engine) only what the config itself says is checked.
    path = write(tmp_path, '[[brokers]]\nname = "p"\nplugin = "papr"\n')
    assert load_config(path).brokers[0].plugin == "papr"
    good = MAIL + 'username = "me"\npassword_env = "DESK_PASSWORD"\n'
    config = load_config(write(tmp_path, good), plugins=plugins)
    assert [b.name for b in config.brokers] == ["desk"]
    assert load_config(plugins=plugins).brokers[0].name == "paper"  # the defaults pass
    plain = MAIL + 'security = "none"\nusername = "me"\npassword_env = "P"\n'
    assert load_config(write(tmp_path, plain), plugins=plugins).brokers  # to this machine
    allowed = plain.replace("127.0.0.1", "smtp.example.com") + "allow_plaintext_login = true\n"
    assert load_config(write(tmp_path, allowed), plugins=plugins).brokers  # said knowingly
    # A disabled instance of a plugin that is not installed does not stop start-up.
    later = write(tmp_path, '[[brokers]]\nname = "later"\nplugin = "ib"\nenabled = false\n')
    assert load_config(later, plugins=plugins).brokers[0].enabled is False


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '[ui]\ntheme = "dark" # réglé\n'.encode("latin-1"))
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"config file {path} is not UTF-8 text: byte 0xe9 at position 23"


def test_a_byte_order_mark_is_not_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, '\ufeff[ui]\ntheme = "light"\n'.encode())
    assert load_config(path).ui.theme == "light"
