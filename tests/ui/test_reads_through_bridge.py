"""Widgets read the engine only through the bridge: checked statically, like the layering.

Only the bridges and the modules that build an engine and a window around it (the app, the
replay session) may name the engine; every other module under terminal/ui reads through
:class:`EngineBridge` methods and acts by sending commands.
"""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "terminal" / "ui"
COMPOSITION = {"bridge.py", "replay/bridge.py", "app.py", "replay/window.py"}
ENGINE_MODULES = {
    "terminal.engine.engine",
    "terminal.engine.view",
    "terminal.engine.replay.engine",
    "terminal.adapters.spot.remote",
}
ENGINE_TYPES = {"Engine", "EngineView", "ReplayEngine", "RemoteEngine"}


def engine_reads(source: str) -> list[str]:
    """Where ``source`` reaches the engine: an ``.engine`` attribute, a name or argument
    ``engine``, or an import of an engine class or of the modules defining them."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute) and node.attr == "engine":
            found.append((line, ".engine"))
        elif isinstance(node, ast.Name) and node.id == "engine":
            found.append((line, "engine"))
        elif isinstance(node, ast.arg) and node.arg == "engine":
            found.append((line, "argument engine"))
        elif isinstance(node, ast.Import):
            found += [(line, f"import {a.name}") for a in node.names if a.name in ENGINE_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = sorted(alias.name for alias in node.names)
            if node.module in ENGINE_MODULES or ENGINE_TYPES.intersection(names):
                found.append((line, f"from {node.module} import {', '.join(names)}"))
    return [f"line {line}: {what}" for line, what in sorted(found)]


def test_widgets_read_the_engine_only_through_the_bridge() -> None:
    offenders = [
        f"terminal/ui/{name}: {where}"
        for path in sorted(UI.rglob("*.py"))
        if (name := path.relative_to(UI).as_posix()) not in COMPOSITION
        for where in engine_reads(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "\n".join(offenders)


def test_the_check_sees_a_widget_reading_the_engine() -> None:
    """Each way of reaching around the bridge is caught (so the check above can fail)."""
    probe = (
        "from terminal.engine.engine import OrderEstimate\n"
        "from terminal.engine.replay.engine import ReplayEngine\n"
        "def widget(bridge, engine):\n"
        "    bridge.engine.instruments\n"
        "    return engine.latest\n"
    )
    assert engine_reads(probe) == [
        "line 1: from terminal.engine.engine import OrderEstimate",
        "line 2: from terminal.engine.replay.engine import ReplayEngine",
        "line 3: argument engine",
        "line 4: .engine",
        "line 5: engine",
    ]
    assert engine_reads("def widget(bridge):\n    return bridge.instruments()\n") == []
