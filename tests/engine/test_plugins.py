"""Plugin discovery: the plugins/ folder and real entry points of installed distributions."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from terminal.domain.enums import PluginKind, PluginState
from terminal.engine.plugins.registry import PluginRegistry

GOOD_FEED = """
from terminal.domain.instrument import Instrument
from terminal.engine.feed import Feed


class ThirdPartyFeed(Feed):
    plugin_name = "thirdparty"

    def instruments(self) -> list[Instrument]:
        return []

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass
"""


def install_distribution(
    site: Path, name: str, module: str, source: str, group: str, entry: str
) -> None:
    """Write a module and a ``*.dist-info`` with an entry point, as pip would."""
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{group}]\n{entry}\n")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    site = tmp_path / "site"
    site.mkdir()
    sys.path.insert(0, str(site))
    modules_before = set(sys.modules)
    yield site
    sys.path.remove(str(site))
    for name in set(sys.modules) - modules_before:
        del sys.modules[name]


def by_name(registry: PluginRegistry) -> dict[str, object]:
    return {r.name: r for r in registry.reports}


def test_entry_point_plugin_is_loaded_and_broken_one_reported(site: Path) -> None:
    install_distribution(
        site,
        "good_feed_pkg",
        "good_feed_mod",
        GOOD_FEED,
        "terminal.feeds",
        "thirdparty = good_feed_mod:ThirdPartyFeed",
    )
    install_distribution(
        site,
        "broken_pkg",
        "broken_mod",
        "def oops(:\n    pass\n",
        "terminal.strategies",
        "broken = broken_mod:Strategy",
    )
    registry = PluginRegistry()
    registry.discover()
    reports = by_name(registry)
    good = reports["thirdparty"]
    assert good.state is PluginState.LOADED  # type: ignore[attr-defined]
    assert "good_feed_pkg" in good.source  # type: ignore[attr-defined]
    assert registry.get(PluginKind.FEED, "thirdparty").__name__ == "ThirdPartyFeed"
    broken = reports["broken"]
    assert broken.state is PluginState.FAILED  # type: ignore[attr-defined]
    assert broken.reason.startswith("SyntaxError")  # type: ignore[attr-defined]
    assert "broken_mod.py, line 1" in broken.reason  # type: ignore[attr-defined]
    # The shipped plugins still load.
    assert registry.get(PluginKind.BROKER, "paper") is not None


def test_folder_plugins_failures_are_reported_with_reasons(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    (folder / "feeds").mkdir(parents=True)
    (folder / "brokers").mkdir()
    (folder / "feeds" / "raises.py").write_text("raise RuntimeError('no licence key')\n")
    (folder / "feeds" / "noplugin.py").write_text("X = 1\n")
    (folder / "feeds" / "wrongtype.py").write_text("PLUGIN = object\n")
    (folder / "feeds" / "ok.py").write_text(GOOD_FEED + "\nPLUGIN = ThirdPartyFeed\n")
    registry = PluginRegistry()
    registry.discover(folder, entry_points=False)
    reasons = {r.name: r.reason for r in registry.failed()}
    assert reasons["raises"] == "RuntimeError: no licence key"
    assert reasons["noplugin"] == "LookupError: module defines no PLUGIN"
    assert "is not a subclass of Feed" in reasons["wrongtype"]
    assert registry.names(PluginKind.FEED) == ["thirdparty"]


def test_duplicate_names_are_refused(site: Path) -> None:
    install_distribution(
        site,
        "dup_pkg",
        "dup_mod",
        "from plugins.brokers.paper import PaperBroker as P\n",
        "terminal.brokers",
        "paper = dup_mod:P",
    )
    registry = PluginRegistry()
    registry.discover()
    failed = [r for r in registry.failed() if r.name == "paper"]
    assert failed and "already taken" in failed[0].reason
