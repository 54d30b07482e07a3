"""Crypto venues through ccxt: the exchange factory, symbol and structure mapping, the feed
(websocket streams or REST polling) and the broker (orders, private streams, reconciliation)."""
