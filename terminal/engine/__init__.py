"""The engine core, asyncio and Qt-free: the bus, market state, bars and sessions, orders and
the pre-trade checks, the portfolio, the strategy runtime, journal and replay, monitoring and
persistence. It knows no vendor: feeds and brokers reach it through their base classes."""
