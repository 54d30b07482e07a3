"""Plugin discovery: the shipped ``plugins/`` folder and installed packages' entry points.

Both routes end the same way: a class deriving from :class:`Feed`, :class:`Broker`,
:class:`Strategy` or :class:`HistoryProvider`. A folder module names its class in a
module-level ``PLUGIN``; a package names it in an entry point of group ``terminal.feeds``,
``terminal.brokers``, ``terminal.strategies`` or ``terminal.history``. Whatever fails is
reported with its reason; the rest load.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import logging
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from terminal.domain.enums import PluginKind, PluginState
from terminal.domain.events import PluginReport
from terminal.engine.broker import Broker
from terminal.engine.feed import Feed
from terminal.engine.history.provider import HistoryProvider
from terminal.engine.paths import PLUGINS_DIR
from terminal.engine.strategy.base import Strategy

log = logging.getLogger("terminal.plugins")

ENTRY_POINT_GROUPS = {
    PluginKind.FEED: "terminal.feeds",
    PluginKind.BROKER: "terminal.brokers",
    PluginKind.STRATEGY: "terminal.strategies",
    PluginKind.HISTORY: "terminal.history",
}
FOLDERS = {
    PluginKind.FEED: "feeds",
    PluginKind.BROKER: "brokers",
    PluginKind.STRATEGY: "strategies",
    PluginKind.HISTORY: "history",
}
BASES: dict[PluginKind, type] = {
    PluginKind.FEED: Feed,
    PluginKind.BROKER: Broker,
    PluginKind.STRATEGY: Strategy,
    PluginKind.HISTORY: HistoryProvider,
}


class PluginRegistry:
    """What was found, what loaded, and why the rest did not."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet  # report, but log nothing (a look before logging is set up)
        self.reports: list[PluginReport] = []
        self._classes: dict[PluginKind, dict[str, type]] = {kind: {} for kind in PluginKind}

    def discover(self, folder: Path = PLUGINS_DIR, entry_points: bool = True) -> None:
        for kind in PluginKind:
            self._discover_folder(kind, folder / FOLDERS[kind], shipped=folder == PLUGINS_DIR)
            if entry_points:
                self._discover_entry_points(kind)

    def get(self, kind: PluginKind, name: str) -> type[Any] | None:
        return self._classes[kind].get(name)

    def names(self, kind: PluginKind) -> list[str]:
        return sorted(self._classes[kind])

    def replace(self, kind: PluginKind, name: str, plugin: type[Any]) -> None:
        """Put a reloaded class in place of the one loaded under ``name``."""
        self._classes[kind][name] = plugin

    def failed(self) -> list[PluginReport]:
        return [r for r in self.reports if r.state is PluginState.FAILED]

    def report_failure(self, kind: PluginKind, name: str, source: str, reason: str) -> None:
        """Record a plugin that loaded but failed later (e.g. on start)."""
        self._classes[kind].pop(name, None)
        self.reports = [r for r in self.reports if not (r.kind is kind and r.name == name)]
        self._add(PluginReport(kind, name, source, PluginState.FAILED, reason))

    def _discover_folder(self, kind: PluginKind, folder: Path, shipped: bool) -> None:
        if not folder.is_dir():
            return
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_"):
                continue
            source = f"folder {path}"
            try:
                module = self._import_file(kind, path, shipped)
                plugin = getattr(module, "PLUGIN", None)
                if plugin is None:
                    raise LookupError("module defines no PLUGIN")
            except Exception as exc:
                self._fail(kind, path.stem, source, exc)
                continue
            self._accept(kind, plugin, source, fallback_name=path.stem)

    def _discover_entry_points(self, kind: PluginKind) -> None:
        for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUPS[kind]):
            dist = entry.dist.name if entry.dist is not None else "unknown package"
            source = f"entry point {entry.value} ({dist})"
            try:
                plugin = entry.load()
            except Exception as exc:
                self._fail(kind, entry.name, source, exc)
                continue
            self._accept(kind, plugin, source, fallback_name=entry.name)

    @staticmethod
    def _import_file(kind: PluginKind, path: Path, shipped: bool) -> ModuleType:
        if shipped:
            return importlib.import_module(f"plugins.{FOLDERS[kind]}.{path.stem}")
        module_name = f"terminal_user_plugins.{FOLDERS[kind]}.{path.stem}"
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
        return module

    def _accept(self, kind: PluginKind, plugin: Any, source: str, fallback_name: str) -> None:
        base = BASES[kind]
        if not (isinstance(plugin, type) and issubclass(plugin, base)):
            reason = f"{plugin!r} is not a subclass of {base.__name__}"
            self._add(PluginReport(kind, fallback_name, source, PluginState.FAILED, reason))
            return
        name = getattr(plugin, "plugin_name", None) or fallback_name
        if name in self._classes[kind]:
            reason = f"name '{name}' is already taken by another {kind.value} plugin"
            self._add(PluginReport(kind, name, source, PluginState.FAILED, reason))
            return
        self._classes[kind][name] = plugin
        self._add(PluginReport(kind, name, source, PluginState.LOADED))

    def _fail(self, kind: PluginKind, name: str, source: str, exc: BaseException) -> None:
        reason = f"{type(exc).__name__}: {exc}"
        self._add(PluginReport(kind, name, source, PluginState.FAILED, reason))

    def _add(self, report: PluginReport) -> None:
        self.reports.append(report)
        if self.quiet:
            return
        if report.state is PluginState.FAILED:
            log.error(
                "%s plugin '%s' failed (%s): %s",
                report.kind.value,
                report.name,
                report.source,
                report.reason,
            )
        else:
            log.info("%s plugin '%s' loaded from %s", report.kind.value, report.name, report.source)
