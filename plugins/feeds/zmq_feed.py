"""The ``zmq`` feed plugin: ticks from a spot server (``terminal serve``) or any publisher of
its documented schema. The machinery is in :mod:`terminal.engine.spot.subscriber`, which the
remote GUI shares."""

from __future__ import annotations

from terminal.engine.spot.subscriber import SpotSubscriber, ZmqFeedOptions, request_reply

__all__ = ["ZmqFeed", "ZmqFeedOptions", "request_reply"]


class ZmqFeed(SpotSubscriber):
    """Ticks from a remote engine's spot server."""

    plugin_name = "zmq"
    Options = ZmqFeedOptions


PLUGIN = ZmqFeed
