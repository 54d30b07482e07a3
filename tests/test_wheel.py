"""A normal install works: the wheel ``pip wheel .`` builds, installed into a fresh virtual
environment and run from a folder outside the source tree, finds its resources and plugins.

Slow (a build, a compile of the quote cutter, an install of the dependencies from pip's cache
or index): about a minute."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import png_size

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

# What a source checkout holds besides the sources: never part of a build.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis",
    "*.so", "_cut.c",
)  # fmt: skip


def pip(python: Path | str, *args: str, timeout: float) -> None:
    done = subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_the_wheel_installs_into_a_fresh_venv_and_runs_outside_the_source_tree(
    tmp_path: Path,
) -> None:
    source = tmp_path / "source"  # a copy: a build writes build/ and *.egg-info beside it
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    pip(sys.executable, "wheel", "--no-deps", "-w", str(tmp_path / "dist"), str(source),
        timeout=300)  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("pyterminal-*.whl")
    shutil.rmtree(source)  # nothing may come from the source tree from here on

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip(venv / "bin" / "python", "install", str(wheel), timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        key: value for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV", "DISPLAY", "WAYLAND_DISPLAY")
    }  # fmt: skip
    env |= {
        "TERMINAL_CONFIG_DIR": str(tmp_path / "config"),
        "TERMINAL_DATA_DIR": str(tmp_path / "data"),
        "QT_QPA_PLATFORM": "offscreen",
    }

    def terminal(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(venv / "bin" / "terminal"), *args], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    listed = terminal("plugins")
    assert listed.returncode == 0, listed.stderr
    assert "loaded  feed     simulated" in listed.stdout
    assert "loaded  broker   paper" in listed.stdout and "0 failed" in listed.stdout
    assert str(venv) in listed.stdout  # the installed plugins, not a checkout's

    shot = tmp_path / "shot.png"
    shown = terminal("screenshot", "--out", str(shot), "--seconds", "1.5", "--size", "1000x700")
    assert shown.returncode == 0, shown.stderr
    assert "cannot read config file" not in shown.stderr and "Traceback" not in shown.stderr
    assert png_size(shot) == (1000, 700) and shot.stat().st_size > 30_000

    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import importlib.metadata as m; print(m.requires('pyterminal'))"],
        capture_output=True, text=True, cwd=elsewhere, env=env, timeout=60,
    )  # fmt: skip
    assert "keyring" in installed.stdout
