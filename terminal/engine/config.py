"""The typed configuration: defaults from ``resources/``, then the user file or ``--config``.

A bad file stops start-up with a :class:`ConfigError` naming the file, the key and the value:
types and ranges, duplicate feed or broker names, and — given the discovered plugins — each
feed's and broker's plugin name and options (:func:`check_instance`).
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

import msgspec
import msgspec.inspect

from terminal.domain.enums import PluginKind, PluginState
from terminal.domain.events import PluginReport
from terminal.engine.backtest.settings import BacktestSection
from terminal.engine.bars.timeframes import parse_timeframe
from terminal.engine.orders.breakers import BreakersSection
from terminal.engine.orders.risk import RiskSection
from terminal.engine.paths import RESOURCES, user_config_dir

DEFAULT_CONFIG = RESOURCES / "default_config.toml"


class ConfigError(ValueError):
    """A configuration problem, worded for the user (no traceback needed)."""


class _Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


T_PLUS_ZERO = (
    "511*.SSE",  # bond and money-market ETFs
    "513*.SSE",  # cross-border ETFs
    "518*.SSE",  # gold ETFs
    "159920.SZSE", "159941.SZSE",  # cross-border ETFs (Hang Seng, Nasdaq 100)
    "159934.SZSE", "159937.SZSE",  # gold ETFs
)
"""The A-share instruments that trade T+0 by default: whole families where the Shanghai code
says what a fund is, known funds in Shenzhen (add yours to ``engine.t_plus_zero``)."""


class EngineSection(_Strict):
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    bar_history: Annotated[int, msgspec.Meta(ge=1)] = 2000
    persist: bool = True
    """Record orders, transitions, fills and accounts in SQLite in the user data folder."""
    journal: bool = True
    """With ``persist``: write every event reaching the strategies to a per-run journal."""
    close_today_first: list[str] = msgspec.field(default_factory=lambda: ["CFFEX"])
    """Exchanges where a plain CLOSE takes today's position first (others: earlier days')."""
    t_plus_one: list[str] = msgspec.field(default_factory=lambda: ["SSE", "SZSE", "BSE"])
    """Exchanges whose stocks bought today can be sold only from the next trading day (the
    A-share exchanges; [] turns the rule off)."""
    t_plus_zero: list[str] = msgspec.field(default_factory=lambda: list(T_PLUS_ZERO))
    """Instruments on those exchanges that trade T+0 all the same: symbols or shell-style
    patterns (bond, money-market, gold and cross-border ETFs)."""
    ack_timeout_s: Annotated[float, msgspec.Meta(gt=0)] = 10.0
    """An order a broker has not acknowledged after this long is flagged in its reason."""
    history_adjust: Literal["none", "qfq", "hfq"] = "qfq"
    """Prices of day, week and month history fetched from vendors: forward-adjusted (qfq,
    continues into live prices), backward-adjusted (hfq) or as traded; intraday history is
    always as traded."""


class Hotkeys(_Strict):
    """Key sequences in Qt's text form (e.g. "F1", "Ctrl+B"); active while the window is."""

    buy: str = "F1"
    sell: str = "F2"
    clear_ticket: str = "Esc"
    kill_switch: str = "Ctrl+Alt+K"


class UiSection(_Strict):
    theme: Literal["dark", "light"] = "dark"
    refresh_hz: Annotated[int, msgspec.Meta(ge=1, le=120)] = 20
    chart_symbol: str = ""
    chart_timeframe: str = "1m"
    hotkeys: Hotkeys = msgspec.field(default_factory=Hotkeys)
    alert_sound: bool = True
    """A sound (the system's beep) when a price or condition alert fires."""
    language: Literal["auto", "zh_CN", "en"] = "auto"
    """The interface's language; ``auto``: the system locale's (Chinese for any ``zh_*``,
    English otherwise). View ▸ Language overrides it for this user."""
    up_colour: Literal["auto", "red", "green"] = "auto"
    """The colour of a rise (a fall takes the other one); ``auto``: red when the interface is
    Chinese (红涨绿跌), green otherwise."""


class UniverseSection(_Strict):
    """The instrument list of China's exchanges: where from, and when it is taken again."""

    source: Literal["eastmoney"] = "eastmoney"
    url: str = ""
    """The list endpoint (a mirror, a local server); empty for the vendor's."""
    refresh: Literal["auto", "daily", "off"] = "auto"
    """``auto``: daily while a Sina or QQ feed is configured; ``daily``; ``off``: only by
    ``terminal symbols update``."""
    refresh_at: Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = "09:35"
    """Exchange local time (Shanghai) after which the day's list is taken, once a day."""
    page_size: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 100
    page_delay_s: Annotated[float, msgspec.Meta(ge=0)] = 0.3
    timeout_s: Annotated[float, msgspec.Meta(gt=0)] = 10.0


