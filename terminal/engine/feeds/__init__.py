"""Between the feeds and the bus: load shedding (``conflation.py``), who uses which symbol and
the feed that quotes it (``subscriptions.py``), and when snapshot feeds poll
(``poll_schedule.py``). The feed base class is ``terminal.engine.feed.Feed``."""
