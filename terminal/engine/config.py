"""The typed configuration: defaults from ``resources/``, then the user file or ``--config``.

A bad file stops start-up with a :class:`ConfigError` naming the file, the key and the value.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal

import msgspec

from terminal.engine.backtest.settings import BacktestSection
from terminal.engine.orders.risk import RiskSection
from terminal.engine.paths import RESOURCES, user_config_dir

DEFAULT_CONFIG = RESOURCES / "default_config.toml"


class ConfigError(ValueError):
    """A configuration problem, worded for the user (no traceback needed)."""


class _Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class EngineSection(_Strict):
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    bar_history: int = 2000
    persist: bool = True
    """Record orders, transitions, fills and accounts in SQLite in the user data folder."""
    journal: bool = True
    """With ``persist``: write every event reaching the strategies to a per-run journal."""
    close_today_first: list[str] = msgspec.field(default_factory=lambda: ["CFFEX"])
    """Exchanges where a plain CLOSE takes today's position first (others: earlier days')."""
    t_plus_one: list[str] = msgspec.field(default_factory=list)
    """Exchanges whose stocks bought today can be sold only from the next trading day
    (e.g. ["SSE", "SZSE"])."""
    ack_timeout_s: float = 10.0
    """An order a broker has not acknowledged after this long is flagged in its reason."""


class Hotkeys(_Strict):
    """Key sequences in Qt's text form (e.g. "F1", "Ctrl+B"); active while the window is."""

    buy: str = "F1"
    sell: str = "F2"
    clear_ticket: str = "Esc"
    kill_switch: str = "Ctrl+Alt+K"


class UiSection(_Strict):
    theme: Literal["dark", "light"] = "dark"
    refresh_hz: int = 20
    chart_symbol: str = ""
    chart_timeframe: str = "1m"
    hotkeys: Hotkeys = msgspec.field(default_factory=Hotkeys)


class PluginInstance(_Strict):
    """One configured feed or broker: which plugin, under which name, with which options."""

    name: str
    plugin: str
    enabled: bool = True
    options: dict[str, Any] = msgspec.field(default_factory=dict)


class Config(_Strict):
    engine: EngineSection = msgspec.field(default_factory=EngineSection)
    ui: UiSection = msgspec.field(default_factory=UiSection)
    feeds: list[PluginInstance] = msgspec.field(default_factory=list)
    brokers: list[PluginInstance] = msgspec.field(default_factory=list)
    watchlist: list[str] = msgspec.field(default_factory=list)
    risk: RiskSection = msgspec.field(default_factory=RiskSection)
    backtest: BacktestSection = msgspec.field(default_factory=BacktestSection)
    sources: list[str] = msgspec.field(default_factory=list)

    def describe_sources(self) -> str:
        return ", ".join(self.sources) or "built-in defaults"


def default_user_file() -> Path:
    return user_config_dir() / "config.toml"


def load_config(path: Path | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """Defaults, then ``path`` (or the user file if it exists), then ``overrides``."""
    merged = _read_toml(DEFAULT_CONFIG)
    _validate(merged, DEFAULT_CONFIG)
    sources = [str(DEFAULT_CONFIG)]
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        user_file: Path | None = path
    else:
        candidate = default_user_file()
        user_file = candidate if candidate.is_file() else None
    if user_file is not None:
        merged = _merge(merged, _read_toml(user_file))
        _validate(merged, user_file)
        sources.append(str(user_file))
    if overrides:
        merged = _merge(merged, overrides)
        _validate(merged, "command line")
    merged["sources"] = sources
    return msgspec.convert(merged, Config)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; everything else (lists included) is replaced."""
    result = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merge(result[key], value)
        else:
            result[key] = value
    return result


def _validate(raw: dict[str, Any], source: Path | str) -> None:
    try:
        msgspec.convert(raw, Config)
    except msgspec.ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, raw, f"config file {source}")) from None


_AT = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$")
_UNKNOWN = re.compile(r"Object contains unknown field `(?P<field>[^`]+)`")


def describe_validation_error(exc: msgspec.ValidationError, raw: Any, where: str) -> str:
    """Turn msgspec's message into one naming the dotted key and the offending value."""
    match = _AT.match(str(exc))
    what = match.group("what") if match else str(exc)
    path = (match.group("path") if match else "") or ""
    unknown = _UNKNOWN.match(what)
    if unknown:
        key = _join(path, unknown.group("field"))
        return f"{where}: unknown key '{key}'"
    key = _join(path, "")
    value = _lookup(raw, path)
    shown = f" = {value!r}" if value is not _MISSING else ""
    return f"{where}: {key or '(top level)'}{shown}: {what}"


_MISSING = object()


def _join(path: str, field: str) -> str:
    dotted = path.lstrip(".").replace("].", "]").replace(".[", "[")
    dotted = re.sub(r"\.(?=\[)", "", dotted)
    if field:
        return f"{dotted}.{field}" if dotted else field
    return dotted


def _lookup(raw: Any, path: str) -> Any:
    node = raw
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path):
        name, index = part
        try:
            node = node[int(index)] if index else node[name]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return node
