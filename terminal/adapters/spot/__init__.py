"""ZeroMQ: the spot server publishing the engine's ticks and events, the subscriber feed
built on its schema, and the remote engine a GUI attaches to (with CURVE keys)."""
