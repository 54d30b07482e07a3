"""The ``zmq`` feed plugin: registers :class:`terminal.adapters.spot.subscriber.ZmqFeed`."""

from terminal.adapters.spot.subscriber import ZmqFeed

PLUGIN = ZmqFeed
