"""The trading record on disk: the SQLite store (orders, transitions, fills, accounts, breaker
trips), its health check at start-up and the salvage of a damaged one (``--recover``)."""
