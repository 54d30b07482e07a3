"""What the feed and broker plugin base classes share: a name, a context, options."""

from __future__ import annotations

from abc import ABC
from typing import Any, ClassVar, Generic, TypeVar

import msgspec

ContextT = TypeVar("ContextT")


class NoOptions(msgspec.Struct, forbid_unknown_fields=True):
    """Options of a plugin that takes none."""


class PluginBase(ABC, Generic[ContextT]):
    """A configured plugin instance: its name in the config, the context through which it
    reaches the engine (``FeedContext``, ``BrokerContext``) and its options, an instance of
    ``Options``. Subclasses set ``plugin_name`` and, if they take options, ``Options``."""

    plugin_name: ClassVar[str]
    Options: ClassVar[type[msgspec.Struct]] = NoOptions

    @classmethod
    def check_options(cls, options: Any) -> list[str]:
        """What is wrong with ``options`` beyond what their types say, one line each naming
        the option and its value; checked when the config loads (start-up stops on any)."""
        return []

    def __init__(self, name: str, context: ContextT, options: Any) -> None:
        self.name = name
        self.context = context
        self.options = options
