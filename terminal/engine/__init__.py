"""The engine: asyncio, Qt-free. Feeds → bars → strategies → brokers → order book."""
