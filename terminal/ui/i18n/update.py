"""Regenerates the translation source and its compiled form: ``python -m terminal.ui.i18n.update``.

``pyside6-lupdate`` reads every module of ``terminal/ui`` and merges the texts it finds into
``resources/i18n/terminal_zh_CN.ts`` (new ones come in untranslated, vanished ones go, the
translations of the rest stay); translate the new ones (Qt Linguist: ``pyside6-linguist``, or
any editor), then run it again: ``pyside6-lrelease`` compiles the ``.qm`` the terminal loads."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from terminal.ui.i18n import I18N_DIR

UI_DIR = Path(__file__).resolve().parents[1]
TS_FILE = I18N_DIR / "terminal_zh_CN.ts"
QM_FILE = TS_FILE.with_suffix(".qm")


def tool(name: str) -> str:
    """``pyside6-lupdate`` or ``pyside6-lrelease``: beside this Python first (a venv), else
    on the PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found: it comes with PySide6 (pip install PySide6)")
    return found


def sources() -> list[Path]:
    return sorted(UI_DIR.rglob("*.py"))


def update_ts(ts: Path = TS_FILE) -> str:
    """Merge the texts of ``terminal/ui`` into ``ts``; lupdate's summary. No line numbers are
    kept, so a change elsewhere in a module does not touch the file."""
    done = subprocess.run(
        [tool("pyside6-lupdate"), *map(str, sources()), "-no-obsolete", "-locations", "none",
         "-ts", str(ts)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout + done.stderr


def release(ts: Path = TS_FILE, qm: Path = QM_FILE) -> str:
    done = subprocess.run(
        [tool("pyside6-lrelease"), str(ts), "-qm", str(qm)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout + done.stderr


def main() -> int:
    print(update_ts().strip())
    print(release().strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