class PluginInstance(_Strict):
    """One configured feed or broker: which plugin, under which name, with which options."""

    name: str
    plugin: str
    enabled: bool = True
    options: dict[str, Any] = msgspec.field(default_factory=dict)


class HistorySource(PluginInstance):
    """One configured history provider (``[[history]]``)."""

    feeds: list[str] = msgspec.field(default_factory=list)
    """The feeds whose symbols it backfills; empty: any symbol it has bars of."""


class Config(_Strict):
    engine: EngineSection = msgspec.field(default_factory=EngineSection)
    ui: UiSection = msgspec.field(default_factory=UiSection)
    feeds: list[PluginInstance] = msgspec.field(default_factory=list)
    brokers: list[PluginInstance] = msgspec.field(default_factory=list)
    history: list[HistorySource] = msgspec.field(default_factory=list)
    watchlist: list[str] = msgspec.field(default_factory=list)
    risk: RiskSection = msgspec.field(default_factory=RiskSection)
    universe: UniverseSection = msgspec.field(default_factory=UniverseSection)
    breakers: BreakersSection = msgspec.field(default_factory=BreakersSection)
    backtest: BacktestSection = msgspec.field(default_factory=BacktestSection)
    sources: list[str] = msgspec.field(default_factory=list)

    def describe_sources(self) -> str:
        return ", ".join(self.sources) or "built-in defaults"


def default_user_file() -> Path:
    return user_config_dir() / "config.toml"


def load_config(
    path: Path | None = None,
    overrides: dict[str, Any] | None = None,
    plugins: PluginLookup | None = None,
) -> Config:
    """Defaults, then ``path`` (or the user file if it exists), then ``overrides``; with
    ``plugins`` (what discovery found) every feed and broker is checked against its plugin."""
    merged = _read_toml(DEFAULT_CONFIG)
    _validate(merged, DEFAULT_CONFIG, plugins)
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
        _validate(merged, user_file, plugins)
        sources.append(str(user_file))
    if overrides:
        merged = _merge(merged, overrides)
        _validate(merged, "command line", plugins)
    merged["sources"] = sources
    return msgspec.convert(merged, Config)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        # utf-8-sig: a byte-order mark, as some Windows editors write, is not an error.
        return tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"config file {path} is not UTF-8 text: byte 0x{exc.object[exc.start]:02x} at "
            f"position {exc.start}"
        ) from None
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


def _validate(raw: dict[str, Any], source: Path | str, plugins: PluginLookup | None) -> None:
    where = f"config file {source}"
    try:
        config = msgspec.convert(raw, Config)
    except msgspec.ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, raw, where)) from None
    problem = _problem(config, plugins)
    if problem:
        raise ConfigError(f"{where}: {problem}")


def _problem(config: Config, plugins: PluginLookup | None) -> str | None:
    """The first problem the types alone cannot see, naming the key and the value."""
    try:
        parse_timeframe(config.ui.chart_timeframe)
    except ValueError as exc:
        return f"ui.chart_timeframe = {config.ui.chart_timeframe!r}: {exc}"
    for section, kind in (("feeds", "feed"), ("brokers", "broker")):
        seen: set[str] = set()
        instances: list[PluginInstance] = getattr(config, section)
        for index, spec in enumerate(instances):
            key = f"{section}[{index}]"
            if not spec.name.strip():
                return f"{key}.name = {spec.name!r}: a {kind} needs a name"
            if spec.name in seen:
                return f"{key}.name = {spec.name!r}: another {kind} is already named {spec.name!r}"
            seen.add(spec.name)
            if plugins is not None:
                problem = check_instance(plugins, PluginKind(kind), key, spec)
                if problem:
                    return problem
    return None


# ---- feeds and brokers against their plugins -------------------------------------------------
class PluginLookup(Protocol):
    """What the checks need of discovery (``terminal.engine.plugins.registry.PluginRegistry``)."""

    reports: list[PluginReport]

    def get(self, kind: PluginKind, name: str) -> type[Any] | None: ...

    def names(self, kind: PluginKind) -> list[str]: ...


