"""The command line as users run it: real subprocesses of the installed `terminal` script."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.aio import run as run_coroutine
from tests.engine.replay_helpers import record_run

TERMINAL = str(Path(sys.executable).parent / "terminal")
pytestmark = pytest.mark.slow


def run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run(
        [TERMINAL, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**base, **(env or {})},
    )


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_plugins_lists_loaded_and_failed() -> None:
    result = run("plugins")
    assert result.returncode == 0, result.stderr
    assert "loaded  feed     simulated" in result.stdout
    assert "loaded  broker   paper" in result.stdout
    assert "loaded  strategy sma_cross" in result.stdout
    assert "0 failed" in result.stdout


def test_bad_config_stops_with_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[ui]\nrefresh_hz = 'fast'\n")
    result = run("--config", str(bad), "plugins")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"terminal: config file {bad}: ui.refresh_hz = 'fast': Expected `int`, got `str`"
    )
    missing = run("--config", str(tmp_path / "none.toml"))
    assert missing.returncode == 2 and "config file not found" in missing.stderr
    assert "Traceback" not in missing.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b'[[brokers]]\nname = "desk"\nplugin = "mail"\n[brokers.options]\nhost = "127.0.0.1"\n'
         b'sender = "t@example.com"\nrecipients = ["me@example.com"]\npassword = "paper"\n',
         ": key 'brokers[0].options.password' would hold a secret, and secrets never go in the "
         "config file: name the environment variable or keyring entry holding it instead (e.g. "
         "password_env)"),
        (b'[[brokers]]\nname = "p"\nplugin = "paper"\n[[brokers]]\nname = "p"\nplugin = "paper"\n',
         ": brokers[1].name = 'p': another broker is already named 'p'"),
        (b'[[brokers]]\nname = "p"\nplugin = "paper"\n[brokers.options]\ninitial_cash = -5.0\n',
         ": brokers[0].options.initial_cash = -5.0: must not be negative"),
        ('[ui]\ntheme = "dark" # réglé\n'.encode("latin-1"),
         " is not UTF-8 text: byte 0xe9 at position 23"),
    ],
)  # fmt: skip
def test_a_bad_config_stops_serve_before_anything_starts(
    tmp_path: Path, text: bytes, expected: str
) -> None:
    path = tmp_path / "engine.toml"
    path.write_bytes(text)
    result = run("--config", str(path), "serve", "--seconds", "1", "--pub", "tcp://127.0.0.1:*",
                 "--rep", "tcp://127.0.0.1:*")  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"terminal: config file {path}{expected}"
    assert "serving:" not in result.stdout and "paper" not in result.stderr.split(expected)[0]


def test_screenshot_renders_the_window(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    result = run(
        "screenshot",
        "--out",
        str(out),
        "--seconds",
        "1.5",
        "--size",
        "1200x800",
        env={"QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert png_size(out) == (1200, 800)
    assert out.stat().st_size > 50_000  # a live window, not a blank image
    assert "Traceback" not in result.stderr


def test_gui_closes_cleanly(tmp_path: Path) -> None:
    result = run("--exit-after", "2", env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert "engine stopped" in result.stderr
    assert "Traceback" not in result.stderr and "Task was destroyed" not in result.stderr
    assert (tmp_path / "config" / "layout.ini").is_file()  # layout saved on close


def test_gui_without_display_explains_instead_of_aborting() -> None:
    result = run(env={"QT_QPA_PLATFORM": ""})
    assert result.returncode == 2
    assert "no display found" in result.stderr


def test_serve_runs_headless_and_stops() -> None:
    result = run("serve", "--seconds", "1")
    assert result.returncode == 0, result.stderr
    assert "engine started" in result.stderr and "engine stopped" in result.stderr
    served = int(result.stderr.split("served ")[1].split()[0])
    assert served > 50


def test_replay_in_the_gui_from_the_command_line(tmp_path: Path) -> None:
    journal, _ = run_coroutine(record_run(1.0), timeout=30)
    offscreen = {"QT_QPA_PLATFORM": "offscreen"}
    result = run("--replay", str(journal), "--replay-speed", "max", "--exit-after", "1.5",
                 env=offscreen)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"replay of {journal.name} finished: replayed" in result.stderr
    assert "8 orders, identical to the 8 placed live" in result.stderr
    assert "Traceback" not in result.stderr and "Task was destroyed" not in result.stderr
    assert (tmp_path / "config" / "replay_layout.ini").is_file()  # not the live layout
    assert not (tmp_path / "config" / "layout.ini").exists()
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    bad = run("--replay", str(notes), "--exit-after", "1", env=offscreen)
    assert bad.returncode == 2
    assert f"terminal: cannot open the replay: {notes} is not a journal" in bad.stderr
    both = run("--replay", str(journal), "--connect", "tcp://127.0.0.1:5999")
    assert both.returncode == 2 and "--replay and --connect exclude each other" in both.stderr
