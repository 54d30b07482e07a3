"""The engine and domain stay Qt-free: checked statically and by running them with Qt blocked."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT_MODULES = {"PySide6", "pyqtgraph", "qasync", "shiboken6"}
QT_FREE = [ROOT / "terminal" / "domain", ROOT / "terminal" / "engine", ROOT / "plugins"]


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_qt_import_in_engine_domain_or_plugins() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {sorted(_imported_roots(path) & QT_MODULES)}"
        for folder in QT_FREE
        for path in folder.rglob("*.py")
        if _imported_roots(path) & QT_MODULES
    ]
    assert not offenders, offenders


def test_domain_never_imports_engine_or_ui() -> None:
    for path in (ROOT / "terminal" / "domain").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "terminal.engine" not in source and "terminal.ui" not in source, path


BLOCKED_RUN = textwrap.dedent(
    """
    import asyncio, importlib, pkgutil, sys

    class BlockQt:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"PySide6", "pyqtgraph", "qasync", "shiboken6"}:
                raise ImportError(f"{name} is blocked in this test")
            return None

    sys.meta_path.insert(0, BlockQt())
    import terminal.domain, terminal.engine, plugins
    for package in (terminal.domain, terminal.engine, plugins):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
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
