"""The spot server: the engine's ticks and bars published over ZeroMQ, history on request."""
