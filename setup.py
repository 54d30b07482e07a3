"""Builds the optional compiled quote cutter and lays out the packages; the rest is in
pyproject.toml.

Without a C compiler the build skips the cutter (``optional=True``) and the quote parsers run
their pure-Python path, which gives the same ticks, slower.

``resources/`` stays at the top of the source tree and ships inside the wheel as
``terminal/resources/`` (every file in it, found at build time), where
``terminal.engine.paths`` looks first; a source checkout uses the top-level folder.
"""

from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, find_packages, setup

ROOT = Path(__file__).resolve().parent
RESOURCES = ROOT / "resources"


def resource_packages() -> tuple[list[str], dict[str, str], dict[str, list[str]]]:
    """``resources/`` and each folder in it as a data-only package under ``terminal``."""
    packages, folders, files = [], {}, {}
    for folder in [RESOURCES, *sorted(p for p in RESOURCES.rglob("*") if p.is_dir())]:
        relative = folder.relative_to(ROOT)
        name = ".".join(("terminal", *relative.parts))
        packages.append(name)
        folders[name] = relative.as_posix()
        files[name] = sorted(p.name for p in folder.iterdir() if p.is_file())
    return packages, folders, files


resources, resource_dirs, resource_files = resource_packages()

setup(
    packages=[*find_packages(include=["terminal*", "plugins*"]), *resources],
    package_dir=resource_dirs,
    package_data={"": ["*.toml", "*.qss", "*.svg", "*.png"], **resource_files},
    ext_modules=cythonize(
        [
            Extension(
                "terminal.adapters.quotes._cut",
                ["terminal/adapters/quotes/_cut.pyx"],
                optional=True,
            )
        ],
        language_level=3,
    ),
)
