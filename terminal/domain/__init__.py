"""Plain, immutable, typed data shared by every layer. No I/O, no asyncio, no Qt."""