def check_instance(
    plugins: PluginLookup, kind: PluginKind, key: str, spec: PluginInstance
) -> str | None:
    """The first problem of one configured feed or broker: its plugin is unknown (unless the
    instance is disabled), its options do not convert to the plugin's ``Options``, a number
    in them is not finite or is negative (unless the field declares bounds of its own), or the
    plugin's ``check_options`` finds one."""
    cls = plugins.get(kind, spec.plugin)
    if cls is None:
        if not spec.enabled:
            return None
        failed = next((r for r in plugins.reports if r.kind is kind and r.name == spec.plugin
                       and r.state is PluginState.FAILED), None)  # fmt: skip
        if failed is not None:
            return (f"{key}.plugin = {spec.plugin!r}: that {kind.value} plugin failed to load: "
                    f"{failed.reason}")  # fmt: skip
        loaded = ", ".join(plugins.names(kind)) or "none"
        return (f"{key}.plugin = {spec.plugin!r}: no {kind.value} plugin of that name "
                f"(loaded: {loaded})")  # fmt: skip
    prefix = f"{key}.options"
    for name in spec.options:  # whatever the plugin would make of it (e.g. ignore it)
        if _secret_like(name):
            return _secret_refused(f"{prefix}.{name}")
    try:
        options = msgspec.convert(spec.options, cls.Options)
    except msgspec.ValidationError as exc:
        return describe_invalid(exc, spec.options, prefix)
    problem = _number_problem(options, prefix)
    if problem:
        return problem
    problems: list[str] = cls.check_options(options)
    return f"{prefix}: {'; '.join(problems)}" if problems else None


def _number_problem(value: Any, key: str, bounded: bool = False) -> str | None:
    """Cash, rates, timeouts, sizes: a plugin's numbers are finite and, unless the field says
    otherwise with bounds of its own (``msgspec.Meta``), not negative."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{key} = {value!r}: must be a finite number"
    if isinstance(value, int | float):
        return f"{key} = {value!r}: must not be negative" if value < 0 and not bounded else None
    if isinstance(value, msgspec.Struct):
        fields = _bounded_fields(type(value))
        for name in value.__struct_fields__:
            problem = _number_problem(getattr(value, name), f"{key}.{name}", name in fields)
            if problem:
                return problem
    elif isinstance(value, dict):
        for name, item in value.items():
            problem = _number_problem(item, f"{key}.{name}")
            if problem:
                return problem
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            problem = _number_problem(item, f"{key}[{index}]")
            if problem:
                return problem
    return None


@functools.cache
def _bounded_fields(struct: type[msgspec.Struct]) -> frozenset[str]:
    """Fields of ``struct`` whose number type carries bounds (``Meta(ge=…)`` and the like)."""
    info = msgspec.inspect.type_info(struct)
    assert isinstance(info, msgspec.inspect.StructType)

    def bounded(kind: msgspec.inspect.Type) -> bool:
        if isinstance(kind, msgspec.inspect.UnionType):
            return any(bounded(member) for member in kind.types)
        if isinstance(kind, msgspec.inspect.IntType | msgspec.inspect.FloatType):
            return any(bound is not None for bound in (kind.gt, kind.ge, kind.lt, kind.le))
        return False

    return frozenset(field.name for field in info.fields if bounded(field.type))


_AT = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$")
_UNKNOWN = re.compile(r"Object contains unknown field `(?P<field>[^`]+)`")


_SECRET_WORDS = ("password", "passwd", "secret", "token", "api_key", "apikey", "passphrase")


def describe_validation_error(exc: msgspec.ValidationError, raw: Any, where: str) -> str:
    """Turn msgspec's message into one naming the dotted key and the offending value."""
    return f"{where}: {describe_invalid(exc, raw)}"


def describe_invalid(exc: msgspec.ValidationError, raw: Any, prefix: str = "") -> str:
    """msgspec's message about ``raw`` as "key = value: what" (keys under ``prefix``)."""
    match = _AT.match(str(exc))
    what = match.group("what") if match else str(exc)
    path = (match.group("path") if match else "") or ""
    unknown = _UNKNOWN.match(what)
    if unknown:
        field = unknown.group("field")
        key = _prefixed(prefix, _join(path, field))
        if _secret_like(field):
            return f"unknown {_secret_refused(key)}"
        return f"unknown key '{key}'"
    key = _prefixed(prefix, _join(path, ""))
    value = _lookup(raw, path)
    # A whole table is not repeated: it can be long, and can hold what should not be shown.
    shown = f" = {value!r}" if value is not _MISSING and not isinstance(value, dict) else ""
    return f"{key or '(top level)'}{shown}: {what}"


def _secret_like(name: str) -> bool:
    """A key that would hold a secret itself, not name where it is (``password_env``)."""
    lowered = name.lower()
    naming = lowered.endswith(("_env", "_file", "_service", "_path"))
    return not naming and any(word in lowered for word in _SECRET_WORDS)


def _secret_refused(key: str) -> str:
    return (
        f"key '{key}' would hold a secret, and secrets never go in the config file: name "
        "the environment variable or keyring entry holding it instead (e.g. password_env)"
    )


def _prefixed(prefix: str, key: str) -> str:
    if not prefix:
        return key
    return f"{prefix}{key}" if not key or key.startswith("[") else f"{prefix}.{key}"


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
