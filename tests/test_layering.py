"""The layers import one way (domain ← engine ← adapters ← plugins, ui, cli) and everything
but the ui is Qt-free: checked statically and by running it with Qt blocked."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT_MODULES = {"PySide6", "pyqtgraph", "qasync", "shiboken6"}
PACKAGES = ("domain", "engine", "adapters", "ui", "cli")
QT_FREE = [ROOT / "terminal" / name for name in ("domain", "engine", "adapters", "cli")] + [
    ROOT / "plugins"
]
# What each package of terminal/ may import of the project (besides itself).
ALLOWED = {
    "domain": set(),
    "engine": {"domain"},
    "adapters": {"domain", "engine"},
    "ui": {"domain", "engine", "adapters"},
    "cli": {"domain", "engine", "adapters", "ui"},
}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules |= {f"{node.module}.{alias.name}" for alias in node.names}
    return modules


def _imported_roots(path: Path) -> set[str]:
    return {module.split(".")[0] for module in _imported_modules(path)}


def _project_layers(path: Path) -> set[str]:
    """The packages of terminal/ (and ``plugins``) a file imports."""
    layers = set()
    for module in _imported_modules(path):
        parts = module.split(".")
        if parts[0] == "plugins":
            layers.add("plugins")
        elif parts[0] == "terminal" and len(parts) > 1 and parts[1] in PACKAGES:
            layers.add(parts[1])
    return layers


def test_no_qt_import_in_engine_domain_or_plugins() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {sorted(_imported_roots(path) & QT_MODULES)}"
        for folder in QT_FREE
        for path in folder.rglob("*.py")
        if _imported_roots(path) & QT_MODULES
    ]
    assert not offenders, offenders


def test_every_package_imports_only_the_layers_below_it() -> None:
    offenders = []
    for package, allowed in ALLOWED.items():
        for path in (ROOT / "terminal" / package).rglob("*.py"):
            wrong = _project_layers(path) - allowed - {package}
            if wrong:
                offenders.append(f"{path.relative_to(ROOT)} imports {sorted(wrong)}")
    assert not offenders, offenders


def test_plugins_are_registrations_over_engine_and_adapters() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {sorted(_project_layers(path) & {'ui', 'cli'})}"
        for path in (ROOT / "plugins").rglob("*.py")
        if _project_layers(path) & {"ui", "cli"}
    ]
    assert not offenders, offenders


def test_the_layer_check_sees_a_violation(tmp_path: Path) -> None:
    """A file of the engine importing an adapter is caught (so the check above can fail)."""
    probe = tmp_path / "probe.py"
    probe.write_text("from terminal.adapters.spot import schema\nimport terminal.ui.bridge\n")
    assert _project_layers(probe) - ALLOWED["engine"] == {"adapters", "ui"}


BLOCKED_RUN = textwrap.dedent(
    """
    import asyncio, importlib, pkgutil, sys

    class BlockQt:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"PySide6", "pyqtgraph", "qasync", "shiboken6"}:
                raise ImportError(f"{name} is blocked in this test")
            return None

    sys.meta_path.insert(0, BlockQt())
    import terminal.domain, terminal.engine, terminal.adapters, terminal.cli, plugins
    for package in (terminal.domain, terminal.engine, terminal.adapters, terminal.cli, plugins):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not info.name.endswith(".__main__"):  # that one runs the command line
                importlib.import_module(info.name)

    from terminal.domain.enums import OrderStatus, Side
    from terminal.domain.orders import OrderRequest
    from terminal.engine.config import load_config
    from terminal.engine.engine import Engine

    async def main():
        engine = Engine(load_config(overrides={"feeds": [{"name": "sim", "plugin": "simulated",
                                    "options": {"rate": 2000.0, "seed": 1}}]}))
        await engine.start()
        await asyncio.sleep(0.3)
        order_id = engine.submit(OrderRequest("paper", "BTCUSDT.BINANCE", Side.BUY, 0.01))
        await engine.stop()
        assert engine.tick_count > 100, engine.tick_count
        assert engine.order_book.get(order_id).status is OrderStatus.FILLED
        assert not any(m.split(".")[0] in {"PySide6", "pyqtgraph", "qasync"} for m in sys.modules)
        print("ok", engine.tick_count)

    asyncio.run(main())
    """
)


def test_engine_runs_with_qt_unimportable(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED_RUN],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "TERMINAL_CONFIG_DIR": str(tmp_path),
            "TERMINAL_DATA_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_blocker_catches_a_violation(tmp_path: Path) -> None:
    """The run above would fail if the engine imported Qt: prove the blocker bites."""
    probe = BLOCKED_RUN.split("import terminal.domain")[0] + "import pyqtgraph\n"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode != 0
    assert "blocked in this test" in result.stderr
