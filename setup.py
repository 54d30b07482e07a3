"""Builds the optional compiled quote cutter; everything else is in pyproject.toml.

Without a C compiler the build skips it (``optional=True``) and the quote parsers run their
pure-Python path, which gives the same ticks, slower."""

from Cython.Build import cythonize
from setuptools import Extension, setup

setup(
    ext_modules=cythonize(
        [
            Extension(
                "terminal.adapters.quotes._cut",
                ["terminal/adapters/quotes/_cut.pyx"],
                optional=True,
            )
        ],
        language_level=3,
    )
)
