"""Hot reload of a strategy's source file, and the per-run journal file.

Reload executes the class's module file again as a fresh module: the registry and stopped
instances take the new class; running instances keep the code they started with until they
are stopped and reloaded. A file that fails to import leaves everything as it was.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from terminal.domain.enums import PluginKind
from terminal.engine.journal import JournalWriter
from terminal.engine.paths import user_data_dir
from terminal.engine.strategy.base import Strategy

if TYPE_CHECKING:
    from terminal.engine.plugins.registry import PluginRegistry


def reload_strategy_class(registry: PluginRegistry, name: str) -> type[Any]:
    """Re-execute the source of strategy ``name``; returns the new class (ValueError if not)."""
    old = registry.get(PluginKind.STRATEGY, name)
    if old is None:
        raise ValueError(f"unknown strategy '{name}'")
    module = sys.modules.get(old.__module__)
    source = getattr(module, "__file__", None)
    if module is None or source is None:
        raise ValueError(f"strategy '{name}': its source file is unknown, cannot reload")
    spec = importlib.util.spec_from_file_location(old.__module__, source)
    if spec is None or spec.loader is None:
        raise ValueError(f"strategy '{name}': cannot load {source}")
    fresh = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(fresh)
    except Exception as exc:
        raise ValueError(
            f"strategy '{name}': reload of {source} failed, old code kept: "
            f"{type(exc).__name__}: {exc}"
        ) from None
    cls = getattr(fresh, old.__name__, None) or getattr(fresh, "PLUGIN", None)
    if not (isinstance(cls, type) and issubclass(cls, Strategy)):
        raise ValueError(f"strategy '{name}': {source} no longer defines {old.__name__}")
    sys.modules[old.__module__] = fresh
    registry.replace(PluginKind.STRATEGY, name, cls)
    return cls


def open_run_journal(now_ns: int, folder: Path | None = None) -> JournalWriter:
    """A new journal file for this run, named by its start time (local time, sortable)."""
    folder = folder or user_data_dir() / "journal"
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now_ns / 1e9))
    path = folder / f"run-{stamp}.tjnl"
    count = 1
    while path.exists():
        count += 1
        path = folder / f"run-{stamp}-{count}.tjnl"
    return JournalWriter(path)
